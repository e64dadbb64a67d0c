// What the catalog's failover chains need of a tenant's stored configs (catalog.model.ts TenantProviderReader).

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import type { StoredProviderRef, TenantProviderReader } from "../catalog/catalog.model.js";
import type { TenantConfigSource } from "./provider-config.source.js";

export class FailoverConfigReader implements TenantProviderReader {
  constructor(private readonly source: TenantConfigSource) {}

  async listForFailover(caller: Caller, tenantId: string, providerType: ProviderType): Promise<StoredProviderRef[]> {
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    const configs = (await this.source.load([tenantId])).get(tenantId) ?? [];
    return configs.filter((config) => config.providerType === providerType);
  }
}

// What the catalog's failover chains need of a tenant's stored configs (catalog.model.ts TenantProviderReader), read
// through the request's loader: many failoverChain fields in one request are one batched read.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import type { StoredProviderRef, TenantProviderReader } from "../catalog/catalog.model.js";
import type { ConfigLoaders } from "./provider-config.loaders.js";

export class FailoverConfigReader implements TenantProviderReader {
  constructor(private readonly loaders: ConfigLoaders) {}

  async listForFailover(caller: Caller, tenantId: string, providerType: ProviderType): Promise<StoredProviderRef[]> {
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    return this.loaders.byTenant.load({ tenantId, providerType });
  }
}

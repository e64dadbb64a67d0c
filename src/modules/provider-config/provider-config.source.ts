// Where reads of a tenant's configs come from. The database source is the truth; the cache module wraps it
// (same interface), and a per-request DataLoader batches it, so one request costs one round trip however many
// tenants it reads.
import type { Executor } from "../../infra/database/unit-of-work.js";
import { type ProviderConfigRecord, toRecord } from "./provider-config.model.js";
import { sortConfigs } from "./provider-config.order.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";

export interface TenantConfigSource {
  /** Every stored config of each tenant, sorted (provider-config.order.ts); tenants with none map to []. */
  load(tenantIds: readonly string[]): Promise<Map<string, ProviderConfigRecord[]>>;
}

export class DatabaseTenantConfigSource implements TenantConfigSource {
  constructor(
    private readonly db: Executor,
    private readonly repository: ProviderConfigRepository,
  ) {}

  async load(tenantIds: readonly string[]): Promise<Map<string, ProviderConfigRecord[]>> {
    const byTenant = new Map<string, ProviderConfigRecord[]>(tenantIds.map((id) => [id, []]));
    for (const config of await this.repository.listByTenants(this.db, tenantIds)) byTenant.get(config.tenantId)?.push(toRecord(config));
    for (const [tenantId, configs] of byTenant) byTenant.set(tenantId, sortConfigs(configs));
    return byTenant;
  }
}

// Where reads of a tenant's configs come from. The database source is the truth; the cached source wraps it
// (same interface), and a per-request DataLoader batches either, so one request costs one cache round trip
// and at most one database round trip however many tenants it reads.

import { onlyTenants } from "../../domain/tenant-scope.js";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { GenerationalCache } from "../../infra/cache/generational-cache.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { type ProviderConfigRecord, toRecord } from "./provider-config.model.js";
import { sortConfigs } from "./provider-config.order.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import type { ConfigChangeListener } from "./provider-config.service.js";

export interface TenantConfigSource {
  /**
   * Every stored config of each tenant, sorted (provider-config.order.ts); tenants with none map to [].
   * `dependencies` learns which cache generations the result belongs to (for whole-response caching).
   */
  load(tenantIds: readonly string[], dependencies?: CacheDependencies): Promise<Map<string, ProviderConfigRecord[]>>;
}

export class DatabaseTenantConfigSource implements TenantConfigSource {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ProviderConfigRepository,
  ) {}

  async load(tenantIds: readonly string[], dependencies?: CacheDependencies): Promise<Map<string, ProviderConfigRecord[]>> {
    dependencies?.markUncacheable();
    const byTenant = new Map<string, ProviderConfigRecord[]>(tenantIds.map((id) => [id, []]));
    const configs = await this.unitOfWork.read(onlyTenants(...tenantIds), (db) => this.repository.listByTenants(db, tenantIds));
    for (const config of configs) byTenant.get(config.tenantId)?.push(toRecord(config));
    for (const [tenantId, configs] of byTenant) byTenant.set(tenantId, sortConfigs(configs));
    return byTenant;
  }
}

/**
 * Cache-aside over the database source, keyed by tenant. The generation is read first, the database second,
 * and the value is stored under the generation read first: a write that commits in between moves the tenant
 * to a new generation, so the value this reader puts back is never read by anyone (SPEC.md §5).
 * Holds ProviderConfigRecords only: no credential, sealed or plain, ever reaches the cache.
 */
export class CachedTenantConfigSource implements TenantConfigSource, ConfigChangeListener {
  constructor(
    private readonly database: TenantConfigSource,
    private readonly cache: GenerationalCache,
  ) {}

  async load(tenantIds: readonly string[], dependencies?: CacheDependencies): Promise<Map<string, ProviderConfigRecord[]>> {
    const read = await this.cache.read(tenantIds);
    if (!read) return this.database.load(tenantIds, dependencies);
    const result = new Map<string, ProviderConfigRecord[]>();
    const missing: Array<{ tenantId: string; generation: string }> = [];
    tenantIds.forEach((tenantId, index) => {
      const entry = read.entries[index];
      if (!entry) return;
      dependencies?.record(read.epoch, tenantId, entry.generation);
      if (entry.value === null) missing.push({ tenantId, generation: entry.generation });
      else result.set(tenantId, decodeConfigs(entry.value));
    });
    if (missing.length > 0) {
      const loaded = await this.database.load(missing.map((miss) => miss.tenantId));
      for (const [tenantId, configs] of loaded) result.set(tenantId, configs);
      // Not awaited: the reader has its answer; storing it is best effort.
      void this.cache.write(
        read.epoch,
        missing.map(({ tenantId, generation }) => ({ key: tenantId, generation, value: JSON.stringify(loaded.get(tenantId) ?? []) })),
      );
    }
    return result;
  }

  async configsChanged(tenantId: string): Promise<void> {
    await this.cache.invalidate([tenantId]);
  }
}

function decodeConfigs(json: string): ProviderConfigRecord[] {
  return (JSON.parse(json) as Array<ProviderConfigRecord & { createdAt: string; updatedAt: string }>).map((config) => ({
    ...config,
    createdAt: new Date(config.createdAt),
    updatedAt: new Date(config.updatedAt),
  }));
}

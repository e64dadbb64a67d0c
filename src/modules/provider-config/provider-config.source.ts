// Where reads of a tenant's configs come from. The database source is the truth; the cached source wraps it
// (same interface), and a per-request DataLoader batches either, so one request costs one cache round trip
// and at most one database round trip however many tenants and types it reads.

import { PROVIDER_TYPES, type ProviderType } from "../../domain/provider.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { GenerationalCache } from "../../infra/cache/generational-cache.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { type ProviderConfigRecord, toRecord } from "./provider-config.model.js";
import { sortConfigs } from "./provider-config.order.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import type { ConfigChangeListener } from "./provider-config.service.js";

/** A tenant's configs of one type, or (no type) all of them. */
export interface TenantConfigSlice {
  tenantId: string;
  providerType?: ProviderType;
}

export interface TenantConfigSource {
  /**
   * The stored configs of each slice, sorted (provider-config.order.ts); [] when there are none.
   * `dependencies` learns which cache generations the result belongs to (for whole-response caching).
   */
  load(slices: readonly TenantConfigSlice[], dependencies?: CacheDependencies): Promise<ProviderConfigRecord[][]>;
}

export class DatabaseTenantConfigSource implements TenantConfigSource {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ProviderConfigRepository,
  ) {}

  async load(slices: readonly TenantConfigSlice[], dependencies?: CacheDependencies): Promise<ProviderConfigRecord[][]> {
    return loadUncached(this, slices, dependencies);
  }

  /** Every config of each tenant, sorted; one statement for all of them. */
  async loadTenants(tenantIds: readonly string[]): Promise<Map<string, ProviderConfigRecord[]>> {
    const byTenant = new Map<string, ProviderConfigRecord[]>(tenantIds.map((id) => [id, []]));
    const configs = await this.unitOfWork.read(onlyTenants(...tenantIds), (db) => this.repository.listByTenants(db, tenantIds));
    for (const config of configs) byTenant.get(config.tenantId)?.push(toRecord(config));
    for (const [tenantId, configs] of byTenant) byTenant.set(tenantId, sortConfigs(configs));
    return byTenant;
  }
}

/** What the cached source needs of the database: whole tenants. */
export interface TenantConfigDatabase {
  loadTenants(tenantIds: readonly string[]): Promise<Map<string, ProviderConfigRecord[]>>;
}

async function loadUncached(
  database: TenantConfigDatabase,
  slices: readonly TenantConfigSlice[],
  dependencies?: CacheDependencies,
): Promise<ProviderConfigRecord[][]> {
  dependencies?.markUncacheable();
  const byTenant = await database.loadTenants([...new Set(slices.map((slice) => slice.tenantId))]);
  return slices.map(({ tenantId, providerType }) => {
    const configs = byTenant.get(tenantId) ?? [];
    return providerType ? configs.filter((config) => config.providerType === providerType) : configs;
  });
}

type ConfigsByType = Map<string, ProviderConfigRecord[]>;

/**
 * Cache-aside over the database source, keyed by tenant and type (SPEC.md §5): one generation per tenant, one cached
 * value per type, so a read of one type decodes only that type. The generation is read first, the database second,
 * and the values are stored under the generation read first: a write that commits in between moves the tenant to a
 * new generation, so what this reader puts back is never read by anyone. A tenant missing any type asked is read
 * whole from the database and stored with every type.
 * Holds ProviderConfigRecords only: no credential, sealed or plain, ever reaches the cache.
 */
export class CachedTenantConfigSource implements TenantConfigSource, ConfigChangeListener {
  constructor(
    private readonly database: TenantConfigDatabase,
    private readonly cache: GenerationalCache,
  ) {}

  async load(slices: readonly TenantConfigSlice[], dependencies?: CacheDependencies): Promise<ProviderConfigRecord[][]> {
    if (slices.length === 0) return [];
    const fields = new Map<string, Set<string>>();
    for (const { tenantId, providerType } of slices) {
      const types = fields.get(tenantId) ?? new Set<string>();
      for (const type of providerType ? [providerType] : PROVIDER_TYPES) types.add(type);
      fields.set(tenantId, types);
    }
    const lookups = [...fields].map(([key, types]) => ({ key, fields: [...types] }));
    const read = await this.cache.read(lookups);
    if (!read) return loadUncached(this.database, slices, dependencies);
    const byTenant = new Map<string, ConfigsByType>();
    const missing: Array<{ tenantId: string; generation: string }> = [];
    lookups.forEach(({ key: tenantId, fields: types }, index) => {
      const entry = read.entries[index];
      if (!entry) return;
      dependencies?.record(read.epoch, tenantId, entry.generation);
      const values = entry.values;
      if (values.some((value) => value === null)) missing.push({ tenantId, generation: entry.generation });
      else byTenant.set(tenantId, new Map(types.map((type, field) => [type, decodeConfigs(values[field] as string)])));
    });
    if (missing.length > 0) {
      const loaded = await this.database.loadTenants(missing.map((miss) => miss.tenantId));
      for (const { tenantId } of missing) byTenant.set(tenantId, byType(loaded.get(tenantId) ?? []));
      // Not awaited: the reader has its answer; storing it is best effort.
      void this.cache.write(
        read.epoch,
        missing.map(({ tenantId, generation }) => ({
          key: tenantId,
          generation,
          values: PROVIDER_TYPES.map((type) => ({ field: type, value: JSON.stringify(byTenant.get(tenantId)?.get(type) ?? []) })),
        })),
      );
    }
    return slices.map(({ tenantId, providerType }) => {
      const types = byTenant.get(tenantId);
      // Types in enum order, each sorted: the whole is in the API's order.
      return providerType ? (types?.get(providerType) ?? []) : PROVIDER_TYPES.flatMap((type) => types?.get(type) ?? []);
    });
  }

  async configsChanged(tenantId: string): Promise<void> {
    await this.cache.invalidate([tenantId]);
  }
}

function byType(configs: readonly ProviderConfigRecord[]): ConfigsByType {
  const grouped: ConfigsByType = new Map(PROVIDER_TYPES.map((type) => [type, []]));
  for (const config of configs) grouped.get(config.providerType)?.push(config);
  return grouped;
}

function decodeConfigs(json: string): ProviderConfigRecord[] {
  return (JSON.parse(json) as Array<ProviderConfigRecord & { createdAt: string; updatedAt: string }>).map((config) => ({
    ...config,
    createdAt: new Date(config.createdAt),
    updatedAt: new Date(config.updatedAt),
  }));
}

// Per-request DataLoaders for config reads, bound to the caller's tenants: many aliased fields or nested
// lookups in one request become one batched read each.
import DataLoader from "dataloader";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { Executor } from "../../infra/database/unit-of-work.js";
import { type Caller, tenantScope } from "../access/caller.js";
import { type ProviderConfigRecord, toRecord } from "./provider-config.model.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import type { TenantConfigSource } from "./provider-config.source.js";

export interface ConfigLoaders {
  /** Every config of a tenant, sorted. The caller's access to the tenant is checked by the service first. */
  byTenant: DataLoader<string, ProviderConfigRecord[]>;
  /** A config by id; null when it does not exist or belongs to a tenant the caller cannot see. */
  byId: DataLoader<string, ProviderConfigRecord | null>;
}

export function createConfigLoaders(
  caller: Caller,
  db: Executor,
  repository: ProviderConfigRepository,
  source: TenantConfigSource,
  dependencies: CacheDependencies,
): ConfigLoaders {
  return {
    byTenant: new DataLoader(async (tenantIds) => {
      const byTenant = await source.load(tenantIds, dependencies);
      return tenantIds.map((tenantId) => byTenant.get(tenantId) ?? []);
    }),
    byId: new DataLoader(async (ids) => {
      // Read by id straight from the database: a response holding it is never cached whole.
      dependencies.markUncacheable();
      const found = new Map((await repository.findByIds(db, ids, tenantScope(caller))).map((config) => [config.id, toRecord(config)]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}

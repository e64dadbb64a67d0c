// Per-request DataLoaders for config reads, bound to the caller's tenants: many aliased fields or nested
// lookups in one request become one batched read each.
import DataLoader from "dataloader";
import { type Caller, canAccessTenant, tenantScope } from "../../domain/caller.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { type ProviderConfigRecord, toRecord } from "./provider-config.model.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import type { TenantConfigSlice, TenantConfigSource } from "./provider-config.source.js";

export interface ConfigLoaders {
  /**
   * A tenant's configs of one type, or all of them, sorted. The service checks the caller's access (and scope)
   * first; the loader refuses a tenant the caller has no access to as well, so that a path that forgot the check
   * still cannot cross tenants.
   */
  byTenant: DataLoader<TenantConfigSlice, ProviderConfigRecord[], string>;
  /** A config by id; null when it does not exist or belongs to a tenant the caller cannot see. */
  byId: DataLoader<string, ProviderConfigRecord | null>;
}

export function createConfigLoaders(
  caller: Caller,
  unitOfWork: UnitOfWork,
  repository: ProviderConfigRepository,
  source: TenantConfigSource,
  dependencies: CacheDependencies,
): ConfigLoaders {
  return {
    byTenant: new DataLoader<TenantConfigSlice, ProviderConfigRecord[], string>(
      async (slices) => {
        const allowed = slices.filter((slice) => canAccessTenant(caller, slice.tenantId));
        const loaded = await source.load(allowed, dependencies);
        const bySlice = new Map(allowed.map((slice, index) => [slice, loaded[index] ?? []]));
        return slices.map(
          (slice) =>
            bySlice.get(slice) ?? new AppError(ErrorCode.FORBIDDEN, `You have no access to tenant '${slice.tenantId}'.`, "tenantId"),
        );
      },
      { cacheKeyFn: (slice) => `${slice.providerType ?? "*"}:${slice.tenantId}` },
    ),
    byId: new DataLoader(async (ids) => {
      // Read by id straight from the database: a response holding it is never cached whole.
      dependencies.markUncacheable();
      const scope = tenantScope(caller);
      const configs = await unitOfWork.read(scope, (db) => repository.findByIds(db, ids, scope));
      const found = new Map(configs.map((config) => [config.id, toRecord(config)]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}

// Per-request batching of history reads: ProviderConfig.history for N configs costs one query per distinct limit;
// configHistory, configDiff and tenantConfigAt, however many aliases ask, one query per batch.
import DataLoader from "dataloader";
import { type Caller, canAccessTenant, loadAccessible, tenantScope } from "../../domain/caller.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { sortConfigs } from "../provider-config/provider-config.order.js";
import { type ConfigVersionRecord, type StoredSnapshot, toVersionRecord } from "./config-version.model.js";
import { historyQueryKey } from "./history.cursor.js";
import type { HistoryRepository, PageQuery, StateAtQuery, VersionKey } from "./history.repository.js";

export interface RecentVersionsKey {
  configId: string;
  limit: number;
}

export type RecentVersionsLoader = DataLoader<RecentVersionsKey, ConfigVersionRecord[], string>;

export function createRecentVersionsLoader(
  caller: Caller,
  unitOfWork: UnitOfWork,
  repository: HistoryRepository,
  dependencies: CacheDependencies,
): RecentVersionsLoader {
  return new DataLoader(
    async (keys) => {
      // History is read from the database and never cached: a response holding it is not cached whole.
      dependencies.markUncacheable();
      const idsByLimit = new Map<number, Set<string>>();
      for (const { configId, limit } of keys) idsByLimit.set(limit, (idsByLimit.get(limit) ?? new Set()).add(configId));
      const found = new Map<string, ConfigVersionRecord[]>();
      await Promise.all(
        [...idsByLimit].map(async ([limit, ids]) => {
          const scope = tenantScope(caller);
          const snapshots = await unitOfWork.read(scope, (db) => repository.recentOf(db, [...ids], limit, scope));
          for (const snapshot of snapshots) {
            const cacheKey = `${snapshot.configId}|${limit}`;
            const list = found.get(cacheKey) ?? [];
            if (list.length === 0) found.set(cacheKey, list);
            list.push(toVersionRecord(snapshot));
          }
        }),
      );
      return keys.map((key) => found.get(`${key.configId}|${key.limit}`) ?? []);
    },
    { cacheKeyFn: (key) => `${key.configId}|${key.limit}` },
  );
}

/** configHistory pages (the `limit` rows of each, or fewer), by filter, limit and cursor. */
export type HistoryPageLoader = DataLoader<PageQuery, StoredSnapshot[], string>;

const pageKeyOf = ({ filter, limit, beforeSeq }: PageQuery): string => `${historyQueryKey(filter)}|${limit}|${beforeSeq ?? ""}`;

export function createHistoryPageLoader(
  caller: Caller,
  unitOfWork: UnitOfWork,
  repository: HistoryRepository,
  dependencies: CacheDependencies,
): HistoryPageLoader {
  return new DataLoader<PageQuery, StoredSnapshot[], string>(
    async (queries) => {
      dependencies.markUncacheable();
      return loadAccessible(
        caller,
        queries,
        (query) => query.filter.tenantId,
        async (allowed, tenants) =>
          repository.splitPages(
            allowed,
            await unitOfWork.readStatement<Omit<StoredSnapshot, "clearSecrets"> & { query: number }>(
              onlyTenants(...tenants),
              repository.pages(allowed),
            ),
          ),
      );
    },
    { cacheKeyFn: pageKeyOf },
  );
}

/** Snapshots by (config, version), sealed credentials included (configDiff opens them; they never leave the service). */
export type SnapshotLoader = DataLoader<VersionKey, StoredSnapshot | null, string>;

const versionKeyOf = (key: VersionKey): string => `${key.configId.toLowerCase()}|${key.version}`;

export function createSnapshotLoader(
  caller: Caller,
  unitOfWork: UnitOfWork,
  repository: HistoryRepository,
  dependencies: CacheDependencies,
): SnapshotLoader {
  return new DataLoader(
    async (keys) => {
      dependencies.markUncacheable();
      const scope = tenantScope(caller);
      const snapshots = await unitOfWork.read(scope, (db) => repository.findVersions(db, keys, scope));
      const found = new Map(snapshots.map((snapshot) => [versionKeyOf(snapshot), snapshot]));
      return keys.map((key) => found.get(versionKeyOf(key)) ?? null);
    },
    { cacheKeyFn: versionKeyOf },
  );
}

const stateAtKeyOf = (query: StateAtQuery): string => `${query.tenantId}|${query.at.toISOString()}`;

/** tenantConfigAt answers, sorted like providerConfigs. */
export type StateAtLoader = DataLoader<StateAtQuery, ConfigVersionRecord[], string>;

export function createStateAtLoader(
  caller: Caller,
  unitOfWork: UnitOfWork,
  repository: HistoryRepository,
  dependencies: CacheDependencies,
): StateAtLoader {
  return new DataLoader<StateAtQuery, ConfigVersionRecord[], string>(
    async (queries) => {
      dependencies.markUncacheable();
      // The service checks access first; a tenant the caller cannot see is refused here too (as in byTenant).
      const allowed = queries.filter((query) => canAccessTenant(caller, query.tenantId));
      const tenants = [...new Set(allowed.map((query) => query.tenantId))];
      const rows = await unitOfWork.read(onlyTenants(...tenants), (db) => repository.stateAt(db, allowed));
      const answers = allowed.map((): StoredSnapshot[] => []);
      for (const { query, ...snapshot } of rows) answers[query]?.push(snapshot);
      const byKey = new Map(allowed.map((query, index) => [stateAtKeyOf(query), sortConfigs(answers[index] ?? []).map(toVersionRecord)]));
      return queries.map(
        (query) =>
          byKey.get(stateAtKeyOf(query)) ??
          new AppError(ErrorCode.FORBIDDEN, `You have no access to tenant '${query.tenantId}'.`, "tenantId"),
      );
    },
    { cacheKeyFn: (query) => stateAtKeyOf(query) },
  );
}

// Per-request batching of ProviderConfig.history: N configs in one response cost one query per distinct limit.
import DataLoader from "dataloader";
import type { CacheDependencies } from "../../infra/cache/dependencies.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { type Caller, tenantScope } from "../access/caller.js";
import { type ConfigVersionRecord, toVersionRecord } from "./config-version.model.js";
import type { HistoryRepository } from "./history.repository.js";

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

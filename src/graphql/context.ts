// What every resolver receives: who is calling, the request id, and per-request DataLoaders bound to the caller.

import type { Caller } from "../domain/caller.js";
import type { CacheDependencies } from "../infra/cache/dependencies.js";
import type { RequestRecord } from "../infra/http/request-record.js";
import type { TenantProviderReader } from "../modules/catalog/catalog.model.js";
import type { AccessLogLoader } from "../modules/credential-access/credential-access.loader.js";
import type { HistoryPageLoader, RecentVersionsLoader, SnapshotLoader, StateAtLoader } from "../modules/history/history.loader.js";
import type { ConfigLoaders } from "../modules/provider-config/provider-config.loaders.js";

export interface RequestLoaders {
  readonly configs: ConfigLoaders;
  readonly history: RecentVersionsLoader;
  /** configDiff's snapshots by (config, version). */
  readonly snapshots: SnapshotLoader;
  /** tenantConfigAt by (tenant, instant). */
  readonly configsAt: StateAtLoader;
  /** configHistory by filter, limit and cursor. */
  readonly historyPages: HistoryPageLoader;
  /** credentialAccessLog by tenant, limit and cursor. */
  readonly accessLog: AccessLogLoader;
  /** failoverChain's stored configs, through `configs` (so batched with every other config read). */
  readonly tenantProviders: TenantProviderReader;
}

export interface RequestContext {
  readonly requestId: string;
  readonly caller: Caller;
  /** Per-request batching and memoization, built for this caller (see app.ts). */
  readonly loaders: RequestLoaders;
  /** The cache generations this response is built from (whole-response caching). */
  readonly cacheDependencies: CacheDependencies;
  /** The HTTP request's record (absent over WebSocket): the request log, and the response-cache key of a cacheable miss. */
  readonly record?: RequestRecord;
}

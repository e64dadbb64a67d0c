// configHistory (newest first, cursor paging that stays stable while changes arrive) and ProviderConfig.history.

import { assertScope, assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { checkPageLimit, checkProviderName, checkTenantId, type Problems, textIssue, validate } from "../../domain/validation.js";
import { type ConfigVersionRecord, type HistoryFilter, toVersionRecord } from "./config-version.model.js";
import { decodeCursor, historyQueryKey, pageOf } from "./history.cursor.js";
import type { HistoryPageLoader, RecentVersionsLoader, StateAtLoader } from "./history.loader.js";

/** changedBy is a token `sub` (at most 255 characters, as stored). */
const MAX_CHANGED_BY_LENGTH = 255;

export interface HistoryPage {
  items: ConfigVersionRecord[];
  nextCursor: string | null;
}

export function checkHistoryLimit(limit: number, field = "limit"): void {
  validate((problems) => checkPageLimit(problems, limit, field));
}

function checkFilter(problems: Problems, filter: HistoryFilter): void {
  checkTenantId(problems, filter.tenantId);
  if (filter.providerName !== undefined) checkProviderName(problems, filter.providerName);
  if (filter.changedBy !== undefined) {
    const issue =
      filter.changedBy.length > MAX_CHANGED_BY_LENGTH ? `must be at most ${MAX_CHANGED_BY_LENGTH} characters` : textIssue(filter.changedBy);
    if (issue) problems.add("changedBy", issue);
  }
  if (filter.from && filter.to && filter.from.getTime() > filter.to.getTime()) problems.add("from", "must not be after to");
}

/** Checks what callers ask and may see; the per-request loaders read (see history.loader.ts). */
export class HistoryService {
  /** configHistory; batched per request (see history.loader.ts). */
  async page(caller: Caller, loader: HistoryPageLoader, filter: HistoryFilter, limit: number, after?: string | null): Promise<HistoryPage> {
    validate((problems) => {
      checkFilter(problems, filter);
      checkPageLimit(problems, limit);
    });
    assertTenantAccess(caller, filter.tenantId, Scope.CONFIG_READ);
    const beforeSeq = after ? decodeCursor(after, "after", historyQueryKey(filter)) : undefined;
    // An empty changeTypes list asks for no change type: nothing matches.
    if (filter.changeTypes?.length === 0) return { items: [], nextCursor: null };
    const rows = await loader.load({ filter, limit: limit + 1, beforeSeq });
    return pageOf(rows, limit, historyQueryKey(filter), toVersionRecord);
  }

  /**
   * tenantConfigAt: every config of the tenant as it was at `at` (its latest snapshot with changedAt <= at), without
   * the configs deleted by then; ordered like providerConfigs. Batched per request (see history.loader.ts).
   */
  configsAt(caller: Caller, loader: StateAtLoader, tenantId: string, at: Date): Promise<ConfigVersionRecord[]> {
    validate((problems) => checkTenantId(problems, tenantId));
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    return loader.load({ tenantId, at });
  }

  /**
   * ProviderConfig.history: past states are a read (config:read), also under a mutation's result. The loader is
   * bound to the caller's tenants, so a config of another tenant has no history here.
   */
  recent(caller: Caller, loader: RecentVersionsLoader, configId: string, limit: number): Promise<ConfigVersionRecord[]> {
    checkHistoryLimit(limit);
    assertScope(caller, Scope.CONFIG_READ);
    return loader.load({ configId, limit });
  }
}

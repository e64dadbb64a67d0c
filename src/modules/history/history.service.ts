// configHistory (newest first, cursor paging that stays stable while changes arrive) and ProviderConfig.history.

import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkProviderName, checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { assertScope, assertTenantAccess, type Caller, Scope } from "../access/caller.js";
import { type ConfigVersionRecord, type HistoryFilter, toVersionRecord } from "./config-version.model.js";
import { decodeCursor, encodeCursor, historyQueryKey } from "./history.cursor.js";
import type { RecentVersionsLoader } from "./history.loader.js";
import type { HistoryRepository } from "./history.repository.js";

export const MAX_HISTORY_LIMIT = 500;

export interface HistoryPage {
  items: ConfigVersionRecord[];
  nextCursor: string | null;
}

export function checkHistoryLimit(limit: number, field = "limit"): void {
  validate((problems) => {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_LIMIT)
      problems.add(field, `must be between 1 and ${MAX_HISTORY_LIMIT}`);
  });
}

export class HistoryService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: HistoryRepository,
  ) {}

  async page(caller: Caller, filter: HistoryFilter, limit: number, after?: string | null): Promise<HistoryPage> {
    validate((problems) => {
      checkTenantId(problems, filter.tenantId);
      if (filter.providerName !== undefined) checkProviderName(problems, filter.providerName);
    });
    checkHistoryLimit(limit);
    assertTenantAccess(caller, filter.tenantId, Scope.CONFIG_READ);
    const beforeSeq = after ? decodeCursor(after, "after", historyQueryKey(filter)) : undefined;
    // One extra row tells whether another page follows.
    const rows = await this.unitOfWork.read(onlyTenants(filter.tenantId), (db) => this.repository.page(db, filter, limit + 1, beforeSeq));
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toVersionRecord),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq, historyQueryKey(filter)) : null,
    };
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

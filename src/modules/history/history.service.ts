// configHistory (newest first, cursor paging that stays stable while changes arrive) and rollback.
import { checkProviderName, checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { assertTenantAccess, type Caller, Scope } from "../access/caller.js";
import { type ConfigVersionRecord, type HistoryFilter, toVersionRecord } from "./config-version.model.js";
import { decodeCursor, encodeCursor, historyQueryKey } from "./history.cursor.js";
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
    const rows = await this.repository.page(this.unitOfWork.db, filter, limit + 1, beforeSeq);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return {
      items: items.map(toVersionRecord),
      nextCursor: rows.length > limit && last ? encodeCursor(last.seq, historyQueryKey(filter)) : null,
    };
  }
}

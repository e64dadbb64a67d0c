// configChanges (SPEC.md §9): the tenant's change stream as pages, oldest first, for callers that poll. Calling it
// again with the returned cursor returns exactly what committed since (see change-event.repository.ts for why
// nothing that commits late is skipped).

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { toVersionRecord } from "../history/config-version.model.js";
import type { ChangeEventRecord, ChangePageRecord } from "./change-event.model.js";
import type { ChangeEventRepository, StoredEvent } from "./change-event.repository.js";
import { type ChangeFilter, type ChangePosition, decodeChangeCursor, encodeChangeCursor } from "./change-position.js";

export const MAX_CHANGE_PAGE_LIMIT = 1000;

export class ChangeFeedService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ChangeEventRepository,
  ) {}

  async page(caller: Caller, filter: ChangeFilter, after: string | null | undefined, limit: number): Promise<ChangePageRecord> {
    const position = this.open(caller, filter, after, limit);
    const { events } = await this.read(filter, position, limit);
    const items = events.map((event) => toChangeEvent(event, filter));
    return { items, cursor: items.at(-1)?.cursor ?? after ?? null };
  }

  /** Checks the arguments and the caller's access (also for subscriptions); the position `after` names. */
  open(caller: Caller, filter: ChangeFilter, after: string | null | undefined, limit = 1): ChangePosition | undefined {
    validate((problems) => {
      checkTenantId(problems, filter.tenantId);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGE_PAGE_LIMIT) {
        problems.add("limit", `must be between 1 and ${MAX_CHANGE_PAGE_LIMIT}`);
      }
    });
    assertTenantAccess(caller, filter.tenantId, Scope.CONFIG_READ);
    return after ? decodeChangeCursor(after, filter) : undefined;
  }

  /** One page of the stream after `position` (the start when undefined), below the watermark. */
  read(filter: ChangeFilter, position: ChangePosition | undefined, limit: number) {
    return this.unitOfWork.read(onlyTenants(filter.tenantId), (db) =>
      this.repository.tenantEvents(db, filter.tenantId, filter.providerType ?? undefined, position, limit),
    );
  }
}

export const positionOf = (event: StoredEvent): ChangePosition => ({ txid: BigInt(event.txid), seq: BigInt(event.seq) });

export const toChangeEvent = (event: StoredEvent, filter: ChangeFilter): ChangeEventRecord => ({
  cursor: encodeChangeCursor(positionOf(event), filter),
  change: toVersionRecord(event),
});

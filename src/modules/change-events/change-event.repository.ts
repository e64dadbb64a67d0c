// Reads of the change stream: config_versions in (txid, seq) order, only below the watermark — the oldest
// transaction id still running (pg_snapshot_xmin of the statement's snapshot). Every row below it belongs to a
// transaction that has ended, so a later read can never find a new row there. xid8 travels as text: the driver
// adapter has no type for it.
import type { ProviderType } from "../../domain/provider.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import type { StoredSnapshot } from "../history/config-version.model.js";
import { SNAPSHOT_COLUMNS } from "../history/history.repository.js";
import { separateClearSecrets } from "../provider-config/secret-data.js";
import type { ChangePosition } from "./change-position.js";

export interface StoredEvent extends StoredSnapshot {
  /** xid8 as decimal text. */
  txid: string;
}

export interface StreamRead {
  /** The watermark of this read: every event below (watermark, 0) has been returned or was returned before. */
  watermark: bigint;
  events: StoredEvent[];
}

const EVENT_COLUMNS = Prisma.sql`${SNAPSHOT_COLUMNS}, txid::text AS txid`;
const WATERMARK = Prisma.raw("pg_snapshot_xmin(pg_current_snapshot())");
const after = (position: ChangePosition | undefined) =>
  position ? Prisma.sql`AND (txid, seq) > (${position.txid.toString()}::xid8, ${position.seq}::bigint)` : Prisma.empty;

export class ChangeEventRepository {
  constructor(private readonly secretFields: SecretFields) {}

  /** One tenant's events (optionally of one type) after `position`, oldest first, at most `limit`. */
  async tenantEvents(
    db: Executor,
    tenantId: string,
    providerType: ProviderType | undefined,
    position: ChangePosition | undefined,
    limit: number,
  ): Promise<StreamRead> {
    const type = providerType ? Prisma.sql`AND provider_type = ${providerType}::"ProviderType"` : Prisma.empty;
    return this.read(db, Prisma.sql`tenant_id = ${tenantId} ${type} ${after(position)}`, limit);
  }

  /** Every tenant's events after `position` (the instance's change hub and NATS publication; ALL_TENANTS scope). */
  async allEvents(db: Executor, position: ChangePosition, limit: number): Promise<StreamRead> {
    return this.read(db, Prisma.sql`true ${after(position)}`, limit);
  }

  /** The current watermark alone: where a reader that wants only what comes next starts. */
  async watermark(db: Executor): Promise<bigint> {
    const [row] = await db.query<{ watermark: string }>(Prisma.sql`SELECT ${WATERMARK}::text AS watermark`);
    return BigInt(row?.watermark ?? "0");
  }

  /** The watermark and the events in one statement (one snapshot), so both describe the same instant. */
  private async read(db: Executor, where: Prisma.Sql, limit: number): Promise<StreamRead> {
    const rows = await db.query<Partial<StoredEvent> & { watermark: string }>(Prisma.sql`
      WITH w AS (SELECT ${WATERMARK} AS xmin)
      SELECT w.xmin::text AS watermark, e.* FROM w LEFT JOIN LATERAL (
        SELECT ${EVENT_COLUMNS} FROM config_versions WHERE ${where} AND txid < w.xmin ORDER BY txid, seq LIMIT ${limit}::int
      ) AS e ON true`);
    const watermark = BigInt(rows[0]?.watermark ?? "0");
    const events = rows
      .filter((row) => row.id !== null && row.id !== undefined)
      .map(({ watermark: _, ...event }) => separateClearSecrets(event as StoredEvent, this.secretFields));
    return { watermark, events };
  }
}

// The durable position of a publisher of the change stream (event_publication): every event at or below it has been
// acknowledged by the destination. The history is the outbox, so this one row per destination is all the state.
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { ChangePosition } from "./change-position.js";

export class EventPublicationRepository {
  async position(db: Executor, name: string): Promise<ChangePosition | undefined> {
    const [row] = await db.query<{ txid: string; seq: bigint }>(
      Prisma.sql`SELECT txid::text AS txid, seq FROM event_publication WHERE name = ${name}`,
    );
    return row ? { txid: BigInt(row.txid), seq: BigInt(row.seq) } : undefined;
  }

  /** Records where a new publisher starts; keeps a position someone recorded first. Returns the stored position. */
  async start(db: Executor, name: string, position: ChangePosition): Promise<ChangePosition> {
    await db.query(Prisma.sql`
      INSERT INTO event_publication (name, txid, seq)
      VALUES (${name}, ${position.txid.toString()}::xid8, ${position.seq}::bigint)
      ON CONFLICT (name) DO NOTHING`);
    return (await this.position(db, name)) ?? position;
  }

  /**
   * Moves the position forward to `position`, only while `guard` holds (the publisher's lease, checked in this very
   * statement) and never backwards. False when nothing moved: the lease is gone, or someone is already further.
   */
  async advance(db: Executor, name: string, position: ChangePosition, guard: Prisma.Sql): Promise<boolean> {
    const rows = await db.query<{ name: string }>(Prisma.sql`
      UPDATE event_publication SET txid = ${position.txid.toString()}::xid8, seq = ${position.seq}::bigint, updated_at = now()
      WHERE name = ${name} AND (txid, seq) < (${position.txid.toString()}::xid8, ${position.seq}::bigint) AND ${guard}
      RETURNING name`);
    return rows.length === 1;
  }
}

// The SQL of leader leases (prisma/migrations/*_event_publication): one row per lease name. Every statement is a
// single transaction with no session state (advisory locks would not survive PgBouncer in transaction mode), and
// every time is the database's clock, so instances whose clocks disagree still agree on who holds a lease.
import { onlyTenants } from "../../domain/tenant-scope.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { UnitOfWork } from "../database/unit-of-work.js";

/** Leases are not tenant data: their transactions see no tenant's rows at all. */
const NO_TENANTS = onlyTenants();

export class LeaseStore {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /**
   * Takes the lease, or extends it, for `ttlMs` from now — only when it is free, expired or already `holder`'s.
   * True when `holder` holds it afterwards. One statement: two instances racing for it cannot both win.
   */
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return this.unitOfWork.write(NO_TENANTS, async (db) => {
      const rows = await db.query<{ holder: string }>(Prisma.sql`
        INSERT INTO leases (name, holder, expires_at)
        VALUES (${name}, ${holder}, now() + make_interval(secs => ${ttlMs / 1000}::float8))
        ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
        WHERE leases.expires_at < now() OR leases.holder = EXCLUDED.holder
        RETURNING holder`);
      return rows[0]?.holder === holder;
    });
  }

  /** Gives the lease up at once (graceful stop), so that another instance need not wait for it to expire. */
  async release(name: string, holder: string): Promise<void> {
    await this.unitOfWork.write(NO_TENANTS, (db) => db.query(Prisma.sql`DELETE FROM leases WHERE name = ${name} AND holder = ${holder}`));
  }

  /** The current holder while the lease is unexpired (tests, diagnostics). */
  holderOf(name: string): Promise<string | null> {
    return this.unitOfWork.read(NO_TENANTS, async (db) => {
      const rows = await db.query<{ holder: string }>(Prisma.sql`SELECT holder FROM leases WHERE name = ${name} AND expires_at > now()`);
      return rows[0]?.holder ?? null;
    });
  }
}

/**
 * A condition for a write that only the holder may make: true while `holder` holds lease `name`, checked in the
 * writing statement itself, so that an ex-holder that was paused past its expiry cannot write.
 */
export const leaseHeld = (name: string, holder: string): Prisma.Sql =>
  Prisma.sql`EXISTS (SELECT 1 FROM leases WHERE name = ${name} AND holder = ${holder} AND expires_at > now())`;

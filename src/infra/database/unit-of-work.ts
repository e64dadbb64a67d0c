// Every database access runs here, in a transaction that first tells PostgreSQL which tenants it may see
// (row-level security: set_config('app.tenant_id', ..., true), which ends with the transaction, so a pooled
// connection never carries one request's tenants into the next).
//
// Writes never lose an update and keep versions contiguous: a write reads the rows it will change with
// FOR UPDATE, and every write statement is also a compare-and-set on the version (or, for an insert, on the key
// being free). When a concurrent create of the same key wins, or PostgreSQL reports a deadlock, the whole
// transaction is rolled back and run again from a fresh read.
//
// The one exception is `autocommit`: a single statement that is its own transaction, for a database function that
// takes the tenant setting itself before it touches a table (one round trip instead of a transaction's five).
import type { SqlDriverAdapter, Transaction } from "@prisma/driver-adapter-utils";
import { type TenantScope, tenantSetting } from "../../domain/tenant-scope.js";
import { serviceUnavailable } from "../../errors.js";
import { Prisma } from "../../generated/prisma/client.js";
import { classifyDatabaseError, DatabaseConnectionError } from "./errors.js";
import { AdapterExecutor, type Executor, PLAN_EACH_TIME, planEachTime } from "./sql-executor.js";

/** Returned by a write statement whose compare-and-set found the row changed (or the key taken). */
export const LOST_RACE: unique symbol = Symbol("lost-race");
export type LostRace = typeof LOST_RACE;

const MAX_ATTEMPTS = 8;

class RetryTransaction extends Error {}

/** What a statement run by `autocommit` must take first, as `read` does for a transaction. */
export interface TenantGuard {
  /** The value of `app.tenant_id`, for set_config('app.tenant_id', …, true). */
  tenants: string;
  /** The role to take, set_config('role', …, true); null when the connection already has it. */
  role: string | null;
}

export class UnitOfWork {
  constructor(
    private readonly adapter: SqlDriverAdapter,
    /** Told every statement sent (tests count round trips). */
    private readonly onQuery?: (sql: string) => void,
    /** Taken at the start of every transaction, in the same statement as the tenant setting (Database.transactionRole). */
    private readonly role?: string,
  ) {}

  /** Runs `work` in one transaction that sees only `tenants`. */
  async read<T>(tenants: TenantScope, work: (db: Executor) => Promise<T>): Promise<T> {
    const transaction = await this.begin();
    this.onQuery?.("BEGIN");
    const db = new AdapterExecutor(transaction, this.onQuery);
    try {
      await db.query(
        this.role
          ? Prisma.sql`SELECT set_config('app.tenant_id', ${tenantSetting(tenants)}, true), set_config('role', ${this.role}, true)`
          : Prisma.sql`SELECT set_config('app.tenant_id', ${tenantSetting(tenants)}, true)`,
      );
      const result = await work(db);
      await this.end(transaction, "COMMIT");
      return result;
    } catch (error) {
      await this.end(transaction, "ROLLBACK").catch(() => {});
      throw error;
    }
  }

  /** What a statement run by `autocommit` takes first (set_config) to see only `tenants`, as `read` does. */
  guard(tenants: TenantScope): TenantGuard {
    return { tenants: tenantSetting(tenants), role: this.role ?? null };
  }

  /**
   * Runs `work`, whose statements each run as their own transaction on any pooled connection. Row-level security
   * holds only if every statement takes a `guard` itself before it reads a table (a function that calls set_config
   * first, as update_provider_config does); `work` must send no other statement.
   */
  async autocommit<T>(work: (db: Executor) => Promise<T>): Promise<T> {
    return work(new AdapterExecutor(this.adapter, this.onQuery));
  }

  /**
   * One read-only statement that sees only `tenants`, in one round trip instead of read's four (BEGIN, the tenant
   * setting, the statement, COMMIT): the statement makes the setting itself, for its own implicit transaction (so it
   * ends with it, as in read), before it reads. `statement` runs as a LATERAL subquery that PostgreSQL gates on the
   * setting's value (a one-time filter, evaluated before the subquery's first row is asked for, and before the
   * policies read the setting); were the order ever different, the policies would see no tenant and return nothing,
   * never another tenant's rows. The rows come in no promised order (the wrapper has no ORDER BY of its own): callers
   * sort what they need sorted (newestFirst). Behind PgBouncer, where the role must be taken in the transaction
   * before the statement is planned, this is read.
   */
  async readStatement<Row>(tenants: TenantScope, statement: Prisma.Sql): Promise<Row[]> {
    if (this.role) return this.read(tenants, (db) => db.query<Row>(statement));
    // OFFSET 0 keeps the subquery that refers to the setting from being merged away (which would free the join order).
    const guarded = Prisma.sql`SELECT guarded.* FROM (SELECT set_config('app.tenant_id', ${tenantSetting(tenants)}, true) AS tenants) AS visible
      CROSS JOIN LATERAL (SELECT * FROM (${statement}) AS statement WHERE visible.tenants IS NOT NULL OFFSET 0) AS guarded`;
    const db = new AdapterExecutor(this.adapter, this.onQuery);
    return db.query<Row>(statement.text.startsWith(PLAN_EACH_TIME) ? planEachTime(guarded) : guarded);
  }

  /**
   * Runs `attempt` in one transaction that sees only `tenants`: all of it commits or none of it does. An attempt
   * that returns LOST_RACE, or fails on a unique violation, deadlock or serialization failure, is rolled back and
   * run again (nothing it did survives).
   */
  async write<T>(tenants: TenantScope, attempt: (db: Executor) => Promise<T | LostRace>): Promise<T> {
    for (let round = 0; round < MAX_ATTEMPTS; round++) {
      try {
        return await this.read(tenants, async (db) => {
          const result = await attempt(db);
          if (result === LOST_RACE) throw new RetryTransaction();
          return result;
        });
      } catch (error) {
        const kind = classifyDatabaseError(error);
        if (!(error instanceof RetryTransaction) && kind !== "unique-violation" && kind !== "retryable") throw error;
      }
      await backoff(round);
    }
    throw serviceUnavailable("The config is being changed by many writers at once; try again.");
  }

  /**
   * Takes a connection and opens a transaction on it: over a pool, `pool.connect()` then BEGIN (in the adapter's
   * startTransaction). Whatever fails here failed before any of our statements ran, so it is a failure to get a
   * connection (SQLSTATE or not: a refusing database, a full pool, a connection that died while idle).
   */
  private async begin(): Promise<Transaction> {
    try {
      return await this.adapter.startTransaction();
    } catch (error) {
      throw new DatabaseConnectionError(error);
    }
  }

  /**
   * Ends a transaction as Prisma Client does: over a connection pool the statement is sent and the adapter then
   * releases the connection; PGlite's adapter runs the transaction through PGlite's own API (a "phantom" COMMIT).
   */
  private async end(transaction: Transaction, how: "COMMIT" | "ROLLBACK"): Promise<void> {
    this.onQuery?.(how);
    try {
      if (!transaction.options.usePhantomQuery) await transaction.executeRaw({ sql: how, args: [], argTypes: [] });
    } finally {
      await (how === "COMMIT" ? transaction.commit() : transaction.rollback());
    }
  }
}

const backoff = (round: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** round)));

/** Orders rows by `seq`, highest first (history and access-log pages read with readStatement). */
export const newestFirst = (a: { seq: bigint }, b: { seq: bigint }): number => (a.seq < b.seq ? 1 : a.seq > b.seq ? -1 : 0);

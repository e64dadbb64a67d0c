// Opens the database: PostgreSQL through @prisma/adapter-pg when a URL is given, else embedded PGlite in
// <dataDir>/pglite (data survives restarts). Pending migrations are applied before the client is handed out.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { applyMigrations, type MigrationResult, type MigrationSession, readMigrations } from "./migrator.js";
import { PLAN_EACH_TIME } from "./sql-executor.js";

export type DatabaseKind = "postgresql" | "pglite";

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface Database {
  readonly kind: DatabaseKind;
  /** Prisma's driver adapter for this database; statements go through a UnitOfWork (tenant-scoped transactions). */
  readonly adapter: SqlDriverAdapter;
  readonly migrations: MigrationResult;
  /** "bypassed" when the database user ignores row-level security and cannot take the application role. */
  readonly rowLevelSecurity: "enforced" | "bypassed";
  /**
   * The role every transaction must take first (set_config('role', …, true)), when connections cannot take it at
   * start-up: behind PgBouncer, which refuses start-up options. Undefined when connections already have it.
   */
  readonly transactionRole?: string;
  /** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Connection pool use (PostgreSQL only). */
  poolStats(): PoolStats | undefined;
  /**
   * Runs `work` in one REPEATABLE READ, read-only transaction as the login user (not the application role), with
   * every tenant visible: a consistent snapshot of the whole database while the service writes (backups).
   * PostgreSQL: a connection of its own; PGlite: its one session, exclusive while `work` runs.
   */
  snapshot<T>(work: (session: MigrationSession) => Promise<T>): Promise<T>;
  /** A session as the login user, outside the service's pool, for work that manages its own transactions (restore). */
  loginSession<T>(work: (session: MigrationSession) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite is used. */
  url?: string;
  /**
   * A direct (session) connection for migrations and the role check, when `url` goes through a pooler in
   * transaction mode (PgBouncer): migrations hold a session-level advisory lock.
   */
  directUrl?: string;
  /**
   * `url` is PgBouncer in transaction mode (SPEC.md §14): no start-up options and no named prepared statements
   * (PgBouncer 1.18 forwards neither), and the application role is taken in every transaction instead.
   */
  pgbouncer?: boolean;
  /** Where PGlite keeps its files (`<dataDir>/pglite`). */
  dataDir: string;
  poolMax?: number;
  /** An already open PGlite (tests clone a migrated template into memory). */
  pglite?: PGlite;
  migrationsDir?: string;
  onMigrationApplied?: (name: string) => void;
  /** Called when an idle pooled connection fails (e.g. the server restarts); the pool replaces it. */
  onPoolError?: (error: Error) => void;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const migrations = await readMigrations(options.migrationsDir);
  return options.url ? openPostgres(options.url, options, migrations) : openPGlite(options, migrations);
}

async function openPostgres(
  url: string,
  options: DatabaseOptions,
  migrations: Awaited<ReturnType<typeof readMigrations>>,
): Promise<Database> {
  const session = new pg.Client({ connectionString: options.directUrl ?? url, application_name: "provider-config-service:migrate" });
  await session.connect();
  let result: MigrationResult;
  let security: RowLevelSecurity;
  try {
    result = await applyMigrations(pgSession(session), migrations, options.onMigrationApplied);
    security = await rowLevelSecurityOf(pgSession(session));
  } finally {
    await session.end();
  }

  const max = options.poolMax ?? 20;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: "provider-config-service",
    // A database that is down must fail requests quickly (SERVICE_UNAVAILABLE), not queue them for long.
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 30_000,
    // Set at connection start-up, so a connection that cannot take the role fails instead of bypassing the policies.
    // Behind PgBouncer every transaction takes it instead (see UnitOfWork).
    ...(security.role && !options.pgbouncer ? { options: `-c role=${security.role}` } : {}),
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  // Named prepared statements: PostgreSQL parses and plans each distinct statement once per connection, not on
  // every execution. The service sends a small fixed set of statements, so the per-connection cache stays small.
  // PgBouncer in transaction mode hands each transaction any server connection, so there they are unnamed.
  const adapter = await new PrismaPg(pool, options.pgbouncer ? {} : { statementNameGenerator: preparedStatementName }).connect();
  return {
    kind: "postgresql",
    adapter,
    migrations: result,
    rowLevelSecurity: security.enforced ? "enforced" : "bypassed",
    transactionRole: options.pgbouncer ? security.role : undefined,
    ping: (timeoutMs) => ping(adapter, timeoutMs),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    loginSession: (work) => withClient(options.directUrl ?? url, work),
    snapshot: (work) =>
      withClient(options.directUrl ?? url, async (session) => {
        await session.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        try {
          await session.query(ALL_TENANTS_VISIBLE);
          const result = await work(session);
          await session.query("COMMIT");
          return result;
        } catch (error) {
          await session.query("ROLLBACK").catch(() => {});
          throw error;
        }
      }),
    async close() {
      await adapter.dispose();
      await pool.end();
    },
  };
}

async function openPGlite(options: DatabaseOptions, migrations: Awaited<ReturnType<typeof readMigrations>>): Promise<Database> {
  const db = options.pglite ?? new PGlite(join(options.dataDir, "pglite"));
  await db.waitReady;
  const result = await applyMigrations(pgliteSession(db), migrations, options.onMigrationApplied);
  // PGlite is one session, and its user is a superuser: take the application role for the rest of it.
  const security = await rowLevelSecurityOf(pgliteSession(db));
  if (security.role) await db.exec(`SET ROLE ${security.role}`);
  const adapter = await new PrismaPGlite(db).connect();
  return {
    kind: "pglite",
    adapter,
    migrations: result,
    rowLevelSecurity: security.enforced ? "enforced" : "bypassed",
    ping: (timeoutMs) => ping(adapter, timeoutMs),
    poolStats: () => undefined,
    loginSession: (work) => work(pgliteSession(db)),
    // PGlite's own transaction lock keeps the adapter's statements out of this transaction until it ends.
    snapshot: (work) =>
      db.transaction(async (tx) => {
        await tx.exec(`SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; SET LOCAL ROLE NONE; ${ALL_TENANTS_VISIBLE}`);
        return work({
          query: async <Row>(sql: string, params?: unknown[]) => (await tx.query<Row>(sql, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        });
      }),
    async close() {
      await adapter.dispose();
      if (!db.closed) await db.close();
    },
  };
}

/** Row-level security lets this transaction see every tenant (a login that bypasses it ignores the setting). */
const ALL_TENANTS_VISIBLE = "SELECT set_config('app.tenant_id', '*', true)";

async function withClient<T>(url: string, work: (session: MigrationSession) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "provider-config-service:backup" });
  await client.connect();
  try {
    return await work(pgSession(client));
  } finally {
    await client.end().catch(() => {});
  }
}

/** The role the migrations create for the service (prisma/migrations/*_row_level_security). */
export const APPLICATION_ROLE = "pcs_app";

interface RowLevelSecurity {
  /** Whether the policies apply to the service's statements. */
  enforced: boolean;
  /** The role to take on every connection, when the login user itself would bypass the policies. */
  role?: string;
}

/**
 * Superusers and BYPASSRLS roles ignore row-level security. Such a login user (development's `postgres`, PGlite)
 * works as the application role instead; any other user is subject to the policies itself (FORCE).
 */
async function rowLevelSecurityOf(session: MigrationSession): Promise<RowLevelSecurity> {
  const [row] = await session.query<{ bypasses: boolean; can_assume: boolean }>(
    `SELECT (r.rolsuper OR r.rolbypassrls) AS bypasses,
       COALESCE((SELECT pg_has_role(current_user, a.oid, 'MEMBER') FROM pg_roles a WHERE a.rolname = $1 AND NOT a.rolbypassrls AND NOT a.rolsuper), false) AS can_assume
     FROM pg_roles r WHERE r.rolname = current_user`,
    [APPLICATION_ROLE],
  );
  if (!row?.bypasses) return { enforced: true };
  return row.can_assume ? { enforced: true, role: APPLICATION_ROLE } : { enforced: false };
}

const statementNames = new Map<string, string>();

/** "" (unnamed: parsed and planned on every execution) for the statements marked with planEachTime. */
function preparedStatementName(query: { sql: string }): string {
  if (query.sql.startsWith(PLAN_EACH_TIME)) return "";
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `pcs_${createHash("sha1").update(query.sql).digest("hex").slice(0, 24)}`;
    if (statementNames.size < 10_000) statementNames.set(query.sql, name);
  }
  return name;
}

export function pgSession(client: pg.ClientBase): MigrationSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await client.query(sql, params)).rows as Row[],
    exec: async (script) => {
      await client.query(script);
    },
  };
}

export function pgliteSession(db: PGlite): MigrationSession {
  return {
    query: async <Row>(sql: string, params?: unknown[]) => (await db.query<Row>(sql, params)).rows,
    exec: async (script) => {
      await db.exec(script);
    },
  };
}

async function ping(adapter: SqlDriverAdapter, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([adapter.queryRaw({ sql: "SELECT 1", args: [], argTypes: [] }), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Opens the database: PostgreSQL through @prisma/adapter-pg when a URL is given, else embedded PGlite in
// <dataDir>/pglite (data survives restarts). Pending migrations are applied before the client is handed out.
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaClient } from "../../generated/prisma/client.js";
import { applyMigrations, type MigrationResult, type MigrationSession, readMigrations } from "./migrator.js";

export type DatabaseKind = "postgresql" | "pglite";

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly prisma: PrismaClient;
  readonly migrations: MigrationResult;
  /** Resolves when the database answers a trivial query within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  /** Connection pool use (PostgreSQL only). */
  poolStats(): PoolStats | undefined;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** PostgreSQL URL; when absent, embedded PGlite is used. */
  url?: string;
  /** Where PGlite keeps its files (`<dataDir>/pglite`). */
  dataDir: string;
  poolMax?: number;
  /** An already open PGlite (tests clone a migrated template into memory). */
  pglite?: PGlite;
  migrationsDir?: string;
  onMigrationApplied?: (name: string) => void;
  /** Called when an idle pooled connection fails (e.g. the server restarts); the pool replaces it. */
  onPoolError?: (error: Error) => void;
  /** Told the SQL of every statement the service sends (tests count round trips with it). */
  onQuery?: (sql: string) => void;
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
  const session = new pg.Client({ connectionString: url, application_name: "provider-config-service:migrate" });
  await session.connect();
  let result: MigrationResult;
  try {
    result = await applyMigrations(pgSession(session), migrations, options.onMigrationApplied);
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
  });
  pool.on("error", (error) => options.onPoolError?.(error));
  const prisma = createClient(new PrismaPg(pool), options.onQuery);
  return {
    kind: "postgresql",
    prisma,
    migrations: result,
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

async function openPGlite(options: DatabaseOptions, migrations: Awaited<ReturnType<typeof readMigrations>>): Promise<Database> {
  const db = options.pglite ?? new PGlite(join(options.dataDir, "pglite"));
  await db.waitReady;
  const result = await applyMigrations(pgliteSession(db), migrations, options.onMigrationApplied);
  const prisma = createClient(new PrismaPGlite(db), options.onQuery);
  return {
    kind: "pglite",
    prisma,
    migrations: result,
    ping: (timeoutMs) => ping(prisma, timeoutMs),
    poolStats: () => undefined,
    async close() {
      await prisma.$disconnect();
      if (!db.closed) await db.close();
    },
  };
}

function createClient(adapter: PrismaPg | PrismaPGlite, onQuery?: (sql: string) => void): PrismaClient {
  if (!onQuery) return new PrismaClient({ adapter });
  const prisma = new PrismaClient({ adapter, log: [{ emit: "event", level: "query" }] });
  prisma.$on("query", (event) => onQuery(event.query));
  return prisma;
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

async function ping(prisma: PrismaClient, timeoutMs = 2000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`database did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([prisma.$queryRaw`SELECT 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

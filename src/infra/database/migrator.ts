// Applies prisma/migrations at start-up, on PostgreSQL and PGlite alike, recording each one in
// `_prisma_migrations` exactly as Prisma's own engine does (so `prisma migrate status` and `deploy` agree with
// us). Several instances starting at once serialize on Prisma's advisory lock; the later ones find nothing to do.
import { createHash, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The advisory lock id Prisma's engine takes around migrations. */
const PRISMA_MIGRATION_LOCK = 72707369;

/** One session on the database: the advisory lock is per session, so lock, work and unlock must share it. */
export interface MigrationSession {
  query<Row>(sql: string, params?: unknown[]): Promise<Row[]>;
  /** Runs a multi-statement script as one implicit transaction (the simple query protocol). */
  exec(script: string): Promise<void>;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: number;
}

/** prisma/migrations, from both src/infra/database (tests) and dist/infra/database (node). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL("../../../prisma/migrations", import.meta.url));

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    }),
  );
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
  rolled_back_at: Date | string | null;
}

export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

export async function applyMigrations(
  session: MigrationSession,
  migrations: Migration[],
  onApplied?: (name: string) => void,
): Promise<MigrationResult> {
  await session.query("SELECT pg_advisory_lock($1)", [PRISMA_MIGRATION_LOCK]);
  try {
    await session.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const rows = await session.query<MigrationRow>(
      `SELECT "migration_name", "checksum", "finished_at", "rolled_back_at" FROM "_prisma_migrations" WHERE "rolled_back_at" IS NULL`,
    );
    const applied: string[] = [];
    let alreadyApplied = 0;
    for (const migration of migrations) {
      const records = rows.filter((row) => row.migration_name === migration.name);
      if (records.some((row) => row.finished_at !== null)) {
        alreadyApplied++;
        continue;
      }
      if (records.length > 0) {
        // Prisma's P3009: a failed migration blocks every later one until someone resolves it.
        throw new MigrationError(
          `migration ${migration.name} failed earlier; fix the database, then run \`prisma migrate resolve --rolled-back ${migration.name}\``,
        );
      }
      await applyOne(session, migration);
      applied.push(migration.name);
      onApplied?.(migration.name);
    }
    return { applied, alreadyApplied };
  } finally {
    await session.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATION_LOCK]);
  }
}

async function applyOne(session: MigrationSession, migration: Migration): Promise<void> {
  const id = randomUUID();
  await session.query(`INSERT INTO "_prisma_migrations" ("id", "checksum", "started_at", "migration_name") VALUES ($1, $2, now(), $3)`, [
    id,
    migration.checksum,
    migration.name,
  ]);
  try {
    await session.exec(migration.sql);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await session.query(`UPDATE "_prisma_migrations" SET "logs" = $1 WHERE "id" = $2`, [message, id]);
    throw new MigrationError(`migration ${migration.name} failed: ${message}`);
  }
  await session.query(`UPDATE "_prisma_migrations" SET "applied_steps_count" = ("applied_steps_count" + 1) WHERE "id" = $1`, [id]);
  await session.query(`UPDATE "_prisma_migrations" SET "finished_at" = now() WHERE "id" = $1`, [id]);
}

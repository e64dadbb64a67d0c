// The service's own migrator: applies prisma/migrations at start-up on PostgreSQL and PGlite, records them in
// _prisma_migrations as Prisma does, and is safe when several instances start at once.
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openDatabase, pgliteSession } from "../src/infra/database/database.js";
import { applyMigrations, DEFAULT_MIGRATIONS_DIR, MigrationError, readMigrations } from "../src/infra/database/migrator.js";
import { clonePGliteTemplate, hasPostgres } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  logs: string | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

async function rowsOf(url: string): Promise<MigrationRow[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`)).rows;
  } finally {
    await client.end();
  }
}

describe.skipIf(!hasPostgres())("on PostgreSQL", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  beforeAll(async () => {
    scratch = await createScratchDatabase("pcs_migrate");
  });
  afterAll(() => scratch?.drop());

  test("instances starting at once apply each migration exactly once, recorded as Prisma records it", async () => {
    const opened = await Promise.all([1, 2, 3].map(() => openDatabase({ url: scratch.url, dataDir: "/nonexistent", poolMax: 2 })));
    try {
      const migrations = await readMigrations();
      expect(opened.map((db) => db.migrations.applied.length).sort()).toEqual([0, 0, migrations.length]);
      const rows = await rowsOf(scratch.url);
      expect(rows.map((row) => row.migration_name)).toEqual(migrations.map((m) => m.name));
      for (const [index, row] of rows.entries()) {
        const sql = await readFile(join(DEFAULT_MIGRATIONS_DIR, row.migration_name, "migration.sql"), "utf8");
        expect(row).toMatchObject({
          checksum: createHash("sha256").update(sql).digest("hex"),
          logs: null,
          rolled_back_at: null,
          applied_steps_count: 1,
        });
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(migrations[index]?.checksum).toBe(row.checksum);
      }
    } finally {
      await Promise.all(opened.map((db) => db.close()));
    }
    const reopened = await openDatabase({ url: scratch.url, dataDir: "/nonexistent", poolMax: 1 });
    expect(reopened.migrations).toEqual({ applied: [], alreadyApplied: (await readMigrations()).length });
    await reopened.close();
  });
});

describe("a failed migration", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pcs-migrations-"));
    await mkdir(join(dir, "20200101000000_good"));
    await writeFile(join(dir, "20200101000000_good", "migration.sql"), `CREATE TABLE "good" ("id" INTEGER PRIMARY KEY);\n`);
    await mkdir(join(dir, "20200102000000_bad"));
    await writeFile(join(dir, "20200102000000_bad", "migration.sql"), `CREATE TABLE "half" ("id" INTEGER);\nSELECT * FROM "missing";\n`);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  test("is rolled back as a whole, logged, and blocks later starts until resolved", async () => {
    const db = await clonePGliteTemplate(false);
    const session = pgliteSession(db);
    const migrations = await readMigrations(dir);
    await expect(applyMigrations(session, migrations)).rejects.toThrow(MigrationError);
    const tables = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    expect(tables.rows.map((row) => row.name)).toEqual(["_prisma_migrations", "good"]);
    const rows = await db.query<MigrationRow>(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(rows.rows.map((row) => [row.migration_name, row.finished_at !== null])).toEqual([
      ["20200101000000_good", true],
      ["20200102000000_bad", false],
    ]);
    expect(rows.rows[1]?.logs).toContain("missing");
    await expect(applyMigrations(session, migrations)).rejects.toThrow(/failed earlier/);
    await db.close();
  });
});

test("the same migrations apply on a fresh PGlite", async () => {
  const db = await clonePGliteTemplate(false);
  const result = await applyMigrations(pgliteSession(db), await readMigrations());
  expect(result.applied.length).toBeGreaterThan(0);
  const tables = await db.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  expect(tables.rows.map((row) => row.name)).toEqual([
    "_prisma_migrations",
    "config_versions",
    "credential_access_log",
    "event_publication",
    "leases",
    "provider_configs",
    "provider_usage_hours",
    "provider_usage_keys",
    "provider_usage_minutes",
    "provider_usage_records",
  ]);
  // Every tenant table is under row-level security, forced, with the tenant_isolation policy.
  const tenantTables = await db.query<{ name: string; enabled: boolean; forced: boolean; policies: number }>(
    `SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
       (SELECT count(*)::int FROM pg_policies p WHERE p.tablename = c.relname AND p.policyname = 'tenant_isolation') AS policies
     FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
     WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace ORDER BY 1`,
  );
  expect(tenantTables.rows).toHaveLength(7);
  for (const table of tenantTables.rows) expect(table, table.name).toMatchObject({ enabled: true, forced: true, policies: 1 });
  expect(await applyMigrations(pgliteSession(db), await readMigrations())).toEqual({ applied: [], alreadyApplied: result.applied.length });
  await db.close();
});

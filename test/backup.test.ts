// Backups (SPEC.md §10.4, README "Backups"): a backup taken while writes run is one consistent snapshot; restoring
// it into an empty database reproduces every row exactly (row_to_json of every table), so history cursors and
// change-event cursors of the old database keep working and new changes sort after the restored ones; a non-empty
// target, a truncated or corrupt file are refused with nothing written; PGlite moves to PostgreSQL; the built
// commands run; scheduled backups keep the newest BACKUP_KEEP files. Every PostgreSQL store is a scratch database
// of its own (a backup covers every tenant).
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzipSync, gzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { BACKED_UP_TABLES, writeBackup } from "../src/infra/backup/backup.js";
import { RestoreError, restoreBackup } from "../src/infra/backup/restore.js";
import { openDatabase, pgSession } from "../src/infra/database/database.js";
import type { MigrationSession } from "../src/infra/database/migrator.js";
import { readMigrations } from "../src/infra/database/migrator.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { HISTORY } from "./support/history.js";
import { createScratchDatabase } from "./support/postgres.js";

const UPSERT = `mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id version } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`;
const RECORD = `mutation($usage: [ProviderUsageInput!]!) { recordProviderUsage(usage: $usage) { accepted } }`;
const FEED = `query($t: String!, $a: String) { configChanges(tenantId: $t, after: $a) { cursor items { change { providerName version } } } }`;

type Rows = Record<string, string[]>;

async function upsert(t: TestApp, input: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const response = await t.gql(UPSERT, { i: input });
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig;
}

/** Rows in every backed-up table: configs with history, credentials and secret fields, the access log, usage. */
async function seed(t: TestApp, tenantId: string): Promise<void> {
  const stripe = await upsert(t, {
    tenantId,
    providerType: "PAYMENT",
    providerName: "stripe",
    apiKey: "sk_live_backup_1",
    configData: { currency: "USD", webhookSecret: "whsec_backup_1" },
  });
  for (let step = 1; step <= 4; step++)
    await upsert(t, { tenantId, providerType: "MAP", providerName: "openstreetmap", configData: { step } });
  expect((await t.gql(CREDENTIALS, { id: stripe.id })).errors).toBeUndefined();
  const at = new Date(Date.now() - 5 * 60_000).toISOString();
  const usage = await t.gql(RECORD, {
    usage: [
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 3.25, at, idempotencyKey: `k-${tenantId}` },
      { tenantId, providerType: "MAP", providerName: "google_maps", quantity: 1500, at },
    ],
  });
  expect(usage.errors).toBeUndefined();
}

/** row_to_json of every row of every backed-up table, in UTC, in primary-key order (inside a transaction). */
async function tableRows(session: MigrationSession): Promise<Rows> {
  await session.query("SELECT set_config('TimeZone', 'UTC', true), set_config('app.tenant_id', '*', true)");
  const rows: Rows = {};
  for (const table of BACKED_UP_TABLES) {
    const order = table.key.map((column) => `t."${column}"`).join(", ");
    rows[table.name] = (
      await session.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table.name}" t ORDER BY ${order}`)
    ).map((row) => row.row);
  }
  return rows;
}

async function rowsAt(url: string): Promise<Rows> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    return await tableRows(pgSession(client));
  } finally {
    await client.query("ROLLBACK");
    await client.end();
  }
}

async function restoreInto(url: string, file: string) {
  const database = await openDatabase({ url, dataDir: "/nonexistent", poolMax: 1 });
  const known = (await readMigrations()).map((migration) => migration.name);
  try {
    return await database.loginSession((session) => restoreBackup(session, file, { knownMigrations: known }));
  } finally {
    await database.close();
  }
}

/**
 * The tenant's change feed once its events are visible: readers see only what is below the oldest transaction still
 * running anywhere on the server, and other test runs may share it.
 */
async function feedOnceVisible(t: TestApp, tenantId: string) {
  for (let attempt = 0; ; attempt++) {
    const feed = await t.gql(FEED, { t: tenantId });
    if (feed.data?.configChanges.cursor || attempt >= 100) {
      expect(feed.data?.configChanges.cursor).toBeTruthy();
      return feed;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const allEmpty = (rows: Rows) => Object.values(rows).every((table) => table.length === 0);

describe.skipIf(!hasPostgres())("backup and restore on PostgreSQL", () => {
  let dir: string;
  let source: Awaited<ReturnType<typeof createScratchDatabase>>;
  let target: Awaited<ReturnType<typeof createScratchDatabase>>;
  let t: TestApp;
  const tenantId = tenant("backup");

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pcs-backup-"));
    [source, target] = await Promise.all([createScratchDatabase("pcs_backup_src"), createScratchDatabase("pcs_backup_dst")]);
    t = await startTestApp({ database: "postgresql", env: { DATABASE_URL: source.url } });
    await seed(t, tenantId);
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([source?.drop(), target?.drop()]);
    await rm(dir, { recursive: true, force: true });
  });

  test("a backup taken while writes run is one snapshot: every config's version is its latest history version", async () => {
    const writer = tenant("busy");
    let writing = true;
    const writes = (async () => {
      for (let step = 0; writing; step++) {
        await upsert(t, { tenantId: writer, providerType: "MAP", providerName: `map${step % 3}`, configData: { step } });
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const file = join(dir, "busy.backup.gz");
    const summary = await writeBackup(t.app.database, file);
    writing = false;
    await writes;
    expect(existsSync(`${file}.tmp`)).toBe(false);

    const scratch = await createScratchDatabase("pcs_backup_busy");
    try {
      const restored = await restoreInto(scratch.url, file);
      expect(restored.rows).toEqual(summary.rows);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      const { rows } = await client.query<{ id: string; version: number; latest: number; versions: string }>(
        `SELECT c.id, c.version, max(v.version) AS latest, count(v.*) AS versions
         FROM provider_configs c JOIN config_versions v ON v.config_id = c.id WHERE c.tenant_id = $1 GROUP BY c.id, c.version`,
        [writer],
      );
      await client.end();
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        expect(row.latest).toBe(row.version);
        expect(Number(row.versions)).toBe(row.version);
      }
    } finally {
      await scratch.drop();
    }
  });

  test("restore reproduces every row exactly; old history and change cursors keep working; new changes come after", async () => {
    const file = join(dir, "quiet.backup.gz");
    const page = await t.gql(HISTORY, { tenantId, limit: 2 });
    const feed = await feedOnceVisible(t, tenantId);
    await writeBackup(t.app.database, file);
    const before = await rowsAt(source.url);
    expect(before.credential_access_log?.length).toBeGreaterThan(0);
    expect(before.provider_usage_keys?.length).toBeGreaterThan(0);

    await restoreInto(target.url, file);
    expect(await rowsAt(target.url)).toEqual(before);

    const restored = await startTestApp({ database: "postgresql", env: { DATABASE_URL: target.url } });
    try {
      const cursor = page.data?.configHistory.nextCursor;
      expect(cursor).toBeTruthy();
      expect(await restored.gql(HISTORY, { tenantId, limit: 2, after: cursor })).toEqual(
        await t.gql(HISTORY, { tenantId, limit: 2, after: cursor }),
      );
      // A change made after the restore is what an old change cursor reads next.
      await upsert(restored, { tenantId, providerType: "WEATHER", providerName: "open_meteo" });
      const next = await restored.gql(FEED, { t: tenantId, a: feed.data?.configChanges.cursor });
      expect(next.errors).toBeUndefined();
      expect(next.data?.configChanges.items.map((item: { change: { providerName: string } }) => item.change.providerName)).toEqual([
        "open_meteo",
      ]);
    } finally {
      await restored.stop();
    }
  });

  test("a non-empty database is refused and left as it was", async () => {
    const file = join(dir, "quiet.backup.gz");
    const before = await rowsAt(target.url);
    expect(allEmpty(before)).toBe(false);
    await expect(restoreInto(target.url, file)).rejects.toThrow(/target database is not empty/);
    expect(await rowsAt(target.url)).toEqual(before);
  });

  test("a truncated or corrupt file fails clearly and leaves the target empty", async () => {
    const file = join(dir, "quiet.backup.gz");
    const bytes = await readFile(file);
    const truncatedGzip = join(dir, "truncated.gz");
    await writeFile(truncatedGzip, bytes.subarray(0, Math.floor(bytes.length * 0.7)));
    // Whole gzip, but the JSON lines stop within the rows: the gzip checks pass, the backup's own counts do not.
    const lines = gunzipSync(bytes).toString("utf8").split("\n");
    const truncatedRows = join(dir, "truncated-rows.gz");
    await writeFile(truncatedRows, gzipSync(lines.slice(0, Math.floor(lines.length * 0.6)).join("\n")));
    const corrupt = join(dir, "corrupt.gz");
    const flipped = Buffer.from(bytes);
    const middle = Math.floor(flipped.length / 2);
    flipped[middle] = (flipped[middle] ?? 0) ^ 0xff;
    await writeFile(corrupt, flipped);

    const scratch = await createScratchDatabase("pcs_backup_bad");
    try {
      for (const bad of [truncatedGzip, truncatedRows, corrupt]) {
        const failure = await restoreInto(scratch.url, bad).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(RestoreError);
        expect((failure as Error).message).toMatch(/corrupt or truncated|could not be restored/);
        expect(allEmpty(await rowsAt(scratch.url))).toBe(true);
      }
      // A backup of newer code is refused too.
      const newer = lines[0]?.replace('"migrations":[', '"migrations":["29990101000000_future",');
      const future = join(dir, "future.gz");
      await writeFile(future, gzipSync([newer, ...lines.slice(1)].join("\n")));
      await expect(restoreInto(scratch.url, future)).rejects.toThrow(/newer version.*29990101000000_future/);
      // The good file still restores into it afterwards.
      await restoreInto(scratch.url, file);
      expect(allEmpty(await rowsAt(scratch.url))).toBe(false);
    } finally {
      await scratch.drop();
    }
  });

  test("an installation on PGlite moves to PostgreSQL", async () => {
    const embedded = await startTestApp({ database: "pglite" });
    const scratch = await createScratchDatabase("pcs_backup_move");
    try {
      const movedTenant = tenant("moved");
      await seed(embedded, movedTenant);
      const file = join(dir, "pglite.backup.gz");
      await writeBackup(embedded.app.database, file);
      const before = await embedded.app.database.snapshot(tableRows);
      expect(before.config_versions?.length).toBeGreaterThan(0);
      await restoreInto(scratch.url, file);
      expect(await rowsAt(scratch.url)).toEqual(before);
    } finally {
      await embedded.stop();
      await scratch.drop();
    }
  });

  test("a PostgreSQL backup restores into PGlite: the transaction counter moves past the backup's, change cursors keep working", async () => {
    const file = join(dir, "to-pglite.backup.gz");
    const feed = await feedOnceVisible(t, tenantId);
    await writeBackup(t.app.database, file);
    const before = await rowsAt(source.url);
    const dataDir = await mkdtemp(join(tmpdir(), "pcs-restored-"));
    try {
      const database = await openDatabase({ dataDir });
      const known = (await readMigrations()).map((migration) => migration.name);
      try {
        await database.loginSession((session) => restoreBackup(session, file, { knownMigrations: known }));
        expect(await database.snapshot(tableRows)).toEqual(before);
      } finally {
        await database.close();
      }
      const restored = await startTestApp({ database: "pglite", pgliteOnDisk: true, env: { DATA_DIR: dataDir } });
      try {
        expect(await restored.gql(FEED, { t: tenantId })).toEqual(await t.gql(FEED, { t: tenantId }));
        await upsert(restored, { tenantId, providerType: "WEATHER", providerName: "open_meteo" });
        const next = await restored.gql(FEED, { t: tenantId, a: feed.data?.configChanges.cursor });
        expect(next.data?.configChanges.items.map((item: { change: { providerName: string } }) => item.change.providerName)).toEqual([
          "open_meteo",
        ]);
      } finally {
        await restored.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  describe("the built commands (node dist/scripts/backup.js, restore.js)", () => {
    const root = join(import.meta.dirname, "..");
    const script = (name: string) => join(root, "dist", "scripts", `${name}.js`);

    beforeAll(async () => {
      // CI builds before testing; build here only when the commands were never built.
      if (!existsSync(script("backup")) || !existsSync(script("restore")))
        await promisify(execFile)("npm", ["run", "build"], { cwd: root });
    }, 120_000);

    const run = (name: string, args: string[], env: Record<string, string>) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [script(name), ...args], {
          env: { PATH: process.env.PATH, LOG_LEVEL: "warn", ...env },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        child.stderr.on("data", (chunk) => {
          stderr += chunk;
        });
        child.on("error", reject);
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });

    test("backup writes the file; restore loads it into an empty database and refuses a non-empty one", async () => {
      const file = join(dir, "command.backup.gz");
      const scratch = await createScratchDatabase("pcs_backup_cmd");
      try {
        const backup = await run("backup", ["--out", file], { DATABASE_URL: source.url });
        expect(backup.stderr).toBe("");
        expect(backup.status).toBe(0);
        expect(JSON.parse(backup.stdout).rows.provider_configs).toBeGreaterThan(0);
        const before = await rowsAt(source.url);

        const restore = await run("restore", [file], { DATABASE_URL: scratch.url });
        expect(restore.status).toBe(0);
        expect(await rowsAt(scratch.url)).toEqual(before);

        const again = await run("restore", [file], { DATABASE_URL: scratch.url });
        expect(again.status).toBe(1);
        expect(again.stderr).toMatch(/target database is not empty/);

        const usage = await run("backup", [], { DATABASE_URL: source.url });
        expect(usage.status).toBe(1);
        expect(usage.stderr).toMatch(/--out FILE is required/);
      } finally {
        await scratch.drop();
      }
    }, 60_000);
  });
});

describe("scheduled backups", () => {
  test("write a backup every interval under the background lease and keep the newest BACKUP_KEEP", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pcs-scheduled-"));
    // What a backup killed midway left behind goes; files that are not backups stay.
    const stale = join(dir, "pcs-backup-20200101T000000000Z.jsonl.gz.tmp");
    await writeFile(stale, "partial");
    await utimes(stale, new Date("2020-01-01"), new Date("2020-01-01"));
    await writeFile(join(dir, "README.txt"), "not a backup");
    const t = await startTestApp({ database: "pglite", env: { BACKUP_DIR: dir, BACKUP_KEEP: "2" }, backupIntervalMs: 150 });
    try {
      await seed(t, tenant("scheduled"));
      const deadline = Date.now() + 20_000;
      let metrics = "";
      while (Date.now() < deadline) {
        metrics = await (await fetch(`${t.url}/metrics`)).text();
        const successes = Number(/pcs_backups_total\{outcome="success"\} (\d+)/.exec(metrics)?.[1] ?? 0);
        if (successes >= 4) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(Number(/pcs_backups_total\{outcome="success"\} (\d+)/.exec(metrics)?.[1] ?? 0)).toBeGreaterThanOrEqual(4);
      expect(metrics).toMatch(/^pcs_backup_last_success_timestamp_seconds [1-9]\d*(\.\d+)?$/m);
      await t.stop();
      const files = (await readdir(dir)).filter((name) => name !== "README.txt").sort();
      expect(await readdir(dir)).toContain("README.txt");
      expect(files).toHaveLength(2);
      expect(files.every((name) => /^pcs-backup-\d{8}T\d{9}Z\.jsonl\.gz$/.test(name))).toBe(true);
      const header = JSON.parse(
        gunzipSync(await readFile(join(dir, files[1] as string)))
          .toString("utf8")
          .split("\n")[0] as string,
      );
      expect(header.format).toBe("pcs-backup/v1");
    } finally {
      await t.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  test("a failed backup is logged and counted, and leaves no file behind", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pcs-failing-"));
    // A database that fails halfway through the rows: the temporary file is removed, no backup file appears.
    let queries = 0;
    const failing = {
      snapshot: <T>(work: (session: MigrationSession) => Promise<T>) =>
        work({
          query: async <Row>(sql: string) => {
            if (++queries > 4) throw new Error("connection lost");
            if (sql.includes("_prisma_migrations")) return [{ migration_name: "20261129145930_init" }] as Row[];
            if (sql.includes("pg_snapshot_xmax")) return [{ xmax: "100" }] as Row[];
            if (sql.includes("count(*)")) return [{ rows: "1" }] as Row[];
            return [] as Row[];
          },
          exec: async () => {},
        }),
    };
    await expect(writeBackup(failing, join(dir, "failed.backup.gz"))).rejects.toThrow(/connection lost/);
    expect(await readdir(dir)).toEqual([]);

    // The scheduler counts and logs a failure (here: the directory is gone) and goes on.
    const t = await startTestApp({ database: "pglite", env: { BACKUP_DIR: join(dir, "missing") }, backupIntervalMs: 100 });
    try {
      const deadline = Date.now() + 20_000;
      let metrics = "";
      while (Date.now() < deadline && !/pcs_backups_total\{outcome="failure"\} [2-9]/.test(metrics)) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        metrics = await (await fetch(`${t.url}/metrics`)).text();
      }
      expect(metrics).toMatch(/pcs_backups_total\{outcome="failure"\} [2-9]/);
      expect(metrics).toMatch(/^pcs_backup_last_success_timestamp_seconds 0$/m);
      expect(t.logs.some((line) => line.msg === "scheduled backup failed; retrying next interval")).toBe(true);
    } finally {
      await t.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// Backups (SPEC.md §10.4): a consistent snapshot of every application table — one REPEATABLE READ transaction —
// written as gzip'd JSON lines, so that the same file restores into PostgreSQL or PGlite alike:
//
//   {"format":"pcs-backup/v1","createdAt":…,"migrations":[…],"tables":[…],"txidLimit":"…"}
//   {"table":"provider_configs","rows":N}
//   <row_to_json of each row, in primary-key order>            × N
//   … one header and its rows per table …
//   {"end":true}
//
// Rows are PostgreSQL's own JSON of each row (row_to_json), streamed with a cursor: timestamps keep their
// microseconds, bigint and float values their exact digits, xid8 and uuid travel as strings, credentials stay the
// ciphertext they are in the tables. The file is written to FILE.tmp, fsynced and renamed: a failed backup leaves
// no partial file. `leases` is not backed up (instances take their leases afresh).
import { createWriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import type { Database } from "../database/database.js";
import type { MigrationSession } from "../database/migrator.js";

export const BACKUP_FORMAT = "pcs-backup/v1";

export interface BackedUpTable {
  name: string;
  /** Primary key columns: the order rows are written in. */
  key: readonly string[];
}

/** Every application table, in restore order. */
export const BACKED_UP_TABLES: readonly BackedUpTable[] = [
  { name: "provider_configs", key: ["id"] },
  { name: "config_versions", key: ["seq"] },
  { name: "credential_access_log", key: ["seq"] },
  { name: "event_publication", key: ["name"] },
  { name: "provider_usage_records", key: ["seq"] },
  { name: "provider_usage_keys", key: ["tenant_id", "idempotency_key"] },
  { name: "provider_usage_hours", key: ["tenant_id", "hour_start", "provider_type", "provider_name"] },
  { name: "provider_usage_minutes", key: ["tenant_id", "provider_type", "provider_name", "minute_start"] },
];

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** Names of the migrations applied to the database backed up, oldest first. */
  migrations: string[];
  tables: string[];
  /**
   * The first transaction id not yet assigned when the snapshot was taken (xid8, decimal): every `txid` in the
   * backup, and in any change cursor handed out before it, is below it. A restore moves the target's transaction
   * counter past it, so that new changes sort after the restored ones and old change cursors keep working.
   */
  txidLimit: string;
}

export interface TableHeader {
  table: string;
  rows: number;
}

export interface BackupSummary {
  file: string;
  bytes: number;
  rows: Record<string, number>;
  migrations: number;
}

const FETCH_ROWS = 1000;

/** Writes a backup of `database` to `file` (atomically: FILE.tmp, fsync, rename). */
export async function writeBackup(database: Pick<Database, "snapshot">, file: string): Promise<BackupSummary> {
  const temporary = `${file}.tmp`;
  const rows: Record<string, number> = {};
  let migrations = 0;
  try {
    await database.snapshot(async (session) => {
      const header = await headerOf(session);
      migrations = header.migrations.length;
      await pipeline(Readable.from(backupLines(session, header, rows)), createGzip(), createWriteStream(temporary, { mode: 0o600 }));
    });
    const handle = await open(temporary, "r+");
    let bytes: number;
    try {
      await handle.sync();
      bytes = (await handle.stat()).size;
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
    await syncDirectory(dirname(file));
    return { file, bytes, rows, migrations };
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

async function headerOf(session: MigrationSession): Promise<BackupHeader> {
  const applied = await session.query<{ migration_name: string }>(
    `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  const [limit] = await session.query<{ xmax: string }>("SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS xmax");
  return {
    format: BACKUP_FORMAT,
    createdAt: new Date().toISOString(),
    migrations: applied.map((row) => row.migration_name),
    tables: BACKED_UP_TABLES.map((table) => table.name),
    txidLimit: limit?.xmax ?? "0",
  };
}

async function* backupLines(session: MigrationSession, header: BackupHeader, counts: Record<string, number>): AsyncGenerator<string> {
  yield `${JSON.stringify(header)}\n`;
  for (const table of BACKED_UP_TABLES) {
    const [count] = await session.query<{ rows: string }>(`SELECT count(*)::text AS rows FROM "${table.name}"`);
    const rows = Number(count?.rows ?? 0);
    counts[table.name] = rows;
    yield `${JSON.stringify({ table: table.name, rows } satisfies TableHeader)}\n`;
    const order = table.key.map((column) => `t."${column}"`).join(", ");
    await session.query(
      `DECLARE pcs_backup NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS row FROM "${table.name}" t ORDER BY ${order}`,
    );
    for (;;) {
      const page = await session.query<{ row: string }>(`FETCH ${FETCH_ROWS} FROM pcs_backup`);
      if (page.length > 0) yield `${page.map((line) => line.row).join("\n")}\n`;
      if (page.length < FETCH_ROWS) break;
    }
    await session.query("CLOSE pcs_backup");
  }
  yield `${JSON.stringify({ end: true })}\n`;
}

async function syncDirectory(directory: string): Promise<void> {
  // The rename is durable once the directory is; some platforms cannot open a directory, which is fine to skip.
  const handle = await open(directory, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}

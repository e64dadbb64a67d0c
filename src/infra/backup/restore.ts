// Restore (SPEC.md §10.4): loads a backup (backup.ts) into an empty database, every row exactly as it was — ids,
// versions, timestamps, seq and txid values — in one transaction: a corrupt or truncated file, a non-empty target
// or a backup from newer code ends in a RestoreError and nothing written. Afterwards the bigserial sequences stand
// at the highest restored seq, and the target's transaction counter past the backup's `txidLimit`, so history
// cursors and change-event cursors of the old database keep working and new changes sort after restored ones.
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import type { MigrationSession } from "../database/migrator.js";
import { BACKED_UP_TABLES, BACKUP_FORMAT, type BackupHeader, type TableHeader } from "./backup.js";

export class RestoreError extends Error {
  override readonly name = "RestoreError";
}

export interface RestoreOptions {
  /** Migrations this code knows (and has applied to the target): a backup with any other is refused. */
  knownMigrations: readonly string[];
  /** Told how far the transaction counter has been moved, batch by batch. */
  onProgress?: (message: string, details: Record<string, unknown>) => void;
}

export interface RestoreSummary {
  rows: Record<string, number>;
  migrations: number;
}

const BATCH_ROWS = 500;
const BATCH_CHARS = 4 * 1024 * 1024;
/** Transaction ids consumed per transaction while moving the counter (each is one subtransaction). */
const XID_BATCH = 50_000;
/** xid8 counts 2^32 per epoch; further than half of that cannot be reached by consuming ids in reasonable time. */
const MAX_XID_GAP = 2n ** 31n;
const SEQUENCE_COLUMN = "seq";

export async function restoreBackup(session: MigrationSession, file: string, options: RestoreOptions): Promise<RestoreSummary> {
  const lines = backupLines(file);
  try {
    const header = parseHeader(await nextLine(lines, "the header"), options.knownMigrations);
    // Checked before the transaction counter moves, and again under lock in the restoring transaction.
    await session.query("BEGIN");
    try {
      await session.query("SET LOCAL ROLE NONE");
      await session.query("SELECT set_config('app.tenant_id', '*', true)");
      refuseNonEmpty(await rowCounts(session));
    } finally {
      await session.query("ROLLBACK");
    }
    await advanceTransactionIds(session, BigInt(header.txidLimit), options.onProgress);
    return await restoreRows(session, lines, header);
  } finally {
    await lines.return(undefined).catch(() => {});
  }
}

async function restoreRows(session: MigrationSession, lines: AsyncGenerator<string>, header: BackupHeader): Promise<RestoreSummary> {
  await session.query("BEGIN");
  try {
    await session.query("SET LOCAL ROLE NONE");
    await session.query("SELECT set_config('app.tenant_id', '*', true)");
    await session.query(`LOCK TABLE ${BACKED_UP_TABLES.map((table) => `"${table.name}"`).join(", ")} IN EXCLUSIVE MODE`);
    refuseNonEmpty(await rowCounts(session));
    const rows: Record<string, number> = {};
    for (const table of header.tables) rows[table] = await restoreTable(session, lines, table);
    const end = parseJson(await nextLine(lines, "the end marker"));
    if (!isRecord(end) || end.end !== true) throw corrupt("the end marker is missing");
    if (!(await lines.next()).done) throw corrupt("there is data after the end marker");
    for (const table of BACKED_UP_TABLES) await resetSequence(session, table.name);
    await session.query("COMMIT");
    return { rows, migrations: header.migrations.length };
  } catch (error) {
    await session.query("ROLLBACK").catch(() => {});
    if (error instanceof RestoreError) throw error;
    throw new RestoreError(
      `the backup could not be restored (${error instanceof Error ? error.message : String(error)}); nothing was restored`,
    );
  }
}

function parseHeader(line: string, knownMigrations: readonly string[]): BackupHeader {
  const header = parseJson(line);
  if (!isRecord(header) || header.format !== BACKUP_FORMAT)
    throw new RestoreError(`not a backup of this service (format ${BACKUP_FORMAT} expected)`);
  const { migrations, tables, txidLimit } = header;
  if (!Array.isArray(migrations) || !migrations.every((name) => typeof name === "string")) throw corrupt("the header has no migrations");
  if (!Array.isArray(tables) || !tables.every((name) => BACKED_UP_TABLES.some((table) => table.name === name))) {
    throw corrupt("the header names an unknown table");
  }
  if (typeof txidLimit !== "string" || !/^\d{1,20}$/.test(txidLimit)) throw corrupt("the header has no transaction id limit");
  const unknown = migrations.filter((name) => !knownMigrations.includes(name));
  if (unknown.length > 0) {
    throw new RestoreError(
      `the backup comes from a newer version of the service (migrations this code does not know: ${unknown.join(", ")}); restore it with that version`,
    );
  }
  return header as unknown as BackupHeader;
}

async function restoreTable(session: MigrationSession, lines: AsyncGenerator<string>, name: string): Promise<number> {
  const header = parseJson(await nextLine(lines, `the header of ${name}`)) as Partial<TableHeader> | undefined;
  if (!isRecord(header) || header.table !== name || typeof header.rows !== "number") throw corrupt(`the section of ${name} is missing`);
  const targetColumns = await columnsOf(session, name);
  let columns: string[] | undefined;
  let batch: string[] = [];
  let chars = 0;
  const flush = async () => {
    if (batch.length === 0 || !columns) return;
    const list = columns.map((column) => `"${column}"`).join(", ");
    await session.query(`INSERT INTO "${name}" (${list}) SELECT ${list} FROM jsonb_populate_recordset(null::"${name}", $1::jsonb)`, [
      `[${batch.join(",")}]`,
    ]);
    batch = [];
    chars = 0;
  };
  for (let row = 0; row < header.rows; row++) {
    const line = await nextLine(lines, `row ${row + 1} of ${header.rows} of ${name}`);
    if (!line.startsWith("{")) throw corrupt(`row ${row + 1} of ${name} is not a row`);
    // The first row names the columns the backup has; a column added by a later migration keeps its default.
    if (!columns) {
      const keys = Object.keys(parseJson(line) as Record<string, unknown>);
      const unknown = keys.filter((key) => !targetColumns.includes(key));
      if (unknown.length > 0) throw new RestoreError(`the backup's ${name} has columns this database lacks: ${unknown.join(", ")}`);
      columns = keys;
    }
    batch.push(line);
    chars += line.length;
    if (batch.length >= BATCH_ROWS || chars >= BATCH_CHARS) await flush();
  }
  await flush();
  return header.rows;
}

async function columnsOf(session: MigrationSession, table: string): Promise<string[]> {
  const rows = await session.query<{ name: string }>(
    `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [`"${table}"`],
  );
  return rows.map((row) => row.name);
}

async function rowCounts(session: MigrationSession): Promise<Record<string, number>> {
  // Only in a transaction as the login with every tenant visible: under the application role it would see nothing.
  const selects = BACKED_UP_TABLES.map((table) => `(SELECT count(*) FROM "${table.name}")::text AS "${table.name}"`).join(", ");
  const [row] = await session.query<Record<string, string>>(`SELECT ${selects}`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([table, count]) => [table, Number(count)]));
}

function refuseNonEmpty(counts: Record<string, number>): void {
  const filled = Object.entries(counts).filter(([, count]) => count > 0);
  if (filled.length > 0) {
    throw new RestoreError(
      `the target database is not empty (${filled.map(([table, count]) => `${table}: ${count} rows`).join(", ")}); restore only into an empty database`,
    );
  }
}

async function resetSequence(session: MigrationSession, table: string): Promise<void> {
  if (!(await columnsOf(session, table)).includes(SEQUENCE_COLUMN)) return;
  const [sequence] = await session.query<{ name: string | null }>("SELECT pg_get_serial_sequence($1, $2) AS name", [
    `"${table}"`,
    SEQUENCE_COLUMN,
  ]);
  if (!sequence?.name) return;
  await session.query(
    `SELECT setval($1::regclass, max("${SEQUENCE_COLUMN}")) FROM "${table}" HAVING max("${SEQUENCE_COLUMN}") IS NOT NULL`,
    [sequence.name],
  );
}

/**
 * Change events are ordered by the id of the transaction that wrote them, and readers see only ids below the oldest
 * running transaction. PostgreSQL cannot set its counter, so it is moved by consuming ids: each subtransaction that
 * writes (to a temporary table, rolled back) takes one. Moving a fresh database past a backup of a busy one takes a
 * while (about 100,000 ids a second); a backup already below the target's counter needs nothing.
 */
async function advanceTransactionIds(session: MigrationSession, limit: bigint, onProgress: RestoreOptions["onProgress"]): Promise<void> {
  const next = async () => {
    const [row] = await session.query<{ next: string }>("SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next");
    return BigInt(row?.next ?? "0");
  };
  let current = await next();
  if (limit - current > MAX_XID_GAP) {
    throw new RestoreError(
      `the backup's transaction ids (up to ${limit}) are too far ahead of the target's (${current}) to be reached; restore into a database server that has run longer`,
    );
  }
  while (current < limit) {
    const batch = Number(limit - current < BigInt(XID_BATCH) ? limit - current : BigInt(XID_BATCH));
    onProgress?.("moving the transaction counter past the backup's", { current: current.toString(), target: limit.toString() });
    await session.exec(`BEGIN;
      SET LOCAL ROLE NONE;
      CREATE TEMPORARY TABLE pcs_restore_xids (n int);
      DO $$ BEGIN FOR i IN 1..${batch} LOOP BEGIN INSERT INTO pcs_restore_xids VALUES (i); EXCEPTION WHEN others THEN NULL; END; END LOOP; END $$;
      ROLLBACK;`);
    current = await next();
  }
}

async function* backupLines(file: string): AsyncGenerator<string> {
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.on("error", (error) => gunzip.destroy(error));
  source.pipe(gunzip);
  gunzip.setEncoding("utf8");
  let rest = "";
  try {
    for await (const chunk of gunzip) {
      const text = rest + (chunk as string);
      const parts = text.split("\n");
      rest = parts.pop() ?? "";
      for (const part of parts) if (part !== "") yield part;
    }
  } catch (error) {
    throw corrupt((error as Error).message);
  } finally {
    source.destroy();
  }
  if (rest !== "") yield rest;
}

async function nextLine(lines: AsyncGenerator<string>, what: string): Promise<string> {
  const next = await lines.next();
  if (next.done) throw corrupt(`the file ends before ${what}`);
  return next.value;
}

function parseJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw corrupt("a line is not JSON");
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

const corrupt = (why: string): RestoreError => new RestoreError(`the backup file is corrupt or truncated (${why}); nothing was restored`);

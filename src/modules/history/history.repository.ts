// Reads of the append-only history. Snapshots are written by the provider-config repository, in the same
// statement as the change they record.

import { ChangeType } from "../../domain/provider.js";
import type { TenantScope } from "../../domain/tenant-scope.js";
import { Prisma } from "../../generated/prisma/client.js";
import { type Executor, planEachTime } from "../../infra/database/sql-executor.js";
import { newestFirst } from "../../infra/database/unit-of-work.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import { separateClearSecrets } from "../provider-config/secret-data.js";
import type { HistoryFilter, StoredSnapshot } from "./config-version.model.js";

/** A snapshot's columns as StoredSnapshot names them (also read by the change-events module). */
export const SNAPSHOT_COLUMNS = Prisma.raw(`seq, id, config_id AS "configId", tenant_id AS "tenantId", provider_type AS "providerType",
  provider_name AS "providerName", priority, enabled, config_data AS "configData", api_key AS "apiKey", api_secret AS "apiSecret",
  api_key_hint AS "apiKeyHint", secret_data AS "secretData", version, change_type AS "changeType", changed_at AS "changedAt",
  changed_by AS "changedBy", change_reason AS "changeReason"`);

/** A snapshot asked for by (config, version). */
export interface VersionKey {
  configId: string;
  version: number;
}

/** One tenantConfigAt question. */
export interface StateAtQuery {
  tenantId: string;
  at: Date;
}

const CHANGE_TYPES: ReadonlySet<string> = new Set(Object.values(ChangeType));

/**
 * `change_type IN (...)` with the types as literals, not parameters. Under row-level security an enum comparison
 * (not LEAKPROOF) can never be an index condition; literals let PostgreSQL prove the predicate of the partial
 * index of rare change types (see the history_audit migration), in custom and generic plans alike. Only enum
 * names reach the SQL text.
 */
function changeTypeCondition(types: readonly ChangeType[]): Prisma.Sql {
  const literals = types.map((type) => {
    if (!CHANGE_TYPES.has(type)) throw new Error(`not a change type: ${String(type)}`);
    return Prisma.raw(`'${type}'::"ChangeType"`);
  });
  return Prisma.sql`change_type IN (${Prisma.join(literals)})`;
}

const scopeClause = (scope: TenantScope) => (scope.all ? Prisma.empty : Prisma.sql`AND tenant_id = ANY(${scope.tenantIds}::text[])`);

/** One configHistory page: newest first, strictly older than `beforeSeq`; at most `limit` rows. */
export interface PageQuery {
  filter: HistoryFilter;
  limit: number;
  beforeSeq?: bigint;
}

function pageStatement(index: number, { filter, limit, beforeSeq }: PageQuery): Prisma.Sql {
  const conditions = [Prisma.sql`tenant_id = ${filter.tenantId}`];
  if (filter.providerType) conditions.push(Prisma.sql`provider_type = ${filter.providerType}::"ProviderType"`);
  if (filter.providerName) conditions.push(Prisma.sql`provider_name = ${filter.providerName}`);
  if (filter.configId) conditions.push(Prisma.sql`config_id = ${filter.configId}::uuid`);
  if (filter.changeTypes) conditions.push(changeTypeCondition(filter.changeTypes));
  if (filter.changedBy !== undefined) conditions.push(Prisma.sql`changed_by = ${filter.changedBy}`);
  if (filter.from) conditions.push(Prisma.sql`changed_at >= ${filter.from}::timestamptz`);
  if (filter.to) conditions.push(Prisma.sql`changed_at < ${filter.to}::timestamptz`);
  if (beforeSeq !== undefined) conditions.push(Prisma.sql`seq < ${beforeSeq}`);
  return Prisma.sql`(SELECT ${Prisma.raw(String(index))} AS query, ${SNAPSHOT_COLUMNS} FROM config_versions
    WHERE ${Prisma.join(conditions, " AND ")} ORDER BY seq DESC LIMIT ${limit}::int)`;
}

export class HistoryRepository {
  constructor(private readonly secretFields: SecretFields) {}

  /** Snapshots as read, with any secret field still in clear moved out of configData (secret-data.ts). */
  private async snapshots<T extends StoredSnapshot = StoredSnapshot>(db: Executor, sql: Prisma.Sql): Promise<T[]> {
    const rows = await db.query<Omit<T, "clearSecrets">>(sql);
    return rows.map((row) => separateClearSecrets(row, this.secretFields) as T);
  }

  /**
   * configHistory pages, however many aliases ask, as one statement (run by UnitOfWork.readStatement), each page
   * planned on its own as if it were sent alone (its filters choose its index); `query` is the 0-based index of the
   * page in `queries`. Rows come page by page, each newest first. Planned on every execution: the best plan depends
   * on how long the tenant's history is (see planEachTime). `queries` is not empty.
   */
  pages(queries: readonly PageQuery[]): Prisma.Sql {
    const branches = queries.map((query, index) => pageStatement(index, query));
    return planEachTime(Prisma.sql`SELECT * FROM (${Prisma.join(branches, " UNION ALL ")}) AS pages ORDER BY query, seq DESC`);
  }

  /** The rows of `pages(queries)` as read, page by page, with any secret field still in clear moved out of configData. */
  splitPages(
    queries: readonly PageQuery[],
    rows: ReadonlyArray<Omit<StoredSnapshot, "clearSecrets"> & { query: number }>,
  ): StoredSnapshot[][] {
    const pages = queries.map((): StoredSnapshot[] => []);
    for (const row of rows) pages[row.query]?.push(separateClearSecrets(row, this.secretFields));
    for (const page of pages) page.sort(newestFirst);
    return pages;
  }

  async findVersion(db: Executor, configId: string, version: number, scope: TenantScope): Promise<StoredSnapshot | null> {
    const rows = await this.snapshots(
      db,
      Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM config_versions
      WHERE config_id = ${configId}::uuid AND version = ${version}::int ${scopeClause(scope)}`,
    );
    return rows[0] ?? null;
  }

  /** The snapshots named by `keys` that exist and are in scope, in no particular order (configDiff), in one query. */
  async findVersions(db: Executor, keys: readonly VersionKey[], scope: TenantScope): Promise<StoredSnapshot[]> {
    if (keys.length === 0) return [];
    const ids = keys.map((key) => key.configId);
    const versions = keys.map((key) => String(key.version));
    return this.snapshots(
      db,
      Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM config_versions
      WHERE (config_id, version) IN (SELECT * FROM unnest(${ids}::uuid[], ${versions}::text[]::int[])) ${scopeClause(scope)}`,
    );
  }

  /** Whether the config has any snapshot in scope (it exists, or existed). */
  async hasHistory(db: Executor, configId: string, scope: TenantScope): Promise<boolean> {
    const rows = await db.query<{ found: boolean }>(Prisma.sql`SELECT EXISTS (
        SELECT 1 FROM config_versions WHERE config_id = ${configId}::uuid ${scopeClause(scope)}) AS found`);
    return rows[0]?.found ?? false;
  }

  /**
   * tenantConfigAt for several (tenant, instant) questions in one statement: for each, every config of the tenant at
   * its latest snapshot with changed_at <= at (ties: the later seq), leaving out configs whose such snapshot is
   * DELETED. `query` is the 0-based index of the question in `queries`. The recursive part walks the tenant's
   * distinct config ids through the (tenant_id, config_id, changed_at, seq) index, one index probe per config
   * (a loose index scan), instead of reading the tenant's whole history as DISTINCT ON would.
   */
  async stateAt(db: Executor, queries: readonly StateAtQuery[]): Promise<Array<StoredSnapshot & { query: number }>> {
    if (queries.length === 0) return [];
    const tenants = queries.map((query) => query.tenantId);
    const instants = queries.map((query) => query.at.toISOString());
    return this.snapshots<StoredSnapshot & { query: number }>(
      db,
      Prisma.sql`WITH RECURSIVE asked AS (
        SELECT q.n - 1 AS query, q.tenant_id, q.at::timestamptz AS at
        FROM unnest(${tenants}::text[], ${instants}::text[]) WITH ORDINALITY AS q(tenant_id, at, n)
      ), configs AS (
        SELECT asked.query, asked.tenant_id, asked.at,
          (SELECT v.config_id FROM config_versions v WHERE v.tenant_id = asked.tenant_id ORDER BY v.config_id LIMIT 1) AS config_id
        FROM asked
        UNION ALL
        SELECT c.query, c.tenant_id, c.at,
          (SELECT v.config_id FROM config_versions v WHERE v.tenant_id = c.tenant_id AND v.config_id > c.config_id ORDER BY v.config_id LIMIT 1)
        FROM configs c WHERE c.config_id IS NOT NULL
      )
      SELECT configs.query::int AS query, latest.* FROM configs CROSS JOIN LATERAL (
        SELECT ${SNAPSHOT_COLUMNS} FROM config_versions v
        WHERE v.tenant_id = configs.tenant_id AND v.config_id = configs.config_id AND v.changed_at <= configs.at
        ORDER BY v.changed_at DESC, v.seq DESC LIMIT 1
      ) AS latest
      WHERE latest."changeType" <> 'DELETED'::"ChangeType"`,
    );
  }

  /** The newest `limit` snapshots of each config, newest first, in one query. */
  async recentOf(db: Executor, configIds: readonly string[], limit: number, scope: TenantScope): Promise<StoredSnapshot[]> {
    if (configIds.length === 0) return [];
    return this.snapshots(
      db,
      Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM (
        SELECT *, row_number() OVER (PARTITION BY config_id ORDER BY version DESC) AS rank FROM config_versions
        WHERE config_id = ANY(${configIds}::uuid[]) ${scopeClause(scope)}
      ) AS ranked WHERE rank <= ${limit}::int ORDER BY config_id, version DESC`,
    );
  }
}

/** Where a retention run has got to: the last snapshot (changed_at as PostgreSQL text, seq) it looked at. */
export interface RetentionCursor {
  changedAt: string;
  seq: bigint;
}

export interface RetentionBatch {
  /** Snapshots looked at (the window); fewer than the batch size: nothing older than the cutoff is left. */
  scanned: number;
  deleted: number;
  /** The last snapshot of the window; the next batch starts after it. */
  last: RetentionCursor | undefined;
}

export interface RetentionRule {
  /** Snapshots with changed_at before this may go. */
  before: Date;
  /** The event publication (event_publication.name) whose position a purged row must be at or below; none: ignored. */
  publication?: string;
  batchSize: number;
  after?: RetentionCursor;
}

/**
 * History retention (SPEC.md §11; ALL_TENANTS scope): one bounded batch. Takes the next `batchSize` snapshots older
 * than the cutoff in (changed_at, seq) order (the changed_at index), after `after`, and deletes those of them that
 * may go: not the latest snapshot of their config (a higher version exists, DELETED entries included), below the
 * change stream's watermark (every live reader has had the chance to see them), and, with a publication, at or
 * below its stored position (acknowledged by NATS; no position yet: nothing goes). The window moves on past the
 * rows it keeps, so a batch's work is bounded however many old rows must stay.
 */
export async function purgeHistoryBatch(db: Executor, rule: RetentionRule): Promise<RetentionBatch> {
  const after = rule.after
    ? Prisma.sql`AND (changed_at, seq) > (${rule.after.changedAt}::timestamptz, ${rule.after.seq}::bigint)`
    : Prisma.empty;
  const published = rule.publication
    ? Prisma.sql`AND (win.txid, win.seq) <= (SELECT p.txid, p.seq FROM event_publication p WHERE p.name = ${rule.publication})`
    : Prisma.empty;
  const [row] = await db.query<{ scanned: number; deleted: number; last_at: string | null; last_seq: bigint | null }>(Prisma.sql`
    WITH win AS (
      SELECT seq, config_id, version, txid, changed_at FROM config_versions
      WHERE changed_at < ${rule.before.toISOString()}::timestamptz ${after}
      ORDER BY changed_at, seq LIMIT ${rule.batchSize}::int
    ), gone AS (
      DELETE FROM config_versions v USING win
      WHERE v.seq = win.seq
        AND win.txid < pg_snapshot_xmin(pg_current_snapshot())
        ${published}
        AND EXISTS (SELECT 1 FROM config_versions l WHERE l.config_id = win.config_id AND l.version > win.version)
      RETURNING v.seq
    ), last AS (
      SELECT changed_at, seq FROM win ORDER BY changed_at DESC, seq DESC LIMIT 1
    )
    SELECT (SELECT count(*) FROM win)::int AS scanned, (SELECT count(*) FROM gone)::int AS deleted,
      (SELECT changed_at::text FROM last) AS last_at, (SELECT seq FROM last) AS last_seq`);
  return {
    scanned: Number(row?.scanned ?? 0),
    deleted: Number(row?.deleted ?? 0),
    last: row?.last_at && row.last_seq !== null ? { changedAt: row.last_at, seq: BigInt(row.last_seq) } : undefined,
  };
}

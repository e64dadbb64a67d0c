// Reads of the append-only history. Snapshots are written by the provider-config repository, in the same
// statement as the change they record.

import type { TenantScope } from "../../domain/tenant-scope.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { HistoryFilter, StoredSnapshot } from "./config-version.model.js";

/** A snapshot's columns as StoredSnapshot names them (also read by the change-events module). */
export const SNAPSHOT_COLUMNS = Prisma.raw(`seq, id, config_id AS "configId", tenant_id AS "tenantId", provider_type AS "providerType",
  provider_name AS "providerName", priority, enabled, config_data AS "configData", api_key AS "apiKey", api_secret AS "apiSecret",
  api_key_hint AS "apiKeyHint", version, change_type AS "changeType", changed_at AS "changedAt", changed_by AS "changedBy",
  change_reason AS "changeReason"`);

const scopeClause = (scope: TenantScope) => (scope.all ? Prisma.empty : Prisma.sql`AND tenant_id = ANY(${scope.tenantIds}::text[])`);

export class HistoryRepository {
  /** Newest first, strictly older than `beforeSeq`; at most `limit` rows. */
  async page(db: Executor, filter: HistoryFilter, limit: number, beforeSeq?: bigint): Promise<StoredSnapshot[]> {
    const conditions = [Prisma.sql`tenant_id = ${filter.tenantId}`];
    if (filter.providerType) conditions.push(Prisma.sql`provider_type = ${filter.providerType}::"ProviderType"`);
    if (filter.providerName) conditions.push(Prisma.sql`provider_name = ${filter.providerName}`);
    if (filter.configId) conditions.push(Prisma.sql`config_id = ${filter.configId}::uuid`);
    if (beforeSeq !== undefined) conditions.push(Prisma.sql`seq < ${beforeSeq}`);
    return db.query<StoredSnapshot>(Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM config_versions
      WHERE ${Prisma.join(conditions, " AND ")} ORDER BY seq DESC LIMIT ${limit}::int`);
  }

  async findVersion(db: Executor, configId: string, version: number, scope: TenantScope): Promise<StoredSnapshot | null> {
    const rows = await db.query<StoredSnapshot>(Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM config_versions
      WHERE config_id = ${configId}::uuid AND version = ${version}::int ${scopeClause(scope)}`);
    return rows[0] ?? null;
  }

  /** The first and the last snapshot of a config (its creation, and for a deleted config its DELETED entry). */
  async bounds(db: Executor, configId: string): Promise<{ first: StoredSnapshot; last: StoredSnapshot } | null> {
    const rows =
      await db.query<StoredSnapshot>(Prisma.sql`(SELECT ${SNAPSHOT_COLUMNS} FROM config_versions WHERE config_id = ${configId}::uuid ORDER BY version ASC LIMIT 1)
      UNION ALL (SELECT ${SNAPSHOT_COLUMNS} FROM config_versions WHERE config_id = ${configId}::uuid ORDER BY version DESC LIMIT 1)`);
    const [first, last] = rows;
    return first && last ? { first, last } : null;
  }

  /** The newest `limit` snapshots of each config, newest first, in one query. */
  async recentOf(db: Executor, configIds: readonly string[], limit: number, scope: TenantScope): Promise<StoredSnapshot[]> {
    if (configIds.length === 0) return [];
    return db.query<StoredSnapshot>(Prisma.sql`SELECT ${SNAPSHOT_COLUMNS} FROM (
        SELECT *, row_number() OVER (PARTITION BY config_id ORDER BY version DESC) AS rank FROM config_versions
        WHERE config_id = ANY(${configIds}::uuid[]) ${scopeClause(scope)}
      ) AS ranked WHERE rank <= ${limit}::int ORDER BY config_id, version DESC`);
  }
}

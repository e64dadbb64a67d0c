// The SQL of key rotation (see key-rotation.ts for the design): which rows still hold a value (a credential or a
// secret configData field) sealed under another key than the primary, a keyset-paged batch of them, and the compare-and-set that writes a batch back.
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { SealedSecrets } from "./secret-data.js";

export type CredentialTable = "configs" | "snapshots";

export interface TableSpec {
  name: CredentialTable;
  table: Prisma.Sql;
  /** The primary key, the keyset-paging order. */
  key: Prisma.Sql;
  keyType: Prisma.Sql;
  configId: Prisma.Sql;
  version: Prisma.Sql;
}

export const TABLES: readonly TableSpec[] = [
  // Configs first: a snapshot written after its config was rotated copies the rotated values.
  {
    name: "configs",
    table: Prisma.raw("provider_configs"),
    key: Prisma.raw("id"),
    keyType: Prisma.raw("uuid"),
    configId: Prisma.raw("id"),
    version: Prisma.raw("NULL::int"),
  },
  {
    name: "snapshots",
    table: Prisma.raw("config_versions"),
    key: Prisma.raw("seq"),
    keyType: Prisma.raw("bigint"),
    configId: Prisma.raw("config_id"),
    version: Prisma.raw("version"),
  },
];

export interface SealedRow {
  key: string;
  configId: string;
  version: number | null;
  apiKey: string | null;
  apiSecret: string | null;
  /** Secret configData fields: field name -> sealed value. */
  secretData: SealedSecrets;
}

export interface ResealedRow {
  row: SealedRow;
  apiKey: string | null;
  apiSecret: string | null;
  secretData: SealedSecrets;
}

/** Where a batch reads from: after a keyset cursor, or exactly these rows (retries). */
export type Selection = { after: string | null } | { keys: readonly string[] };

export class KeyRotationRepository {
  async countUnderOtherKey(
    db: Executor,
    prefix: string,
  ): Promise<{ configs: number; snapshots: number; valuesByKeyId: Record<string, number> }> {
    const [counts] = await db.query<{ configs: number; snapshots: number }>(Prisma.sql`SELECT
      (SELECT count(*)::int FROM provider_configs WHERE ${underOtherKey(prefix)}) AS configs,
      (SELECT count(*)::int FROM config_versions WHERE ${underOtherKey(prefix)}) AS snapshots`);
    const byKey = await db.query<{
      keyId: string;
      values: number;
    }>(Prisma.sql`SELECT split_part(value, '.', 2) AS "keyId", count(*)::int AS values
      FROM (SELECT api_key AS value FROM provider_configs UNION ALL SELECT api_secret FROM provider_configs
        UNION ALL SELECT api_key FROM config_versions UNION ALL SELECT api_secret FROM config_versions
        UNION ALL SELECT s.value FROM provider_configs, jsonb_each_text(secret_data) AS s
        UNION ALL SELECT s.value FROM config_versions, jsonb_each_text(secret_data) AS s) AS stored
      WHERE value IS NOT NULL GROUP BY 1 ORDER BY 1`);
    return {
      configs: counts?.configs ?? 0,
      snapshots: counts?.snapshots ?? 0,
      valuesByKeyId: Object.fromEntries(byKey.map((row) => [row.keyId, row.values])),
    };
  }

  async selectBatch(db: Executor, spec: TableSpec, selection: Selection, prefix: string, limit: number): Promise<SealedRow[]> {
    const where =
      "keys" in selection
        ? Prisma.sql`AND ${spec.key} = ANY(${selection.keys}::${spec.keyType}[])`
        : selection.after === null
          ? Prisma.empty
          : Prisma.sql`AND ${spec.key} > ${selection.after}::${spec.keyType}`;
    return db.query<SealedRow>(Prisma.sql`SELECT ${spec.key}::text AS key, ${spec.configId}::text AS "configId", ${spec.version} AS version,
        api_key AS "apiKey", api_secret AS "apiSecret", secret_data AS "secretData"
      FROM ${spec.table} WHERE ${underOtherKey(prefix)} ${where}
      ORDER BY ${spec.key} LIMIT ${limit}::int`);
  }

  /**
   * One UPDATE for the batch: a compare-and-set on the values read, on rows it can lock without waiting. Returns
   * the keys of the rows it changed.
   */
  async writeBatch(db: Executor, spec: TableSpec, rows: readonly ResealedRow[]): Promise<string[]> {
    const updated = await db.query<{ key: string }>(Prisma.sql`WITH input AS (
        SELECT * FROM unnest(${rows.map(({ row }) => row.key)}::${spec.keyType}[],
          ${rows.map(({ row }) => row.apiKey)}::text[], ${rows.map((r) => r.apiKey)}::text[],
          ${rows.map(({ row }) => row.apiSecret)}::text[], ${rows.map((r) => r.apiSecret)}::text[],
          ${rows.map(({ row }) => JSON.stringify(row.secretData))}::text[]::jsonb[], ${rows.map((r) => JSON.stringify(r.secretData))}::text[]::jsonb[])
          AS r(key, old_key, new_key, old_secret, new_secret, old_data, new_data)
      ), unchanged AS (
        SELECT r.* FROM ${spec.table} AS t JOIN input AS r ON t.${spec.key} = r.key
        WHERE t.api_key IS NOT DISTINCT FROM r.old_key AND t.api_secret IS NOT DISTINCT FROM r.old_secret AND t.secret_data = r.old_data
        FOR UPDATE OF t SKIP LOCKED
      )
      UPDATE ${spec.table} AS t SET api_key = u.new_key, api_secret = u.new_secret, secret_data = u.new_data
      FROM unchanged AS u
      WHERE t.${spec.key} = u.key AND t.api_key IS NOT DISTINCT FROM u.old_key AND t.api_secret IS NOT DISTINCT FROM u.old_secret
        AND t.secret_data = u.old_data
      RETURNING t.${spec.key}::text AS key`);
    return updated.map((row) => row.key);
  }
}

/**
 * Rows holding a value sealed under another key than the primary. `starts_with`, not LIKE: a key id may contain
 * `_`, which LIKE would read as a wildcard.
 */
function underOtherKey(prefix: string): Prisma.Sql {
  return Prisma.sql`((api_key IS NOT NULL AND NOT starts_with(api_key, ${prefix}))
    OR (api_secret IS NOT NULL AND NOT starts_with(api_secret, ${prefix}))
    OR EXISTS (SELECT 1 FROM jsonb_each_text(secret_data) AS s WHERE NOT starts_with(s.value, ${prefix})))`;
}

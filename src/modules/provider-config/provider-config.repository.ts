// The only code that knows how provider configs are stored. Every write is one statement that changes the
// config and appends its history snapshot together, guarded by a compare-and-set on the version (or, for
// inserts, on the key being free): it returns LOST_RACE when another writer got there first.

import type { ProviderType } from "../../domain/provider.js";
import { ChangeType } from "../../domain/provider.js";
import type { TenantScope } from "../../domain/tenant-scope.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import { LOST_RACE, type LostRace, type TenantGuard } from "../../infra/database/unit-of-work.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import type { ChangeAudit, ConfigKey, ConfigState, Revival, StoredConfig } from "./provider-config.model.js";
import { separateClearSecrets } from "./secret-data.js";

const COLUMNS = Prisma.raw(`id, tenant_id AS "tenantId", provider_type AS "providerType", provider_name AS "providerName",
  priority, enabled, config_data AS "configData", api_key AS "apiKey", api_secret AS "apiSecret", api_key_hint AS "apiKeyHint",
  secret_data AS "secretData", version, created_at AS "createdAt", updated_at AS "updatedAt", created_by AS "createdBy", updated_by AS "updatedBy"`);

/** Appends the snapshot of every row in the CTE `changed`, in the same statement. */
function snapshotOf(changeType: ChangeType, audit: ChangeAudit, version = Prisma.raw("version"), changedAt = Prisma.raw("updated_at")) {
  return Prisma.sql`INSERT INTO config_versions (id, config_id, tenant_id, provider_type, provider_name, priority, enabled, config_data,
      secret_data, api_key, api_secret, api_key_hint, version, change_type, changed_at, changed_by, change_reason)
    SELECT gen_random_uuid(), id, tenant_id, provider_type, provider_name, priority, enabled, config_data,
      secret_data, api_key, api_secret, api_key_hint, ${version}, ${changeType}::"ChangeType", ${changedAt}, ${audit.changedBy}, ${audit.changeReason}
    FROM changed`;
}

const lockClause = (lock: boolean) => (lock ? Prisma.sql`FOR UPDATE` : Prisma.empty);

/** First half of the two-int advisory lock key for "adds configs to a tenant" ("pcs" 1); the tenant's hash is the second. */
const TENANT_GROWTH_LOCK = 0x70637301;

/** `keys` as a set of (type, name) rows, for IN / NOT IN. */
function keyRows(keys: ReadonlyArray<Omit<ConfigKey, "tenantId">>) {
  return Prisma.sql`SELECT k.t::"ProviderType", k.n FROM unnest(${keys.map((k) => k.providerType)}::text[], ${keys.map((k) => k.providerName)}::text[]) AS k(t, n)`;
}

function scopeClause(scope: TenantScope) {
  return scope.all ? Prisma.empty : Prisma.sql`AND tenant_id = ANY(${scope.tenantIds}::text[])`;
}

export interface NewConfig extends ConfigKey, ConfigState {
  id: string;
  version: number;
  /** Kept from the original when a deleted config is brought back; now otherwise. */
  createdAt?: Date;
  createdBy?: string | null;
}

/** A change to one existing config, applied by the database to whatever state is stored (updateInOneStatement). */
export interface StoredChange {
  /** The state fields to set; absent ones keep their stored value. */
  changes: Partial<ConfigState>;
  /** Written only at this version. */
  expectedVersion?: number;
  /** Not written when the result would be enabled without an API key. */
  requiresApiKey: boolean;
}

/** Column of each state field, as update_provider_config takes them (jsonb_populate_record). */
const STATE_COLUMNS: Record<keyof ConfigState, string> = {
  priority: "priority",
  enabled: "enabled",
  configData: "config_data",
  secretData: "secret_data",
  apiKey: "api_key",
  apiSecret: "api_secret",
  apiKeyHint: "api_key_hint",
};

/** One change for updateInOneStatement: the config's key, the guard its call takes first, and who makes it. */
export interface GuardedChange {
  guard: TenantGuard;
  key: ConfigKey;
  change: StoredChange;
  audit: ChangeAudit;
}

export interface UpdateResult {
  written: boolean;
  config: StoredConfig;
}

export interface DeletedRow {
  id: string;
  providerType: ProviderType;
  version: number;
}

export class ProviderConfigRepository {
  constructor(private readonly secretFields: SecretFields) {}

  /** Configs as read, with any secret field still in clear moved out of configData (secret-data.ts). */
  private async configs(db: Executor, sql: Prisma.Sql): Promise<StoredConfig[]> {
    const rows = await db.query<Omit<StoredConfig, "clearSecrets">>(sql);
    return rows.map((row) => separateClearSecrets(row, this.secretFields));
  }

  async findById(db: Executor, id: string, scope: TenantScope, options: { lock?: boolean } = {}): Promise<StoredConfig | null> {
    const rows = await this.configs(
      db,
      Prisma.sql`SELECT ${COLUMNS} FROM provider_configs
      WHERE id = ${id}::uuid ${scopeClause(scope)} ${lockClause(options.lock ?? false)}`,
    );
    return rows[0] ?? null;
  }

  async findByIds(db: Executor, ids: readonly string[], scope: TenantScope): Promise<StoredConfig[]> {
    if (ids.length === 0) return [];
    return this.configs(db, Prisma.sql`SELECT ${COLUMNS} FROM provider_configs WHERE id = ANY(${ids}::uuid[]) ${scopeClause(scope)}`);
  }

  async findByKey(db: Executor, key: ConfigKey, options: { lock?: boolean } = {}): Promise<StoredConfig | null> {
    const rows = await this.configs(
      db,
      Prisma.sql`SELECT ${COLUMNS} FROM provider_configs
      WHERE tenant_id = ${key.tenantId} AND provider_type = ${key.providerType}::"ProviderType" AND provider_name = ${key.providerName}
      ${lockClause(options.lock ?? false)}`,
    );
    return rows[0] ?? null;
  }

  /** The tenant's configs among `keys`, locked in key order (so concurrent batches cannot deadlock). */
  async lockByKeys(db: Executor, tenantId: string, keys: ReadonlyArray<Omit<ConfigKey, "tenantId">>): Promise<StoredConfig[]> {
    if (keys.length === 0) return [];
    return this.configs(
      db,
      Prisma.sql`SELECT ${COLUMNS} FROM provider_configs
      WHERE tenant_id = ${tenantId} AND (provider_type, provider_name) IN (${keyRows(keys)})
      ORDER BY provider_type, provider_name FOR UPDATE`,
    );
  }

  /** Every config of the tenant, locked in key order like lockByKeys (a whole-tenant write: import, templates). */
  async lockAllOfTenant(db: Executor, tenantId: string): Promise<StoredConfig[]> {
    return this.configs(
      db,
      Prisma.sql`SELECT ${COLUMNS} FROM provider_configs WHERE tenant_id = ${tenantId}
      ORDER BY provider_type, provider_name FOR UPDATE`,
    );
  }

  /**
   * Waits for, then holds until this transaction ends, the tenant's growth lock: writes that add configs to one
   * tenant run one at a time. Transaction-scoped (no session state: safe behind PgBouncer in transaction mode).
   */
  async lockTenantGrowth(db: Executor, tenantId: string): Promise<void> {
    // void cast to text: the driver adapter has no column type for void.
    await db.query(Prisma.sql`SELECT pg_advisory_xact_lock(${TENANT_GROWTH_LOCK}::int, hashtext(${tenantId}))::text AS locked`);
  }

  /** How many configs the tenant holds, not counting any of `keys`. */
  async countOtherConfigs(db: Executor, tenantId: string, keys: ReadonlyArray<Omit<ConfigKey, "tenantId">>): Promise<number> {
    const rows = await db.query<{ count: number }>(Prisma.sql`SELECT count(*)::int AS count FROM provider_configs
      WHERE tenant_id = ${tenantId} AND (provider_type, provider_name) NOT IN (${keyRows(keys)})`);
    return rows[0]?.count ?? 0;
  }

  /** Every config of these tenants, in no particular order (callers sort: see provider-config.order.ts). */
  async listByTenants(db: Executor, tenantIds: readonly string[]): Promise<StoredConfig[]> {
    if (tenantIds.length === 0) return [];
    return this.configs(db, Prisma.sql`SELECT ${COLUMNS} FROM provider_configs WHERE tenant_id = ANY(${tenantIds}::text[])`);
  }

  /** One enabled config per (type, name) across all tenants, preferring one with a key (health re-checks). */
  async listEnabledProviders(
    db: Executor,
  ): Promise<Array<{ id: string; providerType: ProviderType; providerName: string; apiKey: string | null }>> {
    return db.query(Prisma.sql`SELECT DISTINCT ON (provider_type, provider_name) id, provider_type AS "providerType", provider_name AS "providerName", api_key AS "apiKey"
      FROM provider_configs WHERE enabled AND priority <> 'DISABLED'::"ProviderPriority"
      ORDER BY provider_type, provider_name, (api_key IS NULL), updated_at DESC`);
  }

  /** Creates a config (or brings a deleted one back under its old id) with its snapshot. */
  async insert(db: Executor, config: NewConfig, changeType: ChangeType, audit: ChangeAudit): Promise<StoredConfig | LostRace> {
    const rows = await this.configs(
      db,
      Prisma.sql`WITH changed AS (
        INSERT INTO provider_configs (id, tenant_id, provider_type, provider_name, priority, enabled, config_data, secret_data,
          api_key, api_secret, api_key_hint, version, created_at, updated_at, created_by, updated_by)
        SELECT ${config.id}::uuid, ${config.tenantId}, ${config.providerType}::"ProviderType", ${config.providerName},
          ${config.priority}::"ProviderPriority", ${config.enabled}, ${JSON.stringify(config.configData)}::jsonb, ${JSON.stringify(config.secretData)}::jsonb,
          ${config.apiKey}, ${config.apiSecret}, ${config.apiKeyHint}, ${config.version}::int,
          COALESCE(${config.createdAt ?? null}::timestamptz, now.ts), now.ts, ${config.createdBy === undefined ? audit.changedBy : config.createdBy}, ${audit.changedBy}
        FROM (SELECT clock_timestamp() AS ts) AS now
        ON CONFLICT DO NOTHING
        RETURNING *
      ), snapshot AS (${snapshotOf(changeType, audit)})
      SELECT ${COLUMNS} FROM changed`,
    );
    return rows[0] ?? LOST_RACE;
  }

  /**
   * Where the deleted config `configId` comes back (rollback): after its last snapshot (the DELETED entry), created
   * as its oldest snapshot kept says. Null when it has no history.
   */
  async revivalOf(db: Executor, configId: string): Promise<Revival | null> {
    const rows = await db.query<Revival>(Prisma.sql`SELECT last.version + 1 AS version,
        first.changed_at AS "createdAt", first.changed_by AS "createdBy"
      FROM (SELECT version FROM config_versions WHERE config_id = ${configId}::uuid ORDER BY version DESC LIMIT 1) AS last,
        (SELECT changed_at, changed_by FROM config_versions WHERE config_id = ${configId}::uuid ORDER BY version LIMIT 1) AS first`);
    return rows[0] ?? null;
  }

  /** Applies `state` as the next version, if the stored version is still `expectedVersion`. */
  async update(
    db: Executor,
    id: string,
    expectedVersion: number,
    state: ConfigState,
    changeType: ChangeType,
    audit: ChangeAudit,
  ): Promise<StoredConfig | LostRace> {
    const rows = await this.configs(
      db,
      Prisma.sql`WITH changed AS (
        UPDATE provider_configs SET priority = ${state.priority}::"ProviderPriority", enabled = ${state.enabled},
          config_data = ${JSON.stringify(state.configData)}::jsonb,
          secret_data = ${JSON.stringify(state.secretData)}::jsonb, api_key = ${state.apiKey}, api_secret = ${state.apiSecret},
          api_key_hint = ${state.apiKeyHint}, version = version + 1, updated_at = clock_timestamp(), updated_by = ${audit.changedBy}
        WHERE id = ${id}::uuid AND version = ${expectedVersion}::int
        RETURNING *
      ), snapshot AS (${snapshotOf(changeType, audit)})
      SELECT ${COLUMNS} FROM changed`,
    );
    return rows[0] ?? LOST_RACE;
  }

  /**
   * Applies each change to the config at its key with its snapshot, all in one autocommit statement: a call of
   * update_provider_config (prisma/migrations/20261202070000_update_config_function) per change, in the order given,
   * each taking its own guard first, so that each sees only its own tenants and the later ones see what the earlier
   * ones wrote. They commit together or not at all. `written: false` returns the stored config untouched: the version
   * differs, nothing would change, or the API key would be missing. Null when the tenants of the guard hold no such
   * config. Results follow `changes`. With `lockTimeoutMs`, a call that waits longer than that for a row lock fails
   * the statement (SQLSTATE 55P03), and with it every change in it.
   */
  async updateInOneStatement(
    db: Executor,
    changes: readonly GuardedChange[],
    options: { lockTimeoutMs?: number } = {},
  ): Promise<Array<UpdateResult | null>> {
    const column = <T>(pick: (change: GuardedChange) => T): T[] => changes.map(pick);
    const patches = column(({ change }) =>
      JSON.stringify(
        Object.fromEntries(Object.entries(change.changes).map(([field, value]) => [STATE_COLUMNS[field as keyof ConfigState], value])),
      ),
    );
    // The lock timeout is set for the statement's own transaction, before the first call: the calls take their
    // tenants through it, so PostgreSQL must evaluate it first.
    const timeout = options.lockTimeoutMs;
    const settings =
      timeout === undefined
        ? Prisma.empty
        : Prisma.sql`(SELECT set_config('lock_timeout', ${`${Math.trunc(timeout)}ms`}, true)) AS settings(lock_timeout) CROSS JOIN`;
    const tenantsArgument =
      timeout === undefined
        ? Prisma.sql`asked.in_tenants`
        : Prisma.sql`CASE WHEN settings.lock_timeout IS NOT NULL THEN asked.in_tenants END`;
    const rows = await db.query<
      StoredConfig & { written: boolean; position: bigint }
    >(Prisma.sql`SELECT asked.position, result.written, ${COLUMNS}
      FROM ${settings} unnest(${column((c) => c.guard.tenants)}::text[], ${column((c) => c.guard.role)}::text[], ${column((c) => c.key.tenantId)}::text[],
          ${column((c) => c.key.providerType)}::text[], ${column((c) => c.key.providerName)}::text[],
          ${column((c) => (c.change.expectedVersion === undefined ? null : String(c.change.expectedVersion)))}::text[], ${patches}::text[],
          ${column((c) => String(c.change.requiresApiKey))}::text[], ${column((c) => c.audit.changedBy)}::text[],
          ${column((c) => c.audit.changeReason)}::text[])
        WITH ORDINALITY AS asked(in_tenants, in_role, in_tenant, in_type, in_name, in_expected, in_patch, in_requires, in_by, in_reason,
          position)
      CROSS JOIN LATERAL update_provider_config(${tenantsArgument}, asked.in_role, asked.in_tenant, asked.in_type::"ProviderType",
        asked.in_name, asked.in_expected::int, asked.in_patch::jsonb, asked.in_requires::boolean, asked.in_by, asked.in_reason) AS result
      CROSS JOIN LATERAL (SELECT (result.config).*) AS config`);
    const results: Array<UpdateResult | null> = changes.map(() => null);
    for (const { position, written, ...config } of rows) {
      results[Number(position) - 1] = { written, config: separateClearSecrets(config, this.secretFields) };
    }
    return results;
  }

  /** Deletes the config if still at `expectedVersion`; its DELETED snapshot takes the next version, which is returned. */
  async delete(db: Executor, id: string, expectedVersion: number, audit: ChangeAudit): Promise<number | LostRace> {
    const rows = await db.query<{ version: number }>(Prisma.sql`WITH changed AS (
        DELETE FROM provider_configs WHERE id = ${id}::uuid AND version = ${expectedVersion}::int RETURNING *
      ), snapshot AS (${snapshotOf(ChangeType.DELETED, audit, Prisma.raw("version + 1"), Prisma.raw("clock_timestamp()"))} RETURNING version)
      SELECT version FROM snapshot`);
    return rows[0]?.version ?? LOST_RACE;
  }

  /** Deletes every config of the tenant, each with its DELETED snapshot, in one statement. */
  async deleteAllOfTenant(db: Executor, tenantId: string, audit: ChangeAudit): Promise<DeletedRow[]> {
    return db.query<DeletedRow>(Prisma.sql`WITH changed AS (
        DELETE FROM provider_configs WHERE tenant_id = ${tenantId} RETURNING *
      ), snapshot AS (${snapshotOf(ChangeType.DELETED, audit, Prisma.raw("version + 1"), Prisma.raw("clock_timestamp()"))}
        RETURNING config_id AS id, provider_type AS "providerType", version)
      SELECT id, "providerType", version FROM snapshot`);
  }
}

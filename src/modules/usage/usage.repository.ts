// The only code that knows how usage is stored (SPEC.md §12). A batch of records is one statement: idempotency
// keys, raw records, hourly buckets and the recent minute buckets are written together, and only the records
// actually inserted (not the duplicates) reach the buckets. Arrays travel as parameters (unnest): one round trip
// and one plan, whatever the batch size.
import type { ProviderType } from "../../domain/provider.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { AcceptedUsageGroup, NewUsageRecord, TenantProviderKey, UsageBucket, UsageGranularity } from "./usage.model.js";
import { providerKeyOf } from "./usage.rules.js";

/** How long an idempotency key counts (SPEC.md §12). */
export const IDEMPOTENCY_WINDOW = "7 days";

/** First half of the two-int advisory lock key of the usage retention job ("pcs" 2). */
const USAGE_RETENTION_LOCK = 0x70637302;

const DATE_TRUNC_UNIT: Readonly<Record<UsageGranularity, string>> = { HOUR: "hour", DAY: "day", MONTH: "month" };

export interface PurgeLimits {
  /** Raw records recorded before this go. */
  recordsBefore: Date;
  /** Idempotency keys last taken before this go (they no longer count). */
  keysBefore: Date;
  /** Minute buckets before this go (rateLimitStatus reads the current minute only). */
  minutesBefore: Date;
  /** At most this many rows of each table per batch. */
  batchSize: number;
}

export interface PurgedRows {
  records: number;
  keys: number;
  minutes: number;
}

export class UsageRepository {
  /** Which of `keys` the tenants have stored a config for (any state), as providerKeyOf strings. */
  async configuredProviders(db: Executor, keys: readonly TenantProviderKey[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const rows = await db.query<TenantProviderKey>(Prisma.sql`SELECT c.tenant_id AS "tenantId", c.provider_type AS "providerType",
        c.provider_name AS "providerName"
      FROM provider_configs c
      JOIN unnest(${keys.map((k) => k.tenantId)}::text[], ${keys.map((k) => k.providerType)}::text[], ${keys.map((k) => k.providerName)}::text[])
        AS k(tenant_id, provider_type, provider_name)
        ON c.tenant_id = k.tenant_id AND c.provider_type = k.provider_type::"ProviderType" AND c.provider_name = k.provider_name`);
    return new Set(rows.map(providerKeyOf));
  }

  /**
   * Stores `records` (no key repeated within them) and returns what was accepted, grouped by provider and, for
   * records at or after `recentFrom`, by UTC minute. A record whose key the tenant used within the idempotency
   * window is left out: `INSERT ... ON CONFLICT` on the keys' primary key decides, so concurrent submissions of one
   * key count once (the second waits for the first to commit, then finds its key). Rows are locked in key order in
   * every table, so concurrent batches do not deadlock (the unit of work retries if they ever do).
   */
  async insert(db: Executor, records: readonly NewUsageRecord[], recentFrom: Date): Promise<AcceptedUsageGroup[]> {
    if (records.length === 0) return [];
    return db.query<AcceptedUsageGroup>(Prisma.sql`WITH input AS (
        -- Types travel as text[]: PGlite cannot serialize a parameter of an enum array type.
        SELECT tenant_id, type::"ProviderType" AS provider_type, provider_name, quantity, amount_usd, occurred_at, idempotency_key
        FROM unnest(${records.map((r) => r.tenantId)}::text[], ${records.map((r) => r.providerType)}::text[],
          ${records.map((r) => r.providerName)}::text[], ${records.map((r) => r.quantity)}::float8[],
          ${records.map((r) => r.amountUsd)}::float8[], ${records.map((r) => r.occurredAt.toISOString())}::timestamptz[],
          ${records.map((r) => r.idempotencyKey)}::text[])
          AS r(tenant_id, type, provider_name, quantity, amount_usd, occurred_at, idempotency_key)
      ), fresh_keys AS (
        INSERT INTO provider_usage_keys AS k (tenant_id, idempotency_key, recorded_at)
        SELECT tenant_id, idempotency_key, now() FROM input WHERE idempotency_key IS NOT NULL ORDER BY tenant_id, idempotency_key
        ON CONFLICT (tenant_id, idempotency_key) DO UPDATE SET recorded_at = EXCLUDED.recorded_at
          WHERE k.recorded_at <= EXCLUDED.recorded_at - ${IDEMPOTENCY_WINDOW}::interval
        RETURNING tenant_id, idempotency_key
      ), accepted AS (
        INSERT INTO provider_usage_records (tenant_id, provider_type, provider_name, quantity, amount_usd, occurred_at, idempotency_key)
        SELECT tenant_id, provider_type, provider_name, quantity, amount_usd, occurred_at, idempotency_key FROM input
        WHERE idempotency_key IS NULL OR (tenant_id, idempotency_key) IN (SELECT tenant_id, idempotency_key FROM fresh_keys)
        RETURNING tenant_id, provider_type, provider_name, quantity, amount_usd, occurred_at
      ), hours AS (
        INSERT INTO provider_usage_hours AS b (tenant_id, hour_start, provider_type, provider_name, quantity, amount_usd, events)
        SELECT tenant_id, date_trunc('hour', occurred_at, 'UTC'), provider_type, provider_name, sum(quantity), COALESCE(sum(amount_usd), 0), count(*)
        FROM accepted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, hour_start, provider_type, provider_name) DO UPDATE SET quantity = b.quantity + EXCLUDED.quantity,
          amount_usd = b.amount_usd + EXCLUDED.amount_usd, events = b.events + EXCLUDED.events
      ), groups AS (
        SELECT tenant_id, provider_type, provider_name,
          CASE WHEN occurred_at >= ${recentFrom.toISOString()}::timestamptz THEN date_trunc('minute', occurred_at, 'UTC') END AS minute_start,
          sum(quantity) AS quantity, count(*) AS events
        FROM accepted GROUP BY 1, 2, 3, 4
      ), minutes AS (
        INSERT INTO provider_usage_minutes AS m (tenant_id, provider_type, provider_name, minute_start, quantity)
        SELECT tenant_id, provider_type, provider_name, minute_start, quantity FROM groups WHERE minute_start IS NOT NULL ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, provider_type, provider_name, minute_start) DO UPDATE SET quantity = m.quantity + EXCLUDED.quantity
      )
      SELECT tenant_id AS "tenantId", provider_type AS "providerType", provider_name AS "providerName", minute_start AS "minuteStart",
        quantity, events::int AS events
      FROM groups`);
  }

  /**
   * The tenant's usage per bucket and provider, from the hourly buckets whose hour starts in [from, to); ordered by
   * start, type (enum order), name. At most `limit` rows.
   */
  async buckets(
    db: Executor,
    query: { tenantId: string; from: Date; to: Date; granularity: UsageGranularity; providerType?: ProviderType },
    limit: number,
  ): Promise<UsageBucket[]> {
    const type = query.providerType ? Prisma.sql`AND provider_type = ${query.providerType}::"ProviderType"` : Prisma.empty;
    return db.query<UsageBucket>(Prisma.sql`SELECT date_trunc(${DATE_TRUNC_UNIT[query.granularity]}::text, hour_start, 'UTC') AS start,
        provider_type AS "providerType", provider_name AS "providerName", sum(quantity)::float8 AS quantity,
        sum(amount_usd)::float8 AS "amountUsd", sum(events)::float8 AS events
      FROM provider_usage_hours
      WHERE tenant_id = ${query.tenantId} AND hour_start >= ${query.from.toISOString()}::timestamptz
        AND hour_start < ${query.to.toISOString()}::timestamptz ${type}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT ${limit}::int`);
  }

  /** The quantity recorded for one provider of the tenant in the UTC minute starting at `minuteStart`. */
  async usedInMinute(db: Executor, key: TenantProviderKey, minuteStart: Date): Promise<number> {
    const rows = await db.query<{ quantity: number }>(Prisma.sql`SELECT quantity FROM provider_usage_minutes
      WHERE tenant_id = ${key.tenantId} AND provider_type = ${key.providerType}::"ProviderType" AND provider_name = ${key.providerName}
        AND minute_start = ${minuteStart.toISOString()}::timestamptz`);
    return rows[0]?.quantity ?? 0;
  }

  /**
   * Takes the retention job's lock for this transaction if no other instance holds it (transaction-scoped: no
   * session state, so it works behind PgBouncer in transaction mode, and it is released by commit or a crash).
   */
  async tryRetentionLock(db: Executor): Promise<boolean> {
    const rows = await db.query<{ held: boolean }>(Prisma.sql`SELECT pg_try_advisory_xact_lock(${USAGE_RETENTION_LOCK}::int, 0) AS held`);
    return rows[0]?.held === true;
  }

  /** Deletes one bounded batch of expired raw records, idempotency keys and minute buckets. */
  async purgeBatch(db: Executor, limits: PurgeLimits): Promise<PurgedRows> {
    const [row] = await db.query<PurgedRows>(Prisma.sql`WITH records AS (
        DELETE FROM provider_usage_records WHERE seq IN (
          SELECT seq FROM provider_usage_records WHERE recorded_at < ${limits.recordsBefore.toISOString()}::timestamptz LIMIT ${limits.batchSize}::int)
        RETURNING 1
      ), keys AS (
        DELETE FROM provider_usage_keys WHERE (tenant_id, idempotency_key) IN (
          SELECT tenant_id, idempotency_key FROM provider_usage_keys WHERE recorded_at < ${limits.keysBefore.toISOString()}::timestamptz
          LIMIT ${limits.batchSize}::int)
        RETURNING 1
      ), minutes AS (
        DELETE FROM provider_usage_minutes WHERE (tenant_id, provider_type, provider_name, minute_start) IN (
          SELECT tenant_id, provider_type, provider_name, minute_start FROM provider_usage_minutes
          WHERE minute_start < ${limits.minutesBefore.toISOString()}::timestamptz LIMIT ${limits.batchSize}::int)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM records)::int AS records, (SELECT count(*) FROM keys)::int AS keys,
        (SELECT count(*) FROM minutes)::int AS minutes`);
    return row ?? { records: 0, keys: 0, minutes: 0 };
  }
}

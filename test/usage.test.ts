// Usage, cost and rate limits (SPEC.md §12), through real HTTP with authentication on, on PostgreSQL (when it
// answers) and on PGlite: recording, idempotency, validation of the whole call, tenant isolation, the per-bucket
// report with catalog costs, rate-limit status, retention and metrics.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { onlyTenants } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { UsageRepository } from "../src/modules/usage/usage.repository.js";
import { UsageRetention } from "../src/modules/usage/usage.retention.js";
import { codeOf, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const RECORD = `mutation Record($usage: [ProviderUsageInput!]!) { recordProviderUsage(usage: $usage) { accepted duplicates } }`;
const USAGE = `query Usage($t: String!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity, $type: ProviderType) {
  providerUsage(tenantId: $t, from: $from, to: $to, granularity: $g, providerType: $type) {
    start providerType providerName quantity events estimatedCostUsd } }`;
const RATE = `query Rate($t: String!, $type: ProviderType!, $name: String!) {
  rateLimitStatus(tenantId: $t, providerType: $type, providerName: $name) { providerType providerName limitPerMinute usedThisMinute remaining resetAt } }`;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Whole hours, so that tests near an hour boundary stay in the buckets they expect. */
const hoursAgo = (hours: number) => new Date(Math.floor(Date.now() / HOUR) * HOUR - hours * HOUR);
const iso = (date: Date) => date.toISOString();

interface Problem {
  field: string;
  message: string;
}
const problemsOf = (response: { errors?: Array<{ extensions?: Record<string, unknown> }> }): Problem[] =>
  ((response.errors?.[0]?.extensions?.problems as Array<{ path: string; message: string }> | undefined) ?? []).map(({ path, message }) => ({
    field: path,
    message,
  }));

const databases = hasPostgres() ? (["postgresql", "pglite"] as const) : (["pglite"] as const);

describe.each(databases)("usage on %s", (database) => {
  let t: TestApp;
  /** A caller of every tenant with every scope. */
  let admin: Record<string, string>;
  beforeAll(async () => {
    t = await startTestApp({ database, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    admin = bearer(await tokenFor("admin", ["*"]));
  });
  afterAll(() => t?.stop());

  const record = (usage: unknown[], headers = admin) => t.gql(RECORD, { usage }, headers);
  const usageOf = (tenantId: string, from: Date, to: Date, granularity?: string, type?: string, headers = admin) =>
    t.gql(USAGE, { t: tenantId, from: iso(from), to: iso(to), g: granularity, type }, headers);
  const rawCount = async (tenantId: string) =>
    (
      await t.asAllTenants((db) =>
        db.query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM provider_usage_records WHERE tenant_id = ${tenantId}`),
      )
    )[0]?.n;

  test("records are summed per UTC hour, day and month and provider, with catalog costs, in order", async () => {
    const tenantId = tenant("usage");
    const at = hoursAgo(30);
    const response = await record([
      { tenantId, providerType: "MAP", providerName: "google_maps", quantity: 1500, at: iso(at) },
      { tenantId, providerType: "MAP", providerName: "google_maps", quantity: 500, at: iso(new Date(at.getTime() + 60_000)) },
      { tenantId, providerType: "MAP", providerName: "google_maps", quantity: 1000, at: iso(new Date(at.getTime() + HOUR)) },
      { tenantId, providerType: "PAYMENT", providerName: "stripe", quantity: 10, amountUsd: 1000, at: iso(at) },
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 200, at: iso(at) },
      { tenantId, providerType: "MAP", providerName: "esri_satellite", at: iso(at) },
    ]);
    expect(response.errors).toBeUndefined();
    expect(response.data?.recordProviderUsage).toEqual({ accepted: 6, duplicates: 0 });

    const hourly = await usageOf(tenantId, hoursAgo(48), hoursAgo(0), "HOUR");
    expect(hourly.data?.providerUsage).toEqual([
      { start: iso(at), providerType: "MAP", providerName: "esri_satellite", quantity: 1, events: 1, estimatedCostUsd: 0 },
      { start: iso(at), providerType: "MAP", providerName: "google_maps", quantity: 2000, events: 2, estimatedCostUsd: 14 },
      { start: iso(at), providerType: "PAYMENT", providerName: "stripe", quantity: 10, events: 1, estimatedCostUsd: 32 },
      { start: iso(at), providerType: "SMS", providerName: "twilio", quantity: 200, events: 1, estimatedCostUsd: 1.5 },
      {
        start: iso(new Date(at.getTime() + HOUR)),
        providerType: "MAP",
        providerName: "google_maps",
        quantity: 1000,
        events: 1,
        estimatedCostUsd: 7,
      },
    ]);

    const day = new Date(Math.floor(at.getTime() / DAY) * DAY);
    const nextHourDay = new Date(Math.floor((at.getTime() + HOUR) / DAY) * DAY);
    const daily = await usageOf(tenantId, hoursAgo(48), hoursAgo(0), "DAY", "MAP");
    const expectedDaily =
      day.getTime() === nextHourDay.getTime()
        ? [{ start: iso(day), providerType: "MAP", providerName: "google_maps", quantity: 3000, events: 3, estimatedCostUsd: 21 }]
        : [
            { start: iso(day), providerType: "MAP", providerName: "google_maps", quantity: 2000, events: 2, estimatedCostUsd: 14 },
            { start: iso(nextHourDay), providerType: "MAP", providerName: "google_maps", quantity: 1000, events: 1, estimatedCostUsd: 7 },
          ];
    expect(daily.data?.providerUsage.filter((row: { providerName: string }) => row.providerName === "google_maps")).toEqual(expectedDaily);

    // The default granularity is DAY; MONTH buckets start on the 1st, 00:00 UTC.
    const byDefault = await usageOf(tenantId, hoursAgo(48), hoursAgo(0));
    expect(byDefault.data?.providerUsage.every((row: { start: string }) => row.start.endsWith("T00:00:00.000Z"))).toBe(true);
    const monthly = await usageOf(tenantId, hoursAgo(48), hoursAgo(0), "MONTH", "PAYMENT");
    expect(monthly.data?.providerUsage).toHaveLength(1);
    expect(monthly.data?.providerUsage[0].start).toMatch(/^\d{4}-\d{2}-01T00:00:00\.000Z$/);

    // Nothing in a range without usage; the hour is counted when it starts within [from, to).
    expect((await usageOf(tenantId, hoursAgo(200), hoursAgo(100), "HOUR")).data?.providerUsage).toEqual([]);
    expect((await usageOf(tenantId, hoursAgo(29), hoursAgo(0), "HOUR")).data?.providerUsage).toHaveLength(1);
  });

  test("idempotency keys: a repeat within the call or of an earlier call counts as a duplicate, not again", async () => {
    const tenantId = tenant("idem");
    const other = tenant("idem-other");
    const at = iso(hoursAgo(2));
    const batch = [
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 3, at, idempotencyKey: "msg-1" },
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 3, at, idempotencyKey: "msg-1" },
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 4, at, idempotencyKey: "msg-2" },
      { tenantId, providerType: "SMS", providerName: "twilio", quantity: 5, at },
      // The same key for another tenant is another key.
      { tenantId: other, providerType: "SMS", providerName: "twilio", quantity: 6, at, idempotencyKey: "msg-1" },
    ];
    expect((await record(batch)).data?.recordProviderUsage).toEqual({ accepted: 4, duplicates: 1 });
    expect((await record(batch.slice(0, 3))).data?.recordProviderUsage).toEqual({ accepted: 0, duplicates: 3 });
    const usage = await usageOf(tenantId, hoursAgo(3), hoursAgo(0), "HOUR");
    expect(usage.data?.providerUsage).toMatchObject([{ quantity: 12, events: 3 }]);
    expect(await rawCount(tenantId)).toBe(3);
  });

  test("concurrent submissions of the same keys are counted once", async () => {
    const tenantId = tenant("race");
    const at = iso(hoursAgo(1));
    const batch = Array.from({ length: 50 }, (_, i) => ({
      tenantId,
      providerType: "NOTIFICATION",
      providerName: "pusher",
      quantity: 1000,
      at,
      idempotencyKey: `push-${i}`,
    }));
    const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => record(i % 2 ? [...batch].reverse() : batch)));
    for (const response of responses) expect(response.errors).toBeUndefined();
    const receipts = responses.map((response) => response.data?.recordProviderUsage as { accepted: number; duplicates: number });
    expect(receipts.reduce((sum, receipt) => sum + receipt.accepted, 0)).toBe(50);
    expect(receipts.reduce((sum, receipt) => sum + receipt.duplicates, 0)).toBe(7 * 50);
    const usage = await usageOf(tenantId, hoursAgo(2), hoursAgo(0), "HOUR");
    expect(usage.data?.providerUsage).toMatchObject([{ quantity: 50_000, events: 50, estimatedCostUsd: 1 }]);
    expect(await rawCount(tenantId)).toBe(50);
  });

  test("a key older than 7 days is taken again", async () => {
    const tenantId = tenant("old-key");
    const at = iso(hoursAgo(1));
    const one = [{ tenantId, providerType: "SMS", providerName: "vonage", at, idempotencyKey: "weekly" }];
    expect((await record(one)).data?.recordProviderUsage).toEqual({ accepted: 1, duplicates: 0 });
    await t.asAllTenants((db) =>
      db.query(Prisma.sql`UPDATE provider_usage_keys SET recorded_at = now() - interval '7 days 1 minute' WHERE tenant_id = ${tenantId}`),
    );
    expect((await record(one)).data?.recordProviderUsage).toEqual({ accepted: 1, duplicates: 0 });
    expect((await record(one)).data?.recordProviderUsage).toEqual({ accepted: 0, duplicates: 1 });
  });

  test("bad input rejects the whole call, naming every problem; nothing is recorded", async () => {
    const tenantId = tenant("bad");
    const good = { tenantId, providerType: "MAP", providerName: "google_maps", quantity: 1 };
    const response = await record([
      good,
      { ...good, quantity: 0 },
      { ...good, quantity: -2 },
      { ...good, amountUsd: 5 },
      { ...good, providerType: "PAYMENT", providerName: "stripe", amountUsd: -1 },
      { ...good, at: iso(new Date(Date.now() + 6 * 60_000)) },
      { ...good, at: iso(new Date(Date.now() - 36 * DAY)) },
      { ...good, providerName: "no_such_provider" },
      { ...good, providerType: "WEATHER", providerName: "google_maps" },
      { ...good, idempotencyKey: "k".repeat(256) },
      { ...good, idempotencyKey: "" },
      { ...good, tenantId: "not a tenant!" },
      { ...good, providerName: "Bad Name" },
    ]);
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    expect(problemsOf(response).map((problem) => problem.field)).toEqual([
      "usage[1].quantity",
      "usage[2].quantity",
      "usage[3].amountUsd",
      "usage[4].amountUsd",
      "usage[5].at",
      "usage[6].at",
      "usage[9].idempotencyKey",
      "usage[10].idempotencyKey",
      "usage[11].tenantId",
      "usage[12].providerName",
      "usage[7].providerName",
      "usage[8].providerName",
    ]);
    expect(response.errors?.[0]?.message).toMatch(/^Invalid input\. usage\[1\]\.quantity: must be a finite number greater than 0;/);
    expect(await rawCount(tenantId)).toBe(0);
    expect((await usageOf(tenantId, hoursAgo(2), hoursAgo(-1), "HOUR")).data?.providerUsage).toEqual([]);
  });

  test("one unknown provider alone rejects the call; a provider the tenant configured is accepted", async () => {
    const tenantId = tenant("custom");
    const custom = { tenantId, providerType: "SMS", providerName: "in-house-sms", quantity: 2 };
    const rejected = await record([{ tenantId, providerType: "SMS", providerName: "twilio" }, custom]);
    expect(codeOf(rejected)).toBe("BAD_USER_INPUT");
    expect(problemsOf(rejected)).toEqual([
      { field: "usage[1].providerName", message: "must be a SMS provider of the catalog or one the tenant has configured" },
    ]);
    expect(await rawCount(tenantId)).toBe(0);

    const configured = await t.gql(
      `mutation($t: String!) { upsertProviderConfig(input: {tenantId: $t, providerType: SMS, providerName: "in-house-sms", enabled: false}) { id } }`,
      { t: tenantId },
      admin,
    );
    expect(configured.errors).toBeUndefined();
    expect((await record([custom])).data?.recordProviderUsage).toEqual({ accepted: 1, duplicates: 0 });
    // Configured by one tenant is not configured by another.
    const elsewhere = await record([{ ...custom, tenantId: tenant("custom-other") }]);
    expect(problemsOf(elsewhere).map((problem) => problem.field)).toEqual(["usage[0].providerName"]);
    // Outside the catalog, its cost is 0.
    const usage = await usageOf(tenantId, hoursAgo(1), hoursAgo(-1), "HOUR");
    expect(usage.data?.providerUsage).toMatchObject([{ providerName: "in-house-sms", quantity: 2, estimatedCostUsd: 0 }]);
  });

  test("0 records or more than 1000 are refused as a whole", async () => {
    const tenantId = tenant("size");
    const empty = await record([]);
    expect(codeOf(empty)).toBe("BAD_USER_INPUT");
    expect(problemsOf(empty)).toEqual([{ field: "usage", message: "must hold 1 to 1000 records, not 0" }]);
    const tooMany = await record(Array.from({ length: 1001 }, () => ({ tenantId, providerType: "MAP", providerName: "openstreetmap" })));
    expect(problemsOf(tooMany)).toEqual([{ field: "usage", message: "must hold 1 to 1000 records, not 1001" }]);
    expect(await rawCount(tenantId)).toBe(0);
    const full = await record(Array.from({ length: 1000 }, () => ({ tenantId, providerType: "MAP", providerName: "openstreetmap" })));
    expect(full.data?.recordProviderUsage).toEqual({ accepted: 1000, duplicates: 0 });
  });

  test("GraphQL cannot carry NaN or Infinity: such a quantity is refused before the service", async () => {
    const tenantId = tenant("nan");
    const literal = await t.gql(
      `mutation { recordProviderUsage(usage: [{tenantId: "${tenantId}", providerType: MAP, providerName: "openstreetmap", quantity: NaN}]) { accepted } }`,
      undefined,
      admin,
    );
    expect(literal.errors).toBeDefined();
    const raw = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...admin },
      body: `{"query":${JSON.stringify(RECORD)},"variables":{"usage":[{"tenantId":"${tenantId}","providerType":"MAP","providerName":"openstreetmap","quantity":1e999}]}}`,
    });
    const body = (await raw.json()) as { errors?: Array<{ extensions?: { code?: string } }> };
    expect(body.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await rawCount(tenantId)).toBe(0);
  });

  test("one call may name several tenants: all recorded together, or none when one is not granted", async () => {
    const [a, b, c] = [tenant("multi-a"), tenant("multi-b"), tenant("multi-c")];
    const writer = bearer(await tokenFor("svc", [a, b], "usage:write config:read"));
    const both = await record(
      [
        { tenantId: a, providerType: "MAP", providerName: "mapbox_streets", quantity: 2000 },
        { tenantId: b, providerType: "MAP", providerName: "mapbox_streets", quantity: 4000 },
      ],
      writer,
    );
    expect(both.data?.recordProviderUsage).toEqual({ accepted: 2, duplicates: 0 });
    expect((await usageOf(a, hoursAgo(1), hoursAgo(-1), "HOUR", undefined, writer)).data?.providerUsage).toMatchObject([
      { quantity: 2000, estimatedCostUsd: 1 },
    ]);

    const withC = await record(
      [
        { tenantId: a, providerType: "MAP", providerName: "mapbox_streets" },
        { tenantId: c, providerType: "MAP", providerName: "mapbox_streets" },
      ],
      writer,
    );
    expect(codeOf(withC)).toBe("FORBIDDEN");
    expect(await rawCount(a)).toBe(1);
    expect(await rawCount(c)).toBe(0);
  });

  test("a token for tenant A cannot record for, or read, tenant B; recording needs usage:write, reading config:read", async () => {
    const [a, b] = [tenant("iso-a"), tenant("iso-b")];
    const forA = bearer(await tokenFor("a", [a]));
    const one = (tenantId: string) => [{ tenantId, providerType: "WEATHER", providerName: "openweathermap" }];
    expect((await record(one(a), forA)).data?.recordProviderUsage).toEqual({ accepted: 1, duplicates: 0 });
    expect(codeOf(await record(one(b), forA))).toBe("FORBIDDEN");
    expect(await rawCount(b)).toBe(0);
    expect(codeOf(await usageOf(b, hoursAgo(1), hoursAgo(-1), "HOUR", undefined, forA))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(RATE, { t: b, type: "WEATHER", name: "openweathermap" }, forA))).toBe("FORBIDDEN");

    const readOnly = bearer(await tokenFor("reader", [a], "config:read config:write"));
    expect(codeOf(await record(one(a), readOnly))).toBe("FORBIDDEN");
    const writeOnly = bearer(await tokenFor("writer", [a], "usage:write"));
    expect(codeOf(await usageOf(a, hoursAgo(1), hoursAgo(-1), "HOUR", undefined, writeOnly))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(RATE, { t: a, type: "WEATHER", name: "openweathermap" }, writeOnly))).toBe("FORBIDDEN");
  });

  test("the database keeps tenants apart too (row-level security on every usage table)", async () => {
    const [a, b] = [tenant("rls-a"), tenant("rls-b")];
    await record([
      { tenantId: a, providerType: "SMS", providerName: "twilio", idempotencyKey: "k" },
      { tenantId: b, providerType: "SMS", providerName: "twilio", idempotencyKey: "k" },
    ]);
    const unitOfWork = new UnitOfWork(t.app.database.adapter);
    const seen = await unitOfWork.read(onlyTenants(a), async (db) => {
      const counts: Record<string, number> = {};
      for (const table of ["provider_usage_records", "provider_usage_keys", "provider_usage_hours", "provider_usage_minutes"]) {
        const rows = await db.query<{ n: number }>(
          Prisma.sql`SELECT count(*)::int AS n FROM ${Prisma.raw(table)} WHERE tenant_id = ANY(${[a, b]}::text[]) AND tenant_id <> ${a}`,
        );
        counts[table] = rows[0]?.n ?? -1;
      }
      return counts;
    });
    expect(seen).toEqual({ provider_usage_records: 0, provider_usage_keys: 0, provider_usage_hours: 0, provider_usage_minutes: 0 });
    const written = unitOfWork.write(onlyTenants(a), (db) =>
      db.query(Prisma.sql`INSERT INTO provider_usage_hours (tenant_id, hour_start, provider_type, provider_name, quantity, events)
        VALUES (${b}, now(), 'SMS', 'twilio', 1, 1)`),
    );
    await expect(written).rejects.toThrow();
  });

  test("providerUsage: from must be before to; more than 10,000 rows is refused", async () => {
    const tenantId = tenant("range");
    const reversed = await usageOf(tenantId, hoursAgo(0), hoursAgo(1));
    expect(codeOf(reversed)).toBe("BAD_USER_INPUT");
    expect(reversed.errors?.[0]?.extensions?.field).toBe("to");
    expect(codeOf(await usageOf(tenantId, hoursAgo(1), hoursAgo(1)))).toBe("BAD_USER_INPUT");

    // 2 providers × 5,001 hours of buckets, seeded directly.
    await t.asAllTenants((db) =>
      db.query(Prisma.sql`INSERT INTO provider_usage_hours (tenant_id, hour_start, provider_type, provider_name, quantity, events)
        SELECT ${tenantId}, ${iso(hoursAgo(5001))}::timestamptz + h * interval '1 hour', 'MAP', name, 1, 1
        FROM generate_series(0, 5000) AS h, unnest(ARRAY['google_maps', 'openstreetmap']) AS name`),
    );
    const tooMany = await usageOf(tenantId, hoursAgo(6000), hoursAgo(0), "HOUR");
    expect(codeOf(tooMany)).toBe("BAD_USER_INPUT");
    expect(tooMany.errors?.[0]?.message).toMatch(/exceed 10000 rows/);
    const fewer = await usageOf(tenantId, hoursAgo(5001), hoursAgo(1), "HOUR");
    expect(fewer.data?.providerUsage).toHaveLength(10_000);
    const daily = await usageOf(tenantId, hoursAgo(6000), hoursAgo(0), "DAY");
    expect(daily.data?.providerUsage.reduce((sum: number, row: { events: number }) => sum + row.events, 0)).toBe(10_002);
  });

  test("a bucket with more events than GraphQL's Int holds reports the Int maximum; its quantity and cost stay exact", async () => {
    const tenantId = tenant("huge");
    await t.asAllTenants((db) =>
      db.query(Prisma.sql`INSERT INTO provider_usage_hours (tenant_id, hour_start, provider_type, provider_name, quantity, events)
        VALUES (${tenantId}, ${iso(hoursAgo(5))}::timestamptz, 'SMS', 'twilio', 3e9, 3000000000)`),
    );
    const usage = await usageOf(tenantId, hoursAgo(24 * 40), hoursAgo(0), "MONTH");
    expect(usage.errors).toBeUndefined();
    expect(usage.data?.providerUsage).toMatchObject([{ quantity: 3e9, events: 2_147_483_647, estimatedCostUsd: 22_500_000 }]);
  });

  test("rateLimitStatus: this minute's quantity against the catalog limit, resetting at the next minute", async () => {
    const tenantId = tenant("rate");
    const now = Date.now();
    // Too close to a minute boundary, the record and the read could fall in different minutes.
    if (now % 60_000 > 55_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - (now % 60_000) + 50));
    await record([
      { tenantId, providerType: "WEATHER", providerName: "openweathermap", quantity: 12 },
      { tenantId, providerType: "WEATHER", providerName: "openweathermap", quantity: 30 },
      // Earlier minutes do not count.
      { tenantId, providerType: "WEATHER", providerName: "openweathermap", quantity: 100, at: iso(new Date(Date.now() - 3 * 60_000)) },
    ]);
    const status = await t.gql(RATE, { t: tenantId, type: "WEATHER", name: "openweathermap" }, admin);
    const minute = Math.floor(Date.now() / 60_000) * 60_000;
    expect(status.data?.rateLimitStatus).toEqual({
      providerType: "WEATHER",
      providerName: "openweathermap",
      limitPerMinute: 60,
      usedThisMinute: 42,
      remaining: 18,
      resetAt: iso(new Date(minute + 60_000)),
    });
    await record([{ tenantId, providerType: "WEATHER", providerName: "openweathermap", quantity: 30 }]);
    expect((await t.gql(RATE, { t: tenantId, type: "WEATHER", name: "openweathermap" }, admin)).data?.rateLimitStatus).toMatchObject({
      usedThisMinute: 72,
      remaining: 0,
    });
    // No limit in the catalog: null limit and remaining.
    const unlimited = await t.gql(RATE, { t: tenantId, type: "MAP", name: "google_maps" }, admin);
    expect(unlimited.data?.rateLimitStatus).toMatchObject({ limitPerMinute: null, usedThisMinute: 0, remaining: null });
  });

  test("retention purges raw records after 35 days and keys after 7, in batches, keeping the buckets", async () => {
    const tenantId = tenant("retention");
    await record(
      Array.from({ length: 30 }, (_, i) => ({
        tenantId,
        providerType: "SMS",
        providerName: "unifonic",
        at: iso(hoursAgo(3)),
        idempotencyKey: `r-${i}`,
      })),
    );
    // Age 20 of them past 35 days, and 20 keys past 7 days.
    await t.asAllTenants(async (db) => {
      await db.query(Prisma.sql`UPDATE provider_usage_records SET recorded_at = now() - interval '36 days'
        WHERE seq IN (SELECT seq FROM provider_usage_records WHERE tenant_id = ${tenantId} ORDER BY seq LIMIT 20)`);
      await db.query(Prisma.sql`UPDATE provider_usage_keys SET recorded_at = now() - interval '8 days'
        WHERE (tenant_id, idempotency_key) IN (SELECT tenant_id, idempotency_key FROM provider_usage_keys WHERE tenant_id = ${tenantId}
          ORDER BY idempotency_key LIMIT 20)`);
    });
    const retention = new UsageRetention({
      unitOfWork: new UnitOfWork(t.app.database.adapter),
      repository: new UsageRepository(),
      logger: t.app.logger,
      intervalMinutes: 0,
      batchSize: 7,
    });
    const run = await retention.purgeExpired();
    expect(run.skipped).toBe(false);
    expect(run.records).toBeGreaterThanOrEqual(20);
    expect(run.keys).toBeGreaterThanOrEqual(20);
    expect(await rawCount(tenantId)).toBe(10);
    const keys = await t.asAllTenants((db) =>
      db.query<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM provider_usage_keys WHERE tenant_id = ${tenantId}`),
    );
    expect(keys[0]?.n).toBe(10);
    // The buckets keep every record.
    expect((await usageOf(tenantId, hoursAgo(4), hoursAgo(0), "HOUR")).data?.providerUsage).toMatchObject([{ quantity: 30, events: 30 }]);
  });

  test("metrics count accepted records and duplicates per provider type", async () => {
    const tenantId = tenant("metrics");
    const one = { tenantId, providerType: "SATELLITE", providerName: "sentinel_hub", quantity: 12.5, idempotencyKey: "scene-1" };
    await record([one, one]);
    const text = await (await fetch(`${t.url}/metrics`)).text();
    expect(text).toMatch(/pcs_usage_records_total\{provider_type="SATELLITE",outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/pcs_usage_records_total\{provider_type="SATELLITE",outcome="duplicate"\} [1-9]/);
  });
});

// rateLimitStatus's hot minute in Redis (one INCRBYFLOAT per tenant, provider and minute, hash-tagged by tenant), the
// database as the truth when Redis is down; and the retention job running on one instance at a time.
import { createServer } from "node:net";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { UsageRepository } from "../src/modules/usage/usage.repository.js";
import { UsageRetention } from "../src/modules/usage/usage.retention.js";
import { hasPostgres, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

const RECORD = `mutation($usage: [ProviderUsageInput!]!) { recordProviderUsage(usage: $usage) { accepted duplicates } }`;
const RATE = `query($t: String!) { rateLimitStatus(tenantId: $t, providerType: WEATHER, providerName: "weather_api") { usedThisMinute remaining } }`;

/** Waits, if needed, so that the next few seconds stay within one UTC minute. */
async function awayFromMinuteEnd(): Promise<number> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < 5_000) await new Promise((resolve) => setTimeout(resolve, left + 50));
  return Math.floor(Date.now() / 60_000);
}

describe.skipIf(!hasRedis())("with Redis", () => {
  const prefix = redisPrefix("usage");
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await startTestApp({ env: redisEnv(prefix) });
    redis = new Redis(inject("redisUrl") as string);
  });
  afterAll(async () => {
    await t?.stop();
    redis?.disconnect();
  });

  test("a batch adds to the tenant's per-minute counter in Redis, which rateLimitStatus reads", async () => {
    const tenantId = tenant("redis-rate");
    const minute = await awayFromMinuteEnd();
    await expect.poll(async () => (await t.gql(RATE, { t: tenantId })).data?.rateLimitStatus.usedThisMinute).toBe(0);
    const usage = [
      { tenantId, providerType: "WEATHER", providerName: "weather_api", quantity: 7 },
      { tenantId, providerType: "WEATHER", providerName: "weather_api", quantity: 3.5 },
    ];
    expect((await t.gql(RECORD, { usage })).data?.recordProviderUsage).toEqual({ accepted: 2, duplicates: 0 });
    const key = `${prefix}usage:{${tenantId}}:rate:WEATHER:weather_api:${minute}`;
    expect(Number(await redis.get(key))).toBe(10.5);
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3 * 60_000);
    // Read from Redis: a change made there shows.
    await redis.incrbyfloat(key, 1);
    expect((await t.gql(RATE, { t: tenantId })).data?.rateLimitStatus).toEqual({ usedThisMinute: 11.5, remaining: 88.5 });
    // Duplicates add nothing.
    const keyed = [{ ...usage[0], idempotencyKey: "once" }];
    await t.gql(RECORD, { usage: keyed });
    await t.gql(RECORD, { usage: keyed });
    expect(Number(await redis.get(key))).toBe(18.5);
  });
});

describe("with Redis configured but down", () => {
  let t: TestApp;
  beforeAll(async () => {
    // A port nothing listens on: every Redis command fails at once.
    const port = await closedPort();
    t = await startTestApp({ env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(() => t?.stop());

  test("recording works and rateLimitStatus answers from the database", async () => {
    const tenantId = tenant("redis-down");
    await awayFromMinuteEnd();
    const usage = [{ tenantId, providerType: "WEATHER", providerName: "weather_api", quantity: 40 }];
    expect((await t.gql(RECORD, { usage })).data?.recordProviderUsage).toEqual({ accepted: 1, duplicates: 0 });
    expect((await t.gql(RATE, { t: tenantId })).data?.rateLimitStatus).toEqual({ usedThisMinute: 40, remaining: 60 });
  });
});

describe.skipIf(!hasPostgres())("the retention job on PostgreSQL", () => {
  let drop: (() => Promise<void>) | undefined;
  let t: TestApp | undefined;
  let holder: pg.Client | undefined;
  afterAll(async () => {
    await holder?.end();
    await t?.stop();
    await drop?.();
  });

  test("skips its run while another instance holds the lock, and purges once it is free", async () => {
    const scratch = await createScratchDatabase("pcs_usage_retention");
    drop = scratch.drop;
    t = await startTestApp({ env: { DATABASE_URL: scratch.url } });
    const tenantId = tenant("lock");
    await t.gql(RECORD, { usage: [{ tenantId, providerType: "MAP", providerName: "openstreetmap" }] });
    const app = t;
    await app.asAllTenants((db) => db.query(Prisma.sql`UPDATE provider_usage_records SET recorded_at = now() - interval '40 days'`));
    const retention = new UsageRetention({
      unitOfWork: new UnitOfWork(app.app.database.adapter),
      repository: new UsageRepository(),
      logger: app.app.logger,
      intervalMinutes: 0,
    });
    // Another instance in the middle of a batch: it holds the transaction-scoped lock until it commits.
    holder = new pg.Client({ connectionString: scratch.url });
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT pg_advisory_xact_lock($1::int, 0)", [0x70637302]);
    expect(await retention.purgeExpired()).toEqual({ records: 0, keys: 0, minutes: 0, skipped: true });
    await holder.query("COMMIT");
    expect(await retention.purgeExpired()).toMatchObject({ records: 1, skipped: false });
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

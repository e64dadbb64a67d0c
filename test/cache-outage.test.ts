// Redis stopped, paused and restarted with its old data while writes go on (SPEC.md §5): every request still
// succeeds from the database, and no instance ever serves a value older than an acknowledged write.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type PrivateRedis, redisServerAvailable, startPrivateRedis } from "./support/redis-server.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version } }`;
const READ = `query Read($t: String!) { providerConfigs(tenantId: $t) { version configData } }`;

// Two instances must share one database: that takes PostgreSQL (each PGlite instance is a database of its own).
describe.skipIf(!redisServerAvailable() || !hasPostgres())("with a private redis-server", () => {
  let redis: PrivateRedis;
  let a: TestApp;
  let b: TestApp;
  const tenantId = tenant("outage");
  const key = { tenantId, providerType: "SMS", providerName: "twilio", enabled: false };
  let round = 0;

  /** Reads on both instances: each read must show exactly the last acknowledged write. */
  async function readEverywhere(): Promise<void> {
    for (const instance of [b, a, b]) {
      const read = await instance.gql(READ, { t: tenantId });
      expect(read.errors).toBeUndefined();
      expect(read.data?.providerConfigs).toEqual([{ version: round, configData: { round } }]);
    }
  }

  async function writeThenReadEverywhere(): Promise<void> {
    round++;
    const written = await a.gql(UPSERT, { input: { ...key, configData: { round } } });
    expect(written.errors).toBeUndefined();
    await readEverywhere();
  }

  /** Only reads for a while (no write would move the generation on), then writes and reads again. */
  async function readsThenWrites(ms: number): Promise<void> {
    const readUntil = Date.now() + ms;
    while (Date.now() < readUntil) await readEverywhere();
    const writeUntil = Date.now() + ms;
    while (Date.now() < writeUntil) await writeThenReadEverywhere();
  }

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const env = { REDIS_URL: redis.url };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
    for (let i = 0; i < 5; i++) await writeThenReadEverywhere();
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.dispose();
  });

  test("the cache is in use before the outage", async () => {
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/pcs_cache_requests_total\{[^}]*result="hit"[^}]*\} [1-9]/);
  });

  test("stopped: requests succeed from the database; restarted with its old data: nothing stale", async () => {
    const before = await redis.client().dbsize();
    expect(before).toBeGreaterThan(0);
    await redis.stop();
    for (let i = 0; i < 5; i++) await writeThenReadEverywhere();
    await redis.start();
    expect(await redis.client().dbsize()).toBeGreaterThanOrEqual(before); // the old data is back
    await readsThenWrites(2500); // across the instances' reconnects and retry periods
  });

  test("paused (SIGSTOP) and resumed: requests succeed, nothing stale", async () => {
    redis.pause();
    try {
      for (let i = 0; i < 4; i++) await writeThenReadEverywhere();
    } finally {
      redis.resume();
    }
    await readsThenWrites(2500);
  });

  test("the cache is used again after the outages", async () => {
    const hits = async () => {
      const text = await (await fetch(`${b.url}/metrics`)).text();
      return [...text.matchAll(/pcs_cache_requests_total\{[^}]*result="hit"[^}]*\} (\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
    };
    const start = await hits();
    await b.gql(READ, { t: tenantId });
    await b.gql(READ, { t: tenantId });
    expect(await hits()).toBeGreaterThan(start);
  });
});

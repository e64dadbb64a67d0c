// Redis behind Sentinel (SPEC.md §14): two instances find the master through a private Sentinel, every read after
// an acknowledged write sees it, across a fail-over too (the instances distrust the cache until they have replaced
// the epoch, so they read the database meanwhile), and the cache is back in use after it.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { REDIS_CONNECTION_NAME } from "../src/infra/cache/redis.js";
import { hasPostgres, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type PrivateSentinelGroup, redisServerAvailable, startPrivateSentinelGroup } from "./support/redis-server.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version } }`;
const READ = `query Read($t: String!) { providerConfigs(tenantId: $t) { version configData } }`;

// Two instances must share one database: that takes PostgreSQL (each PGlite instance is a database of its own).
describe.skipIf(!redisServerAvailable() || !hasPostgres())("with a private Sentinel, a master and a replica", () => {
  let group: PrivateSentinelGroup;
  let a: TestApp;
  let b: TestApp;
  const tenantId = tenant("sentinel");
  const key = { tenantId, providerType: "SMS", providerName: "twilio", enabled: false };
  let round = 0;

  /** Writes on A, then reads on B and A: each read must show exactly the acknowledged write. */
  async function writeThenReadEverywhere(): Promise<void> {
    round++;
    const written = await a.gql(UPSERT, { input: { ...key, configData: { round } } });
    expect(written.errors).toBeUndefined();
    expect(written.data?.upsertProviderConfig.version).toBe(round);
    for (const instance of [b, a, b]) {
      const read = await instance.gql(READ, { t: tenantId });
      expect(read.errors).toBeUndefined();
      expect(read.data?.providerConfigs).toEqual([{ version: round, configData: { round } }]);
    }
  }

  const cacheState = async (instance: TestApp) => ((await (await fetch(`${instance.url}/readyz`)).json()) as { cache: string }).cache;

  beforeAll(async () => {
    group = await startPrivateSentinelGroup();
    const env = { REDIS_SENTINELS: group.sentinels, REDIS_SENTINEL_NAME: group.name, REDIS_KEY_PREFIX: redisPrefix("sentinel") };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await group?.dispose();
  });

  test("both instances use the master found through the Sentinel; reads are fresh", async () => {
    for (let i = 0; i < 5; i++) await writeThenReadEverywhere();
    await expect.poll(() => Promise.all([cacheState(a), cacheState(b)])).toEqual(["redis: up", "redis: up"]);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toMatch(/pcs_cache_requests_total\{[^}]*result="hit"[^}]*\} [1-9]/);
  });

  test("across a fail-over: every read is fresh, and the cache is back up afterwards", async () => {
    const before = await group.masterPort();
    await group.failover();
    expect(await group.masterPort()).not.toBe(before);
    for (let i = 0; i < 10; i++) await writeThenReadEverywhere();
    await expect
      .poll(async () => {
        await writeThenReadEverywhere();
        return Promise.all([cacheState(a), cacheState(b)]);
      })
      .toEqual(["redis: up", "redis: up"]);
    for (let i = 0; i < 5; i++) await writeThenReadEverywhere();
    // The instances followed the Sentinel to the promoted server.
    const clients = (await (await group.masterClient()).client("LIST")) as string;
    expect(clients).toContain(`name=${REDIS_CONNECTION_NAME}:`);
  });
});

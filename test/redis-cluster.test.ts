// Redis Cluster (SPEC.md §14): two instances share a private three-master Cluster. Every read after an
// acknowledged write sees it on the other instance (configs, configs by type, whole responses, health results);
// the cache is really used, on several nodes; and a node that dies and comes back empty costs the instances their
// trust in the cache (they read the database meanwhile), never a stale read.
import type { Cluster } from "ioredis";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";
import { type PrivateCluster, redisCliAvailable, redisServerAvailable, startPrivateCluster } from "./support/redis-server.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version } }`;
// Each read asks the same tenant three ways: whole, by type, and grouped.
const READ = `query Read($t: String!) {
  all: providerConfigs(tenantId: $t) { providerType providerName version configData }
  sms: providerConfigs(tenantId: $t, providerType: SMS, enabled: false) { providerName version configData }
  grouped: tenantConfig(tenantId: $t) { isDefault smsProviders { providerName version } }
}`;

// Another shape over the same tenant: no whole-response hit, so it is answered from the tenant's cached values.
const READ_SMS = `query ReadSms($t: String!) { providerConfigs(tenantId: $t, providerType: SMS) { version } }`;

// Two instances must share one database: that takes PostgreSQL (each PGlite instance is a database of its own).
describe.skipIf(!redisServerAvailable() || !redisCliAvailable() || !hasPostgres())("with a private three-master Redis Cluster", () => {
  let cluster: PrivateCluster;
  let redis: Cluster;
  let upstream: FakeProviderServer;
  let a: TestApp;
  let b: TestApp;
  const prefix = redisPrefix("cluster");
  /** Tenants whose cache keys are on every node (chosen by hash slot in beforeAll). */
  const tenants: string[] = [];
  const rounds = new Map<string, number>();

  /** Writes on one instance, then reads on both, twice each (the second read of a text is a whole-response hit). */
  async function writeThenReadEverywhere(tenantId: string, writer: TestApp, reader: TestApp): Promise<void> {
    const round = (rounds.get(tenantId) ?? 0) + 1;
    rounds.set(tenantId, round);
    const written = await writer.gql(UPSERT, {
      input: { tenantId, providerType: "SMS", providerName: "twilio", enabled: false, configData: { round } },
    });
    expect(written.errors).toBeUndefined();
    expect(written.data?.upsertProviderConfig.version).toBe(round);
    for (const instance of [reader, reader, writer, writer]) {
      const read = await instance.gql(READ, { t: tenantId });
      expect(read.errors).toBeUndefined();
      expect(read.data).toEqual({
        all: [
          { providerType: "MAP", providerName: "openstreetmap", version: 1, configData: {} },
          { providerType: "SMS", providerName: "twilio", version: round, configData: { round } },
        ],
        sms: [{ providerName: "twilio", version: round, configData: { round } }],
        grouped: { isDefault: false, smsProviders: [{ providerName: "twilio", version: round }] },
      });
    }
    for (const instance of [reader, writer]) {
      expect((await instance.gql(READ_SMS, { t: tenantId })).data?.providerConfigs).toEqual([{ version: round }]);
    }
  }

  const cacheState = async (instance: TestApp) => ((await (await fetch(`${instance.url}/readyz`)).json()) as { cache: string }).cache;
  const cacheHits = async (instance: TestApp, cache: string) => {
    const text = await (await fetch(`${instance.url}/metrics`)).text();
    return Number(text.match(new RegExp(`^pcs_cache_requests_total\\{cache="${cache}",result="hit"\\} (\\d+)$`, "m"))?.[1] ?? 0);
  };

  beforeAll(async () => {
    cluster = await startPrivateCluster();
    redis = cluster.client();
    upstream = await startFakeProvider();
    // Tenants until every node holds one: the node serving a key's hash slot, as the Cluster reports it.
    const shards = await redis.cluster("SLOTS");
    const nodeOf = async (key: string) => {
      const slot = Number(await redis.cluster("KEYSLOT", key));
      return shards.find(([from, to]) => slot >= from && slot <= to)?.[2]?.[1];
    };
    const covered = new Set<number | undefined>();
    while (covered.size < 3) {
      const candidate = tenant("cluster");
      const port = await nodeOf(`${prefix}t:{${candidate}}`);
      if (covered.has(port)) continue;
      covered.add(port);
      tenants.push(candidate);
    }
    const env = { REDIS_CLUSTER_NODES: cluster.nodes, REDIS_KEY_PREFIX: prefix, PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
    for (const tenantId of tenants) {
      const created = await a.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
      expect(created.errors).toBeUndefined();
    }
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await upstream?.close();
    await cluster?.dispose();
  });

  test("writes on either instance are read fresh on the other; the cache is used, on every node", async () => {
    for (let i = 0; i < 3; i++) {
      for (const tenantId of tenants) {
        await writeThenReadEverywhere(tenantId, a, b);
        await writeThenReadEverywhere(tenantId, b, a);
      }
    }
    expect(await Promise.all([cacheState(a), cacheState(b)])).toEqual(["redis: up", "redis: up"]);
    for (const instance of [a, b]) {
      expect(await cacheHits(instance, "configs")).toBeGreaterThan(0);
      expect(await cacheHits(instance, "responses")).toBeGreaterThan(0);
    }
    // Each tenant's cache key is on its own node, with its types as fields.
    for (const master of redis.nodes("master")) expect(await master.keys(`${prefix}t:*`)).toHaveLength(1);
    expect(await redis.hkeys(`${prefix}t:{${tenants[0]}}`)).toEqual(expect.arrayContaining(["g", "MAP", "SMS"]));
  });

  test("a health result recorded by one instance is read by the other", async () => {
    const checked = await a.gql(
      `mutation { checkProviderHealth(input: { providerType: MAP, providerName: "openstreetmap" }) { status checkedAt } }`,
    );
    expect(checked.errors).toBeUndefined();
    const read = await b.gql(`{ providerHealth(providerType: MAP, providerName: "openstreetmap") { status checkedAt } }`);
    expect(read.data?.providerHealth).toEqual(checked.data?.checkProviderHealth);
  });

  test("a node that dies and comes back empty: every read stays fresh, and the cache is back up afterwards", async () => {
    for (let index = 0; index < cluster.ports.length; index++) {
      const epoch = await redis.get(`${prefix}epoch`);
      const restarted = cluster.restart(index);
      // Writes and reads of every tenant, on both instances, while the node is down and while it rejoins.
      for (const tenantId of tenants) await writeThenReadEverywhere(tenantId, a, b);
      await restarted;
      for (const tenantId of tenants) await writeThenReadEverywhere(tenantId, b, a);
      // The lost node was noticed: an instance distrusted the cache and, to trust it again, replaced the epoch.
      await expect
        .poll(async () => {
          await writeThenReadEverywhere(tenants[index] as string, a, b);
          return redis.get(`${prefix}epoch`);
        })
        .not.toBe(epoch);
    }
    await expect
      .poll(async () => {
        for (const tenantId of tenants) await writeThenReadEverywhere(tenantId, a, b);
        return Promise.all([cacheState(a), cacheState(b)]);
      })
      .toEqual(["redis: up", "redis: up"]);
    const hitsBefore = await cacheHits(b, "configs");
    for (const tenantId of tenants) await writeThenReadEverywhere(tenantId, a, b);
    expect(await cacheHits(b, "configs")).toBeGreaterThan(hitsBefore);
  });
});

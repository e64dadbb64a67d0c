// The shared cache (SPEC.md §5) with the real Redis: two instances, every read after an acknowledged write sees
// it; a reader racing a write cannot put the old value back; the cache never holds a credential.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { CacheDependencies } from "../src/infra/cache/dependencies.js";
import { RedisCache } from "../src/infra/cache/redis-cache.js";
import type { ProviderConfigRecord } from "../src/modules/provider-config/provider-config.model.js";
import { CachedTenantConfigSource, type TenantConfigDatabase } from "../src/modules/provider-config/provider-config.source.js";
import { hasPostgres, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version configData } }`;
const READ = `query Dashboard($t: String!) { providerConfigs(tenantId: $t) { providerName version configData }
  tenantConfig(tenantId: $t) { isDefault weatherProviders { providerName version } } }`;

describe.skipIf(!hasRedis() || !hasPostgres())("two instances sharing PostgreSQL and Redis", () => {
  const prefix = redisPrefix("cache");
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await Promise.all([startTestApp({ env: redisEnv(prefix) }), startTestApp({ env: redisEnv(prefix), countQueries: true })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("a write on A is seen by the next read on B, every time", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" };
    for (let i = 1; i <= 150; i++) {
      const written = await a.gql(UPSERT, { input: { ...key, configData: { round: i } } });
      expect(written.data?.upsertProviderConfig.version).toBe(i);
      const [onB, onA] = await Promise.all([b.gql(READ, { t: tenantId }), a.gql(READ, { t: tenantId })]);
      for (const read of [onB, onA]) {
        expect(read.data?.providerConfigs).toEqual([{ providerName: "open_meteo", version: i, configData: { round: i } }]);
        expect(read.data?.tenantConfig.weatherProviders).toEqual([{ providerName: "open_meteo", version: i }]);
      }
    }
  });

  test("a repeated read is answered from the cache without touching the database", async () => {
    const tenantId = tenant();
    await a.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    const first = await b.gql(READ, { t: tenantId });
    b.queries.length = 0;
    const again = await b.gql(READ, { t: tenantId });
    expect(again.data).toEqual(first.data);
    expect(b.queries).toEqual([]);
    await a.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" } });
    const changed = await b.gql(READ, { t: tenantId });
    expect(changed.data?.providerConfigs[0].version).toBe(2);
  });

  test("a response says no-store to HTTP caches, whether executed or served from the response cache", async () => {
    const tenantId = tenant();
    await a.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    const send = () =>
      fetch(`${b.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: READ, variables: { t: tenantId } }),
      });
    const executed = await send();
    await executed.text();
    b.queries.length = 0;
    const served = await send();
    expect(await served.json()).toMatchObject({ data: { providerConfigs: [{ providerName: "openstreetmap" }] } });
    expect(b.queries).toEqual([]);
    for (const response of [executed, served]) expect(response.headers.get("cache-control")).toBe("no-store");
  });

  test("neither Redis nor the cache ever holds a credential", async () => {
    const tenantId = tenant();
    const apiKey = "sk_live_NEVER_IN_REDIS_4242";
    const apiSecret = "whsec_NEVER_IN_REDIS_2424";
    await a.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey, apiSecret } });
    await b.gql(READ, { t: tenantId });
    await b.gql(`query($t: String!) { providerConfigs(tenantId: $t) { id apiKeyHint hasApiKey hasApiSecret provider { name } } }`, {
      t: tenantId,
    });
    const redis = new Redis(inject("redisUrl") as string);
    try {
      const keys = await redis.keys(`${prefix}*`);
      expect(keys.length).toBeGreaterThan(0);
      for (const key of keys) {
        const type = await redis.type(key);
        const value = type === "string" ? await redis.get(key) : JSON.stringify(await redis.hgetall(key));
        expect(value).not.toContain(apiKey);
        expect(value).not.toContain(apiSecret);
        expect(value).not.toMatch(/"v1\.[A-Za-z0-9_-]+\./);
      }
    } finally {
      redis.disconnect();
    }
  });
});

describe.skipIf(!hasRedis())("a reader racing a write", () => {
  const prefix = redisPrefix("race");
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject("redisUrl") as string);
  });
  afterAll(() => redis.disconnect());

  const record = (version: number): ProviderConfigRecord => ({
    id: "00000000-0000-4000-8000-000000000001",
    tenantId: "race",
    providerType: "MAP",
    providerName: "openstreetmap",
    priority: "PRIMARY",
    enabled: true,
    configData: { version },
    hasApiKey: false,
    hasApiSecret: false,
    apiKeyHint: null,
    secretFields: [],
    version,
    createdAt: new Date(0),
    updatedAt: new Date(version),
    createdBy: null,
    updatedBy: null,
  });

  test("cannot put the old value back: the next reader sees the write", async () => {
    const cache = new RedisCache(redis, { ttlSeconds: 60, keyPrefix: prefix });
    let stored = 1;
    let releaseReader: () => void = () => {};
    const readerMayFinish = new Promise<void>((resolve) => {
      releaseReader = resolve;
    });
    // The slow reader reads the database before the write commits, and finishes after it.
    let readerInDatabase: () => void = () => {};
    const readerReadDatabase = new Promise<void>((resolve) => {
      readerInDatabase = resolve;
    });
    const slowDatabase: TenantConfigDatabase = {
      async loadTenants(tenantIds) {
        const seen = stored;
        readerInDatabase();
        await readerMayFinish;
        return new Map(tenantIds.map((id) => [id, [record(seen)]]));
      },
    };
    const database: TenantConfigDatabase = { loadTenants: async (tenantIds) => new Map(tenantIds.map((id) => [id, [record(stored)]])) };
    const slow = new CachedTenantConfigSource(slowDatabase, cache);
    const fresh = new CachedTenantConfigSource(database, cache);
    const tenantId = tenant("race");

    const dependencies = new CacheDependencies();
    const racing = slow.load([{ tenantId }], dependencies);
    await readerReadDatabase; // it has read the cache's generation, then the database ...
    stored = 2; // the write commits ...
    await fresh.configsChanged(tenantId); // ... and invalidates before it is acknowledged
    releaseReader();
    expect((await racing)[0]?.[0]?.version).toBe(1); // the racing reader's own answer is old, as it started first
    await cache.writeResponse("racing-response", dependencies.epoch, dependencies.list, "old body");
    await new Promise((resolve) => setTimeout(resolve, 50)); // let its cache write land

    expect((await fresh.load([{ tenantId }]))[0]?.[0]?.version).toBe(2);
    expect((await fresh.load([{ tenantId, providerType: "MAP" }]))[0]?.[0]?.version).toBe(2);
    expect(await cache.readResponse("racing-response")).toBeNull();
  });
});

describe.skipIf(!hasRedis())("a stored response", () => {
  const prefix = redisPrefix("response");
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject("redisUrl") as string);
  });
  afterAll(() => redis.disconnect());

  test("is served, as the bytes stored, only while its epoch and every tenant's generation are current", async () => {
    const cache = new RedisCache(redis, { ttlSeconds: 60, keyPrefix: prefix });
    const [first, second] = [tenant("response-1"), tenant("response-2")];
    const read = await cache.read([first, second].map((key) => ({ key, fields: [] })));
    if (!read) throw new Error("Redis should be usable");
    const dependencies = read.entries.map((entry, index) => ({ key: [first, second][index] as string, generation: entry.generation }));
    const body = `{"data":{"name":"Zürich\\n"}}\n`;
    await cache.writeResponse("both", read.epoch, dependencies, body);
    await cache.writeResponse("catalog", null, [], "catalog\n");
    expect((await cache.readResponse("both"))?.toString("utf8")).toBe(body);

    await cache.invalidate([second]);
    expect(await cache.readResponse("both")).toBeNull();

    await cache.writeResponse("first", read.epoch, dependencies.slice(0, 1), body);
    expect((await cache.readResponse("first"))?.toString("utf8")).toBe(body);
    await redis.set(`${prefix}epoch`, "replaced"); // what another instance's recovery does
    expect(await cache.readResponse("first")).toBeNull();
    // Depends on nothing that changes (catalog facts): no epoch, no generation to check.
    expect((await cache.readResponse("catalog"))?.toString("utf8")).toBe("catalog\n");
  });

  test("read by another instance: one script once it knows the tenants, the two-step read when they change", async () => {
    // The reader has a connection of its own, so that the commands it sends can be counted.
    const readerRedis = new Redis(inject("redisUrl") as string);
    const sent: string[] = [];
    const send = readerRedis.sendCommand.bind(readerRedis);
    readerRedis.sendCommand = (command, stream) => {
      sent.push(command.name);
      return send(command, stream);
    };
    const writer = new RedisCache(redis, { ttlSeconds: 60, keyPrefix: prefix });
    const reader = new RedisCache(readerRedis, { ttlSeconds: 60, keyPrefix: prefix });
    const [first, second] = [tenant("shared-1"), tenant("shared-2")];
    await reader.read([]); // a new instance replaces the epoch before it trusts Redis: let it do so first
    const read = await writer.read([first, second].map((key) => ({ key, fields: [] })));
    if (!read) throw new Error("Redis should be usable");
    const [one, two] = read.entries.map((entry, index) => ({ key: [first, second][index] as string, generation: entry.generation }));
    if (!one || !two) throw new Error("two tenants were read");
    const commands = async (work: () => Promise<unknown>): Promise<string[]> => {
      sent.length = 0;
      await work();
      return [...sent];
    };

    await writer.writeResponse("shared", read.epoch, [one], "one tenant");
    // The reader has never seen it: the script answers "other tenants", then the two-step read serves it.
    expect((await reader.readResponse("shared"))?.toString()).toBe("one tenant");
    const bodies: Array<Buffer | null> = [];
    expect(await commands(async () => bodies.push(await reader.readResponse("shared")))).toEqual(["evalsha"]);
    expect(bodies[0]?.toString()).toBe("one tenant");

    // Rebuilt from other tenants: the declared keys no longer match, and the reader still checks every generation.
    await writer.writeResponse("shared", read.epoch, [one, two], "two tenants");
    expect((await reader.readResponse("shared"))?.toString()).toBe("two tenants");
    await writer.invalidate([second]);
    expect(await reader.readResponse("shared")).toBeNull();
    readerRedis.disconnect();
  });
});

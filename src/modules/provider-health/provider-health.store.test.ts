// The same contract for both stores; the Redis one against the real Redis, under a key prefix of its own.
import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, beforeEach, describe, expect, inject, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { type ProviderHealthRecord, ProviderStatus } from "./provider-health.model.js";
import { RedisProviderHealthStore } from "./provider-health.redis-store.js";
import { InMemoryProviderHealthStore, type ProviderHealthStore } from "./provider-health.store.js";
import { captureLogger } from "./provider-health.test-support.js";

// The machine's Redis as the test run found it (test/global-setup.ts); the Redis cases are skipped without one.
const REDIS_URL = inject("redisUrl");
const prefix = `pcs-test:${randomBytes(4).toString("hex")}:`;
const redis = new Redis(REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true });

afterAll(async () => {
  if (!REDIS_URL) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

/** The stores' clock: ten minutes after the results below were checked, within the default 900 s TTL. */
const NOW = Date.parse("2025-03-01T10:10:00.000Z");
let now = NOW;
const clock = () => now;

const result = (providerName: string, status: ProviderStatus, checkedAt = new Date("2025-03-01T10:00:00.000Z")): ProviderHealthRecord => ({
  providerType: ProviderType.WEATHER,
  providerName,
  status,
  checkedAt,
  responseTimeMs: status === ProviderStatus.AVAILABLE ? 12.5 : null,
  errorMessage: status === ProviderStatus.AVAILABLE ? null : "HTTP 500",
});

const stores: Array<[string, () => ProviderHealthStore]> = [
  ["in memory", (): ProviderHealthStore => new InMemoryProviderHealthStore({ now: clock })],
];
if (REDIS_URL) {
  stores.push([
    "Redis",
    (): ProviderHealthStore =>
      new RedisProviderHealthStore(redis, {
        keyPrefix: `${prefix}${randomBytes(3).toString("hex")}:`,
        logger: captureLogger(),
        now: clock,
      }),
  ]);
}

describe.each(stores)("%s health store", (_name, createStore) => {
  beforeEach(() => {
    now = NOW;
  });

  it("gives null for a provider never checked, and the last result once checked", async () => {
    const store = createStore();
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    await store.record(result("open_meteo", ProviderStatus.UNAVAILABLE));
    const latest = result("open_meteo", ProviderStatus.AVAILABLE, new Date("2025-03-01T10:05:00.000Z"));
    await store.record(latest);
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toEqual(latest);
    expect(await store.get(ProviderType.MAP, "open_meteo")).toBeNull();
  });

  it("reads many providers of one type at once, leaving out those never checked", async () => {
    const store = createStore();
    await store.record(result("open_meteo", ProviderStatus.AVAILABLE));
    await store.record(result("weather_api", ProviderStatus.UNAVAILABLE));
    const found = await store.getMany(ProviderType.WEATHER, ["open_meteo", "weather_api", "visual_crossing"]);
    expect([...found.keys()].sort()).toEqual(["open_meteo", "weather_api"]);
    expect(found.get("weather_api")?.status).toBe(ProviderStatus.UNAVAILABLE);
    expect((await store.getMany(ProviderType.WEATHER, [])).size).toBe(0);
  });

  it("reads a result older than the TTL (900 s by default, from checkedAt) as never checked", async () => {
    const store = createStore();
    await store.record(result("open_meteo", ProviderStatus.UNAVAILABLE, new Date("2025-03-01T10:00:00.000Z")));
    await store.record(result("weather_api", ProviderStatus.UNAVAILABLE, new Date("2025-03-01T10:05:00.000Z")));
    now = Date.parse("2025-03-01T10:14:59.000Z");
    expect((await store.getMany(ProviderType.WEATHER, ["open_meteo", "weather_api"])).size).toBe(2);
    now = Date.parse("2025-03-01T10:15:00.000Z");
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect([...(await store.getMany(ProviderType.WEATHER, ["open_meteo", "weather_api"])).keys()]).toEqual(["weather_api"]);
    now = Date.parse("2025-03-01T10:20:00.000Z");
    expect(await store.get(ProviderType.WEATHER, "weather_api")).toBeNull();
    // A new check counts again.
    const again = result("open_meteo", ProviderStatus.AVAILABLE, new Date("2025-03-01T10:19:00.000Z"));
    await store.record(again);
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toEqual(again);
  });
});

describe("in-memory health store", () => {
  it("takes the TTL it is given", async () => {
    now = NOW;
    const store = new InMemoryProviderHealthStore({ ttlSeconds: 60, now: clock });
    await store.record(result("open_meteo", ProviderStatus.AVAILABLE, new Date(NOW - 59_000)));
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).not.toBeNull();
    now = NOW + 1000;
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
  });
});

describe.skipIf(!REDIS_URL)("Redis health store", () => {
  beforeEach(() => {
    now = NOW;
  });

  it("keeps one hash per type, so another instance sees the result", async () => {
    const options = { keyPrefix: `${prefix}shared:`, logger: captureLogger(), now: clock };
    await new RedisProviderHealthStore(redis, options).record(result("open_meteo", ProviderStatus.AVAILABLE));
    expect(await redis.hkeys(`${prefix}shared:health:WEATHER`)).toEqual(["open_meteo"]);
    expect((await new RedisProviderHealthStore(redis, options).get(ProviderType.WEATHER, "open_meteo"))?.status).toBe(
      ProviderStatus.AVAILABLE,
    );
  });

  it("reads an unreadable value as never checked", async () => {
    const store = new RedisProviderHealthStore(redis, { keyPrefix: `${prefix}bad:`, logger: captureLogger(), now: clock });
    await redis.hset(`${prefix}bad:health:WEATHER`, "open_meteo", "{not json", "weather_api", JSON.stringify({ status: "MAYBE" }));
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect((await store.getMany(ProviderType.WEATHER, ["open_meteo", "weather_api"])).size).toBe(0);
  });

  it("gives the hash a key expiry of the TTL, renewed by each record, so it cannot live forever", async () => {
    const store = new RedisProviderHealthStore(redis, { keyPrefix: `${prefix}ttl:`, logger: captureLogger(), ttlSeconds: 120 });
    const key = `${prefix}ttl:health:WEATHER`;
    await store.record(result("open_meteo", ProviderStatus.AVAILABLE, new Date()));
    const first = await redis.ttl(key);
    expect(first).toBeGreaterThan(110);
    expect(first).toBeLessThanOrEqual(120);
    await redis.expire(key, 5);
    await store.record(result("weather_api", ProviderStatus.AVAILABLE, new Date()));
    expect(await redis.ttl(key)).toBeGreaterThan(110);
  });

  it("lets the hash disappear once nothing was recorded for the TTL", async () => {
    const store = new RedisProviderHealthStore(redis, { keyPrefix: `${prefix}gone:`, logger: captureLogger(), ttlSeconds: 1 });
    await store.record(result("open_meteo", ProviderStatus.UNAVAILABLE, new Date()));
    expect(await redis.exists(`${prefix}gone:health:WEATHER`)).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await redis.exists(`${prefix}gone:health:WEATHER`)).toBe(0);
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
  });

  it("never throws when Redis is down: reads give nothing, writes are dropped, both logged", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const logger = captureLogger();
    const store = new RedisProviderHealthStore(down, { logger });
    await expect(store.record(result("open_meteo", ProviderStatus.AVAILABLE))).resolves.toBeUndefined();
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect((await store.getMany(ProviderType.WEATHER, ["open_meteo"])).size).toBe(0);
    expect(logger.lines).toHaveLength(3);
    down.disconnect();
  });

  it("gives up on a Redis that does not answer in time", async () => {
    // A socket that accepts and never replies: a stuck Redis, without pausing the Redis other tests share.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    // The service's clients bound every command (infra/cache/redis.ts); the store relies on that.
    const stuck = new Redis(port, "127.0.0.1", { lazyConnect: true, commandTimeout: 200 });
    const logger = captureLogger();
    const store = new RedisProviderHealthStore(stuck, { logger });
    const started = performance.now();
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(logger.lines[0]).toMatch(/timed out/i);
    stuck.disconnect();
    silent.close();
  });
});

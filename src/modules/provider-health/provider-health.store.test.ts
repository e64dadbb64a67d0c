// The same contract for both stores; the Redis one against the real Redis, under a key prefix of its own.
import { randomBytes } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { Redis } from "ioredis";
import { afterAll, describe, expect, inject, it } from "vitest";
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

const result = (providerName: string, status: ProviderStatus, checkedAt = new Date("2025-03-01T10:00:00.000Z")): ProviderHealthRecord => ({
  providerType: ProviderType.WEATHER,
  providerName,
  status,
  checkedAt,
  responseTimeMs: status === ProviderStatus.AVAILABLE ? 12.5 : null,
  errorMessage: status === ProviderStatus.AVAILABLE ? null : "HTTP 500",
});

const stores: Array<[string, () => ProviderHealthStore]> = [["in memory", (): ProviderHealthStore => new InMemoryProviderHealthStore()]];
if (REDIS_URL) {
  stores.push([
    "Redis",
    (): ProviderHealthStore =>
      new RedisProviderHealthStore(redis, { keyPrefix: `${prefix}${randomBytes(3).toString("hex")}:`, logger: captureLogger() }),
  ]);
}

describe.each(stores)("%s health store", (_name, createStore) => {
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
});

describe.skipIf(!REDIS_URL)("Redis health store", () => {
  it("keeps one hash per type, so another instance sees the result", async () => {
    const options = { keyPrefix: `${prefix}shared:`, logger: captureLogger() };
    await new RedisProviderHealthStore(redis, options).record(result("open_meteo", ProviderStatus.AVAILABLE));
    expect(await redis.hkeys(`${prefix}shared:health:WEATHER`)).toEqual(["open_meteo"]);
    expect((await new RedisProviderHealthStore(redis, options).get(ProviderType.WEATHER, "open_meteo"))?.status).toBe(
      ProviderStatus.AVAILABLE,
    );
  });

  it("reads an unreadable value as never checked", async () => {
    const store = new RedisProviderHealthStore(redis, { keyPrefix: `${prefix}bad:`, logger: captureLogger() });
    await redis.hset(`${prefix}bad:health:WEATHER`, "open_meteo", "{not json", "weather_api", JSON.stringify({ status: "MAYBE" }));
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect((await store.getMany(ProviderType.WEATHER, ["open_meteo", "weather_api"])).size).toBe(0);
  });

  it("never throws when Redis is down: reads give nothing, writes are dropped, both logged", async () => {
    const down = new Redis("redis://127.0.0.1:1", {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    const logger = captureLogger();
    const store = new RedisProviderHealthStore(down, { logger, timeoutMs: 500 });
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
    const stuck = new Redis(port, "127.0.0.1", { lazyConnect: true });
    const logger = captureLogger();
    const store = new RedisProviderHealthStore(stuck, { logger, timeoutMs: 200 });
    const started = performance.now();
    expect(await store.get(ProviderType.WEATHER, "open_meteo")).toBeNull();
    expect(performance.now() - started).toBeLessThan(1500);
    expect(logger.lines[0]).toContain("timeout");
    stuck.disconnect();
    silent.close();
  });
});

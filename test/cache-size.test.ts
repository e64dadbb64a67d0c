// A value too large for the cache (SPEC.md §13: caches bounded in bytes) with the real Redis: it is never sent, the
// tenant it belongs to is read from the database every time (and every read is fresh), and nothing happens to the
// rest of the cache: the epoch stays, Redis stays trusted, other tenants keep being answered from it.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { MAX_CACHED_RESPONSE_BYTES } from "../src/graphql/response-cache/response-cache.js";
import type { CacheEvents } from "../src/infra/cache/generational-cache.js";
import { RedisCache } from "../src/infra/cache/redis-cache.js";
import { hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version } }`;
const READ = `query Read($t: String!) { providerConfigs(tenantId: $t) { providerName version configData } }`;
/** Just under SPEC.md §2's 64 KiB per configData: 18 of them make a tenant of more than 1 MiB. */
const LARGE_DATA = { blob: "x".repeat(65_000) };
const LARGE_CONFIGS = 18;

async function skippedCount(t: TestApp, cache: string): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const match = text.match(new RegExp(`^pcs_cache_skipped_total\\{cache="${cache}"\\} (\\d+)$`, "m"));
  return match ? Number(match[1]) : 0;
}

describe.skipIf(!hasRedis())("a tenant too large for the cache", () => {
  const prefix = redisPrefix("size");
  let t: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    t = await startTestApp({ env: redisEnv(prefix), countQueries: true });
    redis = new Redis(inject("redisUrl") as string);
  });
  afterAll(async () => {
    redis?.disconnect();
    await t?.stop();
  });

  test("is served fresh from the database; the epoch and other tenants' cache stay", async () => {
    const small = tenant("small");
    const large = tenant("large");
    expect(
      (await t.gql(UPSERT, { input: { tenantId: small, providerType: "WEATHER", providerName: "open_meteo" } })).errors,
    ).toBeUndefined();
    const smallFirst = await t.gql(READ, { t: small });
    expect(smallFirst.data?.providerConfigs).toHaveLength(1);
    const epoch = await redis.get(`${prefix}epoch`);
    expect(epoch).not.toBeNull();

    for (let i = 0; i < LARGE_CONFIGS; i++) {
      const input = {
        tenantId: large,
        providerType: "MAP",
        providerName: `large-${String(i).padStart(2, "0")}`,
        configData: { ...LARGE_DATA, round: 1 },
      };
      expect((await t.gql(UPSERT, { input })).errors).toBeUndefined();
    }
    for (let round = 1; round <= 3; round++) {
      const read = await t.gql(READ, { t: large });
      expect(read.errors).toBeUndefined();
      expect(read.data?.providerConfigs).toHaveLength(LARGE_CONFIGS);
      expect(read.data?.providerConfigs[0]).toEqual({ providerName: "large-00", version: round, configData: { ...LARGE_DATA, round } });
      // The next read must see this write: there is no cached value to be stale, and the response was not kept either.
      const input = { tenantId: large, providerType: "MAP", providerName: "large-00", configData: { ...LARGE_DATA, round: round + 1 } };
      expect((await t.gql(UPSERT, { input })).data?.upsertProviderConfig.version).toBe(round + 1);
    }
    expect(await skippedCount(t, "configs")).toBeGreaterThanOrEqual(3);
    // The whole-response cache never offers a response this large (MAX_CACHED_RESPONSE_BYTES is below the cap).
    // The tenant's other types are cached; its MAP configs are not.
    expect(await redis.hexists(`${prefix}t:{${large}}`, "MAP")).toBe(0);
    for (const key of await redis.keys(`${prefix}r:*`))
      expect(await redis.strlen(key)).toBeLessThanOrEqual(MAX_CACHED_RESPONSE_BYTES + 4096);

    // Nothing was reset: same epoch, Redis trusted, and the small tenant is still answered without the database.
    expect(await redis.get(`${prefix}epoch`)).toBe(epoch);
    expect(await (await fetch(`${t.url}/readyz`)).json()).toMatchObject({ cache: "redis: up" });
    t.queries.length = 0;
    const smallAgain = await t.gql(READ, { t: small });
    expect(smallAgain.data).toEqual(smallFirst.data);
    expect(t.queries).toEqual([]);
  });
});

describe.skipIf(!hasRedis())("RedisCache with a small byte cap", () => {
  const prefix = redisPrefix("cap");
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(inject("redisUrl") as string);
  });
  afterAll(() => redis.disconnect());

  test("skips, and counts, values and responses over the cap; stores the rest; stays trusted", async () => {
    const skipped: string[] = [];
    const events: CacheEvents = {
      hit: () => {},
      miss: () => {},
      error: () => {},
      skipped: (cache, n = 1) => skipped.push(`${cache}:${n}`),
    };
    const cache = new RedisCache(redis, { ttlSeconds: 60, keyPrefix: prefix, events, maxValueBytes: 1000 });
    const [big, fits] = [tenant("big"), tenant("fits")];
    const read = await cache.read([big, fits].map((key) => ({ key, fields: ["MAP"] })));
    if (!read) throw new Error("Redis should be usable");
    const [bigEntry, fitsEntry] = read.entries;
    await cache.write(read.epoch, [
      { key: big, generation: bigEntry?.generation as string, values: [{ field: "MAP", value: "b".repeat(1001) }] },
      { key: fits, generation: fitsEntry?.generation as string, values: [{ field: "MAP", value: "f".repeat(900) }] },
    ]);
    await cache.writeResponse("big-response", read.epoch, [{ key: fits, generation: fitsEntry?.generation as string }], "r".repeat(1000));
    expect(skipped).toEqual(["configs:1", "responses:1"]);
    expect(await redis.exists(`${prefix}r:big-response`)).toBe(0);
    const again = await cache.read([big, fits].map((key) => ({ key, fields: ["MAP"] })));
    expect(again?.epoch).toBe(read.epoch);
    expect(again?.entries.map((entry) => entry.values[0]?.length ?? null)).toEqual([null, 900]);
    expect(cache.state()).toBe("redis: up");
  });
});

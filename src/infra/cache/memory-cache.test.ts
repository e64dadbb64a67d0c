import { describe, expect, test } from "vitest";
import type { CacheEvents } from "./generational-cache.js";
import { InProcessCache } from "./memory-cache.js";

function countingEvents() {
  const counts = { hit: 0, miss: 0, error: 0, skipped: 0 };
  const events: CacheEvents = {
    hit: (_cache, count = 1) => {
      counts.hit += count;
    },
    miss: (_cache, count = 1) => {
      counts.miss += count;
    },
    error: () => {
      counts.error++;
    },
    skipped: (_cache, count = 1) => {
      counts.skipped += count;
    },
  };
  return { counts, events };
}

/** One field per key: what these tests bound is values, whatever their field. */
const lookups = (keys: readonly string[]) => keys.map((key) => ({ key, fields: ["v"] }));

async function storeValues(cache: InProcessCache, keys: readonly string[], value: (key: string) => string): Promise<void> {
  const read = await cache.read(lookups(keys));
  await cache.write(
    read.epoch,
    keys.map((key, index) => ({ key, generation: read.entries[index]?.generation as string, values: [{ field: "v", value: value(key) }] })),
  );
}

const cachedCount = async (cache: InProcessCache, keys: readonly string[]) =>
  (await cache.read(lookups(keys))).entries.filter((entry) => entry.values[0] !== null).length;

describe("InProcessCache byte bounds", () => {
  test("a value over the per-value cap is not stored, and counted; the others are", async () => {
    const { counts, events } = countingEvents();
    const cache = new InProcessCache(60, events, { maxValueBytes: 1000 });
    await storeValues(cache, ["small", "huge", "exact"], (key) =>
      key === "huge" ? "x".repeat(1001) : key === "exact" ? "y".repeat(1000) : "s",
    );
    expect(counts.skipped).toBe(1);
    const read = await cache.read(lookups(["small", "huge", "exact"]));
    expect(read.entries.map((entry) => entry.values[0]?.length ?? null)).toEqual([1, null, 1000]);
  });

  test("the cap is in UTF-8 bytes, not characters", async () => {
    const { counts, events } = countingEvents();
    const cache = new InProcessCache(60, events, { maxValueBytes: 1000 });
    await storeValues(cache, ["arabic"], () => "ع".repeat(600)); // 600 characters, 1200 bytes
    expect(counts.skipped).toBe(1);
    expect(await cachedCount(cache, ["arabic"])).toBe(0);
  });

  test("values are bounded in total bytes, not only in entries: the least recently used go first", async () => {
    // 20,000 bytes in all: 10,000 for values. Ten values of ~3,000 bytes cannot all stay.
    const cache = new InProcessCache(60, undefined, { maxEntries: 1000, maxBytes: 20_000 });
    const keys = Array.from({ length: 10 }, (_, i) => `tenant-${i}`);
    await storeValues(cache, keys, (key) => key.padEnd(3000, "."));
    expect(await cachedCount(cache, keys)).toBe(3);
    expect(await cachedCount(cache, keys.slice(-3))).toBe(3);
  });

  test("responses: over the cap skipped and counted; bounded in total bytes", async () => {
    const { counts, events } = countingEvents();
    const cache = new InProcessCache(60, events, { maxBytes: 20_000, maxValueBytes: 5000 });
    await cache.writeResponse("huge", null, [], "x".repeat(5001));
    expect(counts.skipped).toBe(1);
    expect(await cache.readResponse("huge")).toBeNull();
    for (let i = 0; i < 10; i++) await cache.writeResponse(`r${i}`, null, [], String(i).repeat(3000));
    const kept = [];
    for (let i = 0; i < 10; i++) if ((await cache.readResponse(`r${i}`)) !== null) kept.push(i);
    expect(kept).toEqual([7, 8, 9]);
  });

  test("the defaults keep ordinary values: 1 MiB per value, 64 MiB in all", async () => {
    const { counts, events } = countingEvents();
    const cache = new InProcessCache(60, events);
    const keys = Array.from({ length: 40 }, (_, i) => `tenant-${i}`);
    await storeValues(cache, keys, () => "v".repeat(512 * 1024));
    expect(counts.skipped).toBe(0);
    expect(await cachedCount(cache, keys)).toBe(40);
    await storeValues(cache, ["big"], () => "v".repeat(1024 * 1024 + 1));
    expect(counts.skipped).toBe(1);
  });
});

describe("generations stay bounded", () => {
  test("a forgotten key never reads a value stored under a generation it had", async () => {
    const cache = new InProcessCache(300, undefined, { maxTrackedKeys: 2 });
    await storeValues(cache, ["k"], () => "before any write");
    await cache.invalidate(["k"]);
    await storeValues(cache, ["k"], () => "after the first write");
    expect((await cache.read(lookups(["k"]))).entries[0]?.values[0]).toBe("after the first write");
    // Two more tracked keys push "k" out of the bounded map.
    await cache.invalidate(["a", "b"]);
    const read = await cache.read(lookups(["k"]));
    expect(read.entries[0]?.values[0]).toBeNull();
    await storeValues(cache, ["k"], () => "fresh");
    expect((await cache.read(lookups(["k"]))).entries[0]?.values[0]).toBe("fresh");
  });
});

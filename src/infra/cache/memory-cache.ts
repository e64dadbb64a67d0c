// The in-process cache, used when REDIS_URL is unset. Correct for one instance only: another instance would
// not see this one's invalidations (SPEC.md §1 says so). Bounded in bytes as well as in entries (SPEC.md §13):
// a few huge values must not grow the heap without bound, and one value over the per-value cap is not stored.
import { LRUCache } from "lru-cache";
import type { CacheEntry, CacheEvents, CacheLookup, CacheRead, GenerationalCache, ResponseDependency } from "./generational-cache.js";
import { NO_CACHE_EVENTS } from "./generational-cache.js";
import { DEFAULT_MAX_VALUE_BYTES, fitsIn } from "./value-size.js";

interface StoredResponse {
  dependencies: readonly ResponseDependency[];
  body: Buffer;
}

export interface InProcessCacheOptions {
  /** Per store (values, responses). */
  maxEntries?: number;
  /** Both stores together, half each, measured as the UTF-8 bytes of keys and values; default 64 MiB. */
  maxBytes?: number;
  /** Largest single value stored; default 1 MiB (as in Redis). */
  maxValueBytes?: number;
  /** Keys whose generation is remembered; default 100,000. */
  maxTrackedKeys?: number;
}

const EPOCH = "local";
/** Keys and fields hold no newline (tenant ids and provider types). */
const valueKey = (generation: string, key: string, field: string): string => `${generation}\n${key}\n${field}`;
/** Tenants (and other keys) whose generation is remembered; about 100 bytes each. */
const DEFAULT_MAX_TRACKED_KEYS = 100_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Not exact heap use (V8 stores ASCII strings one byte a character), but proportional to it; never 0. */
const bytesOf = (...parts: readonly string[]): number => parts.reduce((sum, part) => sum + Buffer.byteLength(part, "utf8"), 1);

export class InProcessCache implements GenerationalCache {
  /**
   * Generations come from one counter and are never reused, so the map can be bounded: a forgotten key reads as
   * `floor`, which moves past every generation handed out whenever a key is forgotten — values stored under any
   * generation that key ever had are then unreachable, never stale.
   */
  private readonly generations: LRUCache<string, number>;
  private counter = 0;
  private floor = 0;
  private readonly values: LRUCache<string, string>;
  private readonly responses: LRUCache<string, StoredResponse>;

  private readonly maxValueBytes: number;

  constructor(
    ttlSeconds: number,
    private readonly events: CacheEvents = NO_CACHE_EVENTS,
    options: InProcessCacheOptions = {},
  ) {
    const max = options.maxEntries ?? 10_000;
    const maxSize = Math.max(1, Math.floor((options.maxBytes ?? DEFAULT_MAX_BYTES) / 2));
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    const ttl = ttlSeconds * 1000;
    this.generations = new LRUCache({
      max: options.maxTrackedKeys ?? DEFAULT_MAX_TRACKED_KEYS,
      dispose: (_generation, _key, reason) => {
        if (reason === "evict") this.floor = ++this.counter;
      },
    });
    this.values = new LRUCache({ max, ttl, maxSize, sizeCalculation: (value, key) => bytesOf(key, value) });
    this.responses = new LRUCache({
      max,
      ttl,
      maxSize,
      sizeCalculation: (stored, key) => stored.body.length + bytesOf(key, ...stored.dependencies.flatMap((d) => [d.key, d.generation])),
    });
  }

  async read(lookups: readonly CacheLookup[]): Promise<CacheRead> {
    let hits = 0;
    let asked = 0;
    const entries = lookups.map(({ key, fields }) => {
      const generation = this.generationOf(key);
      const values = fields.map((field) => this.values.get(valueKey(generation, key, field)) ?? null);
      asked += fields.length;
      hits += values.filter((value) => value !== null).length;
      return { generation, values };
    });
    this.events.hit("configs", hits);
    this.events.miss("configs", asked - hits);
    return { epoch: EPOCH, entries };
  }

  async write(_epoch: string, entries: readonly CacheEntry[]): Promise<void> {
    let skipped = 0;
    for (const entry of entries) {
      // A generation that has moved on: nobody can read these values, so they would only take room.
      if (this.generationOf(entry.key) !== entry.generation) continue;
      for (const { field, value } of entry.values) {
        if (fitsIn(value, this.maxValueBytes)) this.values.set(valueKey(entry.generation, entry.key, field), value);
        else skipped++;
      }
    }
    this.events.skipped("configs", skipped);
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.generations.set(key, ++this.counter);
  }

  async readResponse(responseKey: string): Promise<Buffer | null> {
    const stored = this.responses.get(responseKey);
    const fresh = stored?.dependencies.every((dependency) => this.generationOf(dependency.key) === dependency.generation) ?? false;
    if (!stored || !fresh) {
      this.events.miss("responses");
      return null;
    }
    this.events.hit("responses");
    return stored.body;
  }

  async writeResponse(
    responseKey: string,
    _epoch: string | null,
    dependencies: readonly ResponseDependency[],
    body: string,
  ): Promise<void> {
    if (!fitsIn(body, this.maxValueBytes)) {
      this.events.skipped("responses");
      return;
    }
    this.responses.set(responseKey, { dependencies, body: Buffer.from(body, "utf8") });
  }

  state(): string {
    return "in-process";
  }

  private generationOf(key: string): string {
    return String(this.generations.get(key) ?? this.floor);
  }
}

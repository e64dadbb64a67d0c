// The in-process cache, used when REDIS_URL is unset. Correct for one instance only: another instance would
// not see this one's invalidations (SPEC.md §1 says so).
import { LRUCache } from "lru-cache";
import type { CacheEvents, CacheRead, GenerationalCache, ResponseDependency } from "./generational-cache.js";
import { NO_CACHE_EVENTS } from "./generational-cache.js";

interface StoredResponse {
  dependencies: readonly ResponseDependency[];
  body: string;
}

const EPOCH = "local";

export class InProcessCache implements GenerationalCache {
  readonly kind = "in-process";
  private readonly generations = new Map<string, number>();
  private readonly values: LRUCache<string, string>;
  private readonly responses: LRUCache<string, StoredResponse>;

  constructor(
    ttlSeconds: number,
    private readonly events: CacheEvents = NO_CACHE_EVENTS,
    maxEntries = 10_000,
  ) {
    this.values = new LRUCache({ max: maxEntries, ttl: ttlSeconds * 1000 });
    this.responses = new LRUCache({ max: maxEntries, ttl: ttlSeconds * 1000 });
  }

  async read(keys: readonly string[]): Promise<CacheRead> {
    const entries = keys.map((key) => {
      const generation = this.generationOf(key);
      return { generation, value: this.values.get(`${generation}:${key}`) ?? null };
    });
    const hits = entries.filter((entry) => entry.value !== null).length;
    this.events.hit("configs", hits);
    this.events.miss("configs", keys.length - hits);
    return { epoch: EPOCH, entries };
  }

  async write(_epoch: string, entries: ReadonlyArray<{ key: string; generation: string; value: string }>): Promise<void> {
    for (const entry of entries) this.values.set(`${entry.generation}:${entry.key}`, entry.value);
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.generations.set(key, (this.generations.get(key) ?? 0) + 1);
  }

  async readResponse(responseKey: string): Promise<string | null> {
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
    this.responses.set(responseKey, { dependencies, body });
  }

  state(): string {
    return "in-process";
  }

  async close(): Promise<void> {}

  private generationOf(key: string): string {
    return String(this.generations.get(key) ?? 0);
  }
}

// The cache behind every cached read (SPEC.md §5). Values are stored by key (a tenant) and field (a provider type)
// under a *generation* of their key: a committed write moves the key to a new generation, so everything cached
// before it for that key, whatever its field, including a value that a racing reader puts back late, can never be
// read again. Responses cached whole record the generations they were built from and are served only while all of
// them are still current.
//
// Contract for implementations: nothing here throws. A failure answers "not cached" (callers read the
// database) and makes the implementation distrust what it holds until it has invalidated everything.

/** The generation a key is at, and the values stored for that generation, one per field asked (null: not cached). */
export interface CachedValues {
  generation: string;
  values: Array<string | null>;
}

export interface CacheRead {
  /** Identifies the cache's current contents as a whole; responses built from this read are tied to it. */
  epoch: string;
  /** One per key read, in order. */
  entries: CachedValues[];
}

export interface CacheLookup {
  key: string;
  fields: readonly string[];
}

export interface CacheEntry {
  key: string;
  generation: string;
  values: ReadonlyArray<{ field: string; value: string }>;
}

export interface ResponseDependency {
  key: string;
  generation: string;
}

/** Counts hits, misses and failures, per cache ("configs" or "responses"). */
export interface CacheEvents {
  hit(cache: string, count?: number): void;
  miss(cache: string, count?: number): void;
  error(cache: string): void;
  /** Values not stored because they are over the per-value byte cap (see value-size.ts). */
  skipped(cache: string, count?: number): void;
}

export const NO_CACHE_EVENTS: CacheEvents = { hit: () => {}, miss: () => {}, error: () => {}, skipped: () => {} };

export interface GenerationalCache {
  /** Current generations of the keys and the values of the fields asked; null when the cache cannot be used now. */
  read(lookups: readonly CacheLookup[]): Promise<CacheRead | null>;
  /**
   * Stores values under the epoch and generations a read returned; a value whose generation has moved on is
   * dropped. Values over the per-value byte cap are skipped (those fields stay uncached), never sent.
   */
  write(epoch: string, entries: readonly CacheEntry[]): Promise<void>;
  /** Moves `keys` to new generations (every field of theirs with them). Called after a commit, before the write is acknowledged. */
  invalidate(keys: readonly string[]): Promise<void>;
  /** A whole response's bytes (UTF-8, as sent), if every generation it depends on is still current. */
  readResponse(responseKey: string): Promise<Buffer | null>;
  /** `epoch` null: the response depends on nothing that changes (catalog facts). Skipped when over the byte cap. */
  writeResponse(responseKey: string, epoch: string | null, dependencies: readonly ResponseDependency[], body: string): Promise<void>;
  /** A human-readable state for /readyz. */
  state(): string;
}

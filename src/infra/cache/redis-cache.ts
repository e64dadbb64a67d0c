// The shared cache in Redis, so that every instance sees every other instance's invalidations (SPEC.md §5).
//
// Keys (prefix `pcs:` by default):
//   epoch          one token for the whole cache; replaced to throw away everything at once
//   t:{<tenant>}   a hash: field `g` is the tenant's current generation (a token), and one field per provider type
//                  holds "<epoch>\n<that type's configs>"; deleted after every committed write of the tenant (TTL)
//   r:<hash>       a whole response, with the epoch and the generations it was built from (TTL)
// Every script touches only the keys it declares, so it runs on a single server or on a Redis Cluster alike; the
// braces keep a tenant's key in its tenant's hash slot. A batch sends the epoch read and one script per tenant at
// once: with auto-pipelining that is one round trip (one per node of a Cluster). A value is a hit only when the
// epoch it was stored with is the current one. A response hit is the service's hottest path: on a single server
// (or a Sentinel's master) one script reads the response and checks the epoch and its tenants' generations, in
// one round trip, declaring the tenants' keys this instance last saw the response depend on (remembered, bounded;
// a first read, or a response now built from other tenants, takes the two round trips a Cluster always takes,
// where those keys may live on other nodes). The stored bytes are sent as they are, never decoded. Generations
// are tokens, unique per instance and write, and a value is only stored while the generation it was read under is
// still the tenant's: a tenant whose key is deleted (written), expires or is evicted comes back with a token no
// value was ever stored under — a miss, never a stale hit.
//
// Distrust: any failed or timed-out command, or a lost connection (to any node of a Cluster), means an
// invalidation may have been missed (for instance a write that committed while a node was down, and a node that
// restarts with its old data). From then on this instance reads the database, until it has replaced the epoch; only
// then does it trust Redis again. The epoch is read with every batch, so values stored before the replacement
// are never served by any instance. So a value too large to send in time must never be sent: values over
// `maxValueBytes` are skipped (counted), and that tenant's type or that response simply stays uncached.
import { randomBytes } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { CacheEntry, CacheEvents, CacheLookup, CacheRead, GenerationalCache, ResponseDependency } from "./generational-cache.js";
import { NO_CACHE_EVENTS } from "./generational-cache.js";
import type { RedisClient } from "./redis.js";
import { DEFAULT_MAX_VALUE_BYTES, fitsIn } from "./value-size.js";

const GENERATION_FIELD = "g";

// KEYS: the tenant's hash. ARGV: a fresh generation, the TTL, the fields wanted. Returns the generation, then the fields.
const READ_SCRIPT = `
local found = redis.call('HMGET', KEYS[1], '${GENERATION_FIELD}', unpack(ARGV, 3))
if found[1] then return found end
redis.call('HSET', KEYS[1], '${GENERATION_FIELD}', ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return { ARGV[1] }`;

// KEYS: the tenant's hash. ARGV: the generation the values were read under, then field, value, field, value...
const WRITE_SCRIPT = `
if redis.call('HGET', KEYS[1], '${GENERATION_FIELD}') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1`;

// KEYS: the response, the epoch, then the keys of the tenants the caller expects it to depend on. ARGV: the prefix
// of tenant keys. Returns the body when the response is still current (see parseResponse for its layout), nil when
// it is missing or stale, 0 when it depends on other tenants than the keys declared (only those are read).
const RESPONSE_READ_SCRIPT = `
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
local position = 1
local function line()
  local stop = string.find(entry, '\\n', position, true)
  local text = string.sub(entry, position, stop - 1)
  position = stop + 1
  return text
end
local epoch = line()
local count = tonumber(line())
if count ~= #KEYS - 2 then return 0 end
if epoch ~= '*' and epoch ~= redis.call('GET', KEYS[2]) then return false end
for i = 1, count do
  if KEYS[2 + i] ~= ARGV[1] .. '{' .. line() .. '}' then return 0 end
  if redis.call('HGET', KEYS[2 + i], '${GENERATION_FIELD}') ~= line() then return false end
end
return string.sub(entry, position)`;

/** Responses whose tenant keys are remembered (for RESPONSE_READ_SCRIPT), counted in keys. */
const MAX_REMEMBERED_DEPENDENCY_KEYS = 100_000;

/** The scripts, as ioredis commands (defineCommand: EVALSHA, loading the script when the server lacks it). */
interface CacheCommands {
  pcsCacheRead(key: string, freshGeneration: string, ttlSeconds: number, ...fields: string[]): Promise<Array<string | null>>;
  pcsCacheWrite(key: string, generation: string, ...fieldsAndValues: string[]): Promise<number>;
  /** numberOfKeys: 2 + the tenant keys; then the keys, then the tenant key prefix. */
  pcsResponseReadBuffer(numberOfKeys: number, ...keysThenPrefix: string[]): Promise<Buffer | null | 0>;
}

export interface RedisCacheOptions {
  ttlSeconds: number;
  keyPrefix?: string;
  /** How long to wait before trying again to trust Redis after a failure. */
  retryAfterMs?: number;
  events?: CacheEvents;
  /** Largest value (one type of a tenant's configs, or a whole response with its header) stored; default 1 MiB. */
  maxValueBytes?: number;
}

export class RedisCache implements GenerationalCache {
  private readonly redis: RedisClient & CacheCommands;
  private readonly prefix: string;
  private readonly epochKey: string;
  private readonly tenantKeyPrefix: string;
  /** Response key -> the tenant keys it was last seen to depend on (single server only; see RESPONSE_READ_SCRIPT). */
  private readonly dependencyKeys = new LRUCache<string, readonly string[]>({
    maxSize: MAX_REMEMBERED_DEPENDENCY_KEYS,
    sizeCalculation: (keys) => keys.length + 1,
  });
  private readonly instance = randomBytes(6).toString("base64url");
  private sequence = 0;
  private trusted = false;
  private retryAt = 0;
  private recovering: Promise<boolean> | undefined;
  private readonly events: CacheEvents;
  private readonly maxValueBytes: number;

  constructor(
    redis: RedisClient,
    private readonly options: RedisCacheOptions,
  ) {
    redis.defineCommand("pcsCacheRead", { numberOfKeys: 1, lua: READ_SCRIPT });
    redis.defineCommand("pcsCacheWrite", { numberOfKeys: 1, lua: WRITE_SCRIPT });
    redis.defineCommand("pcsResponseRead", { lua: RESPONSE_READ_SCRIPT });
    this.redis = redis as RedisClient & CacheCommands;
    this.prefix = options.keyPrefix ?? "pcs:";
    this.epochKey = `${this.prefix}epoch`;
    this.tenantKeyPrefix = `${this.prefix}t:`;
    this.events = options.events ?? NO_CACHE_EVENTS;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    // "close": the connection (or, for a Cluster, every node's); "-node": a Cluster lost one node's connection.
    for (const event of ["close", "-node", "node error"]) redis.on(event, () => this.distrust());
  }

  async read(lookups: readonly CacheLookup[]): Promise<CacheRead | null> {
    const asked = lookups.reduce((sum, lookup) => sum + lookup.fields.length, 0);
    if (!(await this.usable())) return this.unavailable("configs", asked);
    try {
      // Sent together: auto-pipelining makes them one round trip (per node).
      const [epoch, ...replies] = await Promise.all([
        this.redis.get(this.epochKey),
        ...lookups.map((lookup) =>
          this.redis.pcsCacheRead(this.keyOf(lookup.key), this.token(), this.options.ttlSeconds, ...lookup.fields),
        ),
      ]);
      // No epoch: Redis was flushed or evicted it while this instance trusted it.
      if (typeof epoch !== "string") throw new Error("the cache epoch is gone");
      const entries = lookups.map((lookup, index) => {
        const [generation, ...stored] = replies[index] as Array<string | null>;
        return { generation: generation as string, values: lookup.fields.map((_, field) => storedUnder(stored[field], epoch)) };
      });
      const hits = entries.reduce((sum, entry) => sum + entry.values.filter((value) => value !== null).length, 0);
      this.events.hit("configs", hits);
      this.events.miss("configs", asked - hits);
      return { epoch, entries };
    } catch {
      return this.failed("configs", asked);
    }
  }

  async write(epoch: string, entries: readonly CacheEntry[]): Promise<void> {
    if (!this.trusted) return;
    let skipped = 0;
    const writes: Array<Promise<number>> = [];
    for (const entry of entries) {
      const storable = entry.values.filter(({ value }) => fitsIn(value, this.maxValueBytes));
      skipped += entry.values.length - storable.length;
      if (storable.length === 0) continue;
      const fieldsAndValues = storable.flatMap(({ field, value }) => [field, `${epoch}\n${value}`]);
      writes.push(this.redis.pcsCacheWrite(this.keyOf(entry.key), entry.generation, ...fieldsAndValues));
    }
    this.events.skipped("configs", skipped);
    await Promise.all(writes).catch(() => this.failed("configs", 0));
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    // Attempted even while distrusted: another instance may be serving from Redis right now.
    try {
      await Promise.all(keys.map((key) => this.redis.del(this.keyOf(key))));
    } catch {
      this.failed("configs", 0);
      // This write's invalidation may be lost: replace the epoch now, before the write is acknowledged, if Redis answers.
      this.recovering ??= this.recover();
      await this.recovering;
    }
  }

  async readResponse(responseKey: string): Promise<Buffer | null> {
    if (!this.trusted && !(await this.usable())) return this.unavailable("responses", 1);
    try {
      const key = this.responseKeyOf(responseKey);
      const body = this.redis.isCluster ? await this.readResponseAcrossSlots(key) : await this.readResponseInOneScript(key);
      if (body === null) this.events.miss("responses");
      else this.events.hit("responses");
      return body;
    } catch {
      return this.failed("responses", 1);
    }
  }

  async writeResponse(responseKey: string, epoch: string | null, dependencies: readonly ResponseDependency[], body: string): Promise<void> {
    if (!this.trusted) return;
    const lines = [epoch ?? "*", String(dependencies.length), ...dependencies.flatMap((d) => [d.key, d.generation])];
    const entry = `${lines.join("\n")}\n${body}`;
    if (!fitsIn(entry, this.maxValueBytes)) {
      this.events.skipped("responses");
      return;
    }
    const key = this.responseKeyOf(responseKey);
    this.rememberDependencies(key, dependencies);
    await this.redis.set(key, entry, "EX", this.options.ttlSeconds).catch(() => this.failed("responses", 0));
  }

  state(): string {
    if (this.redis.status !== "ready") return `redis: ${this.redis.status}`;
    return this.trusted ? "redis: up" : "redis: recovering";
  }

  /** Single server: one round trip when the response still depends on the tenants this instance last saw. */
  private async readResponseInOneScript(key: string): Promise<Buffer | null> {
    const tenantKeys = this.dependencyKeys.get(key) ?? [];
    const found = await this.redis.pcsResponseReadBuffer(2 + tenantKeys.length, key, this.epochKey, ...tenantKeys, this.tenantKeyPrefix);
    return found === 0 ? this.readResponseAcrossSlots(key) : found;
  }

  /** Cluster: the response, then the current epoch and every generation it was built from (read together, one round trip per node). */
  private async readResponseAcrossSlots(key: string): Promise<Buffer | null> {
    const entry = await this.redis.getBuffer(key);
    if (entry === null) return null;
    const stored = parseResponse(entry);
    this.rememberDependencies(key, stored.dependencies);
    const [epoch, ...generations] = await Promise.all([
      stored.epoch === null ? null : this.redis.get(this.epochKey),
      ...stored.dependencies.map((dependency) => this.redis.hget(this.keyOf(dependency.key), GENERATION_FIELD)),
    ]);
    const current =
      epoch === stored.epoch && stored.dependencies.every((dependency, index) => generations[index] === dependency.generation);
    return current ? stored.body : null;
  }

  private rememberDependencies(key: string, dependencies: readonly ResponseDependency[]): void {
    if (this.redis.isCluster) return;
    this.dependencyKeys.set(
      key,
      dependencies.map((dependency) => this.keyOf(dependency.key)),
    );
  }

  /** Tenant ids hold no braces (SPEC.md §2), so the hash tag is exactly the tenant. */
  private keyOf(key: string): string {
    return `${this.tenantKeyPrefix}{${key}}`;
  }

  private responseKeyOf(responseKey: string): string {
    return `${this.prefix}r:${responseKey}`;
  }

  /** Trusted, or trusted again after replacing the epoch (at most one attempt per retry period). */
  private async usable(): Promise<boolean> {
    if (this.trusted) return true;
    if (Date.now() < this.retryAt) return false;
    this.recovering ??= this.recover();
    return this.recovering;
  }

  private async recover(): Promise<boolean> {
    try {
      await this.redis.set(this.epochKey, this.token());
      this.trusted = true;
      return true;
    } catch {
      this.distrust();
      return false;
    } finally {
      this.recovering = undefined;
    }
  }

  private distrust(): void {
    this.trusted = false;
    this.retryAt = Date.now() + (this.options.retryAfterMs ?? 1000);
  }

  private failed(cache: string, misses: number): null {
    this.distrust();
    this.events.error(cache);
    if (misses > 0) this.events.miss(cache, misses);
    return null;
  }

  private unavailable(cache: string, misses: number): null {
    this.events.miss(cache, misses);
    return null;
  }

  /** Unique across instances and writes; never reused, so an expired generation cannot come back. */
  private token(): string {
    return `${this.instance}.${(this.sequence++).toString(36)}`;
  }
}

/** A stored value, when it was stored under the current epoch. */
function storedUnder(stored: string | null | undefined, epoch: string): string | null {
  if (!stored?.startsWith(epoch) || stored.charCodeAt(epoch.length) !== 10) return null;
  return stored.slice(epoch.length + 1);
}

interface StoredResponse {
  epoch: string | null;
  dependencies: ResponseDependency[];
  body: Buffer;
}

/** "<epoch>\n<n>\n<key>\n<generation>...\n<body>" (epoch "*": depends on nothing that changes). */
function parseResponse(entry: Buffer): StoredResponse {
  let position = 0;
  const line = (): string => {
    const end = entry.indexOf(10, position);
    const text = entry.toString("utf8", position, end);
    position = end + 1;
    return text;
  };
  const epoch = line();
  const dependencies = Array.from({ length: Number(line()) }, () => ({ key: line(), generation: line() }));
  return { epoch: epoch === "*" ? null : epoch, dependencies, body: entry.subarray(position) };
}

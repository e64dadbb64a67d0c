// The shared cache in Redis, so that every instance sees every other instance's invalidations (SPEC.md §5).
//
// Keys (prefix `pcs:` by default):
//   epoch            one token for the whole cache; replaced to throw away everything at once
//   g:<tenant>       the tenant's current generation (a token; replaced after every committed write)
//   v:<epoch>:<generation>:g:<tenant>   the tenant's configs as read under that epoch and generation (TTL)
//   r:<hash>         a whole response, with the epoch and generations it was built from (TTL)
// Reading a generation and its value, or a response and the generations it needs, is one round trip (a Lua
// script). Tokens are unique per instance and write, so a generation key that expires or is evicted comes back
// as a token no value was ever stored under: a miss, never a stale hit.
//
// Distrust: any failed or timed-out command, or a lost connection, means an invalidation may have been missed
// (for instance a write that committed while Redis was down, and a Redis that restarts with its old data). From
// then on this instance reads the database, until it has replaced the epoch; only then does it trust Redis again.
// So a value too large to send in time must never be sent: values over `maxValueBytes` are skipped (counted), and
// that tenant or response simply stays uncached while every other tenant keeps its cache.
import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { CacheEvents, CacheRead, GenerationalCache, ResponseDependency } from "./generational-cache.js";
import { NO_CACHE_EVENTS } from "./generational-cache.js";
import { DEFAULT_MAX_VALUE_BYTES, fitsIn } from "./value-size.js";

// KEYS: epoch, generation keys. ARGV: value prefix, generation TTL, fresh tokens (epoch, then one per key).
const READ_SCRIPT = `
local function current(key, fresh, ttl)
  local value = redis.call('GET', key)
  if value then return value end
  if ttl then redis.call('SET', key, fresh, 'EX', ttl) else redis.call('SET', key, fresh) end
  return fresh
end
local epoch = current(KEYS[1], ARGV[3], nil)
local out = { epoch }
for i = 2, #KEYS do
  local generation = current(KEYS[i], ARGV[2 + i], ARGV[2])
  out[#out + 1] = generation
  out[#out + 1] = redis.call('GET', ARGV[1] .. epoch .. ':' .. generation .. ':' .. KEYS[i]) or ''
end
return out`;

// KEYS: response key, epoch. The entry is "<epoch>\\n<n>\\n<key>\\n<generation>...\\n<body>"; epoch "*" = no check.
const READ_RESPONSE_SCRIPT = `
local entry = redis.call('GET', KEYS[1])
if not entry then return false end
local pos = 1
local function line()
  local stop = string.find(entry, '\\n', pos, true)
  local text = string.sub(entry, pos, stop - 1)
  pos = stop + 1
  return text
end
local epoch = line()
if epoch ~= '*' and redis.call('GET', KEYS[2]) ~= epoch then return false end
for _ = 1, tonumber(line()) do
  local key = line()
  if redis.call('GET', key) ~= line() then return false end
end
return string.sub(entry, pos)`;

const GENERATION_TTL_SECONDS = 86_400;

export interface RedisCacheOptions {
  ttlSeconds: number;
  keyPrefix?: string;
  /** How long to wait before trying again to trust Redis after a failure. */
  retryAfterMs?: number;
  events?: CacheEvents;
  /** Largest value (a tenant's configs, or a whole response with its header) stored; default 1 MiB. */
  maxValueBytes?: number;
}

export class RedisCache implements GenerationalCache {
  readonly kind = "redis";
  private readonly prefix: string;
  private readonly epochKey: string;
  private readonly instance = randomBytes(6).toString("base64url");
  private sequence = 0;
  private trusted = false;
  private retryAt = 0;
  private recovering: Promise<boolean> | undefined;
  private readonly events: CacheEvents;
  private readonly scripts = new Map<string, string>();
  private readonly maxValueBytes: number;

  constructor(
    private readonly redis: Redis,
    private readonly options: RedisCacheOptions,
  ) {
    this.prefix = options.keyPrefix ?? "pcs:";
    this.epochKey = `${this.prefix}epoch`;
    this.events = options.events ?? NO_CACHE_EVENTS;
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
    redis.on("close", () => this.distrust());
  }

  /** The Redis key of a tenant's generation (what responses record as their dependencies). */
  generationKey(key: string): string {
    return `${this.prefix}g:${key}`;
  }

  async read(keys: readonly string[]): Promise<CacheRead | null> {
    if (!(await this.usable())) return this.unavailable("configs", keys.length);
    const generationKeys = keys.map((key) => this.generationKey(key));
    const tokens = keys.map(() => this.token());
    try {
      const [epoch, ...rest] = (await this.script(
        READ_SCRIPT,
        [this.epochKey, ...generationKeys],
        [`${this.prefix}v:`, String(GENERATION_TTL_SECONDS), this.token(), ...tokens],
      )) as string[];
      const entries = keys.map((_, index) => ({ generation: rest[2 * index] as string, value: rest[2 * index + 1] || null }));
      const hits = entries.filter((entry) => entry.value !== null).length;
      this.events.hit("configs", hits);
      this.events.miss("configs", keys.length - hits);
      return { epoch: epoch as string, entries };
    } catch {
      return this.failed("configs", keys.length);
    }
  }

  async write(epoch: string, entries: ReadonlyArray<{ key: string; generation: string; value: string }>): Promise<void> {
    if (entries.length === 0 || !this.trusted) return;
    const storable = entries.filter((entry) => fitsIn(entry.value, this.maxValueBytes));
    this.events.skipped("configs", entries.length - storable.length);
    if (storable.length === 0) return;
    // Independent keys: a pipeline (one round trip), no transaction needed.
    const batch = this.redis.pipeline();
    for (const entry of storable) {
      batch.set(
        `${this.prefix}v:${epoch}:${entry.generation}:${this.generationKey(entry.key)}`,
        entry.value,
        "EX",
        this.options.ttlSeconds,
      );
    }
    await batch.exec().catch(() => this.failed("configs", 0));
  }

  async invalidate(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    // Attempted even while distrusted: another instance may be serving from Redis right now. Plain SETs, not a
    // MULTI: each generation stands alone, and auto-pipelining sends them in one write together with whatever
    // else this tick sends (concurrent writes' invalidations, the change signal).
    try {
      await Promise.all(keys.map((key) => this.redis.set(this.generationKey(key), this.token(), "EX", GENERATION_TTL_SECONDS)));
    } catch {
      this.failed("configs", 0);
      // This write's invalidation may be lost: replace the epoch as soon as Redis answers again.
      await this.usable();
    }
  }

  async readResponse(responseKey: string): Promise<string | null> {
    if (!(await this.usable())) return this.unavailable("responses", 1);
    try {
      const body = (await this.script(READ_RESPONSE_SCRIPT, [`${this.prefix}r:${responseKey}`, this.epochKey], [])) as string | null;
      if (body === null) this.events.miss("responses");
      else this.events.hit("responses");
      return body;
    } catch {
      return this.failed("responses", 1);
    }
  }

  async writeResponse(responseKey: string, epoch: string | null, dependencies: readonly ResponseDependency[], body: string): Promise<void> {
    if (!this.trusted) return;
    const lines = [epoch ?? "*", String(dependencies.length), ...dependencies.flatMap((d) => [this.generationKey(d.key), d.generation])];
    const entry = `${lines.join("\n")}\n${body}`;
    if (!fitsIn(entry, this.maxValueBytes)) {
      this.events.skipped("responses");
      return;
    }
    await this.redis.set(`${this.prefix}r:${responseKey}`, entry, "EX", this.options.ttlSeconds).catch(() => this.failed("responses", 0));
  }

  state(): string {
    if (this.redis.status !== "ready") return `redis: ${this.redis.status}`;
    return this.trusted ? "redis: up" : "redis: recovering";
  }

  async close(): Promise<void> {
    this.trusted = false;
  }

  /** Trusted, or trusted again after replacing the epoch (at most one attempt per retry period). */
  private async usable(): Promise<boolean> {
    if (this.trusted) return true;
    if (Date.now() < this.retryAt) return false;
    this.recovering ??= this.recover().finally(() => {
      this.recovering = undefined;
    });
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

  private async script(source: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    let sha = this.scripts.get(source);
    if (!sha) {
      sha = createHash("sha1").update(source).digest("hex");
      this.scripts.set(source, sha);
    }
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!String((error as Error).message).startsWith("NOSCRIPT")) throw error;
      return this.redis.eval(source, keys.length, ...keys, ...args);
    }
  }
}

// The health memory in Redis, so that every instance sees the last check whichever instance ran it. One hash per
// provider type (`<prefix>health:<TYPE>`, field = provider name, value = JSON) makes a failover chain's lookup one HMGET.
// Redis cannot expire one field of a hash (before 7.4), so results expire twice over: a read ignores a result older
// than the TTL by its checkedAt, and each record sets the hash's own expiry to the TTL, so a hash nobody records into
// any more disappears instead of living forever.
import { z } from "zod";
import type { ProviderType } from "../../domain/provider.js";
import type { RedisClient } from "../../infra/cache/redis.js";
import type { HealthLogger } from "./provider-health.logger.js";
import { type ProviderHealthRecord, ProviderStatus } from "./provider-health.model.js";
import { DEFAULT_RESULT_TTL_SECONDS, freshnessCheck, type HealthExpiryOptions, type ProviderHealthStore } from "./provider-health.store.js";

export interface RedisProviderHealthStoreOptions extends HealthExpiryOptions {
  /** Prepended to every key; tests use a unique one per run. */
  readonly keyPrefix?: string;
  readonly logger: HealthLogger;
}

const storedResult = z.object({
  status: z.enum(ProviderStatus),
  checkedAt: z.iso.datetime(),
  responseTimeMs: z.number().nullable(),
  errorMessage: z.string().nullable(),
});
type StoredResult = z.infer<typeof storedResult>;

/**
 * Health memory is advisory: a Redis outage must not fail a check, a health query or a failover chain (SPEC.md §5:
 * every request still succeeds). Each call is bounded in time by the client's commandTimeout (infra/cache/redis.ts),
 * and failures read as "never checked" and are logged.
 */
export class RedisProviderHealthStore implements ProviderHealthStore {
  private readonly keyPrefix: string;
  private readonly ttlSeconds: number;
  private readonly isFresh: (result: ProviderHealthRecord) => boolean;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: RedisProviderHealthStoreOptions,
  ) {
    this.keyPrefix = options.keyPrefix ?? "pcs:";
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_RESULT_TTL_SECONDS;
    this.isFresh = freshnessCheck(options);
  }

  async get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    const value = await this.tolerant("get", () => this.redis.hget(this.keyOf(providerType), providerName), null);
    const result = value === null ? null : parse(providerType, providerName, value);
    return result && this.isFresh(result) ? result : null;
  }

  async getMany(providerType: ProviderType, providerNames: readonly string[]): Promise<Map<string, ProviderHealthRecord>> {
    const found = new Map<string, ProviderHealthRecord>();
    const names = [...new Set(providerNames)];
    if (names.length === 0) return found;
    const values = await this.tolerant("getMany", () => this.redis.hmget(this.keyOf(providerType), ...names), []);
    names.forEach((name, index) => {
      const value = values[index];
      const result = value ? parse(providerType, name, value) : null;
      if (result && this.isFresh(result)) found.set(name, result);
    });
    return found;
  }

  async record(result: ProviderHealthRecord): Promise<void> {
    const stored: StoredResult = {
      status: result.status,
      checkedAt: result.checkedAt.toISOString(),
      responseTimeMs: result.responseTimeMs,
      errorMessage: result.errorMessage,
    };
    const key = this.keyOf(result.providerType);
    await this.tolerant(
      "record",
      async () => {
        const replies = await this.redis
          .pipeline()
          .hset(key, result.providerName, JSON.stringify(stored))
          .expire(key, this.ttlSeconds)
          .exec();
        // A pipeline resolves even when a command in it failed; the failure is in its reply.
        const failed = replies?.find(([error]) => error !== null)?.[0];
        if (failed) throw failed;
      },
      undefined,
    );
  }

  private keyOf(providerType: ProviderType): string {
    return `${this.keyPrefix}health:${providerType}`;
  }

  private async tolerant<T>(operation: string, call: () => Promise<T>, fallback: T): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const reason = error instanceof Error ? error.message : "unknown";
      this.options.logger.warn({ operation, reason }, "provider health store unavailable");
      return fallback;
    }
  }
}

/** A value another version wrote, or garbage, reads as "never checked" rather than failing the request. */
function parse(providerType: ProviderType, providerName: string, value: string): ProviderHealthRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return null;
  }
  const stored = storedResult.safeParse(json);
  if (!stored.success) return null;
  return { providerType, providerName, ...stored.data, checkedAt: new Date(stored.data.checkedAt) };
}

// The hot minute of rateLimitStatus (SPEC.md §12) in Redis: one INCRBYFLOAT per tenant, provider and UTC minute,
// sent for a whole batch at once (auto-pipelined: one round trip, per node of a Cluster) after the batch commits, on keys that expire shortly after their minute.
// The database keeps the same per-minute sums (provider_usage_minutes, written in the batch's statement) and is the
// truth whenever Redis cannot answer, or may have missed an increment.
//
// Keys are `<prefix>usage:{<tenantId>}:rate:<type>:<name>:<minute>`: the hash tag keeps a tenant's keys in one slot
// of a Redis Cluster. A tenant id has no braces (SPEC.md §2), so the tag cannot be cut short.
import type { RedisClient } from "../../infra/cache/redis.js";
import type { Logger } from "../../infra/logger.js";
import { type AcceptedUsageGroup, MINUTE_MS, type TenantProviderKey } from "./usage.model.js";

/** Keys outlive their minute a little, so that a read at the very end of the minute still finds its key. */
const KEY_TTL_AFTER_MINUTE_MS = 2 * MINUTE_MS;

export interface RateCounter {
  /** Counts accepted usage (after its transaction committed). Never throws. */
  add(groups: readonly AcceptedUsageGroup[]): Promise<void>;
  /** The quantity counted in that minute, or undefined when the counter cannot say for sure (read the database). */
  used(key: TenantProviderKey, minuteStart: Date): Promise<number | undefined>;
}

/** Without Redis: the database answers every time. */
export const DATABASE_ONLY: RateCounter = {
  add: async () => {},
  used: async () => undefined,
};

export class RedisRateCounter implements RateCounter {
  /**
   * When an increment failed, this instance's counts are incomplete up to the end of the minute after it; until
   * then it reads the database. (Another instance reading Redis in that minute may see a count that is short by the
   * lost increment; keys are per minute, so the gap never outlives the minute.)
   */
  private untrustedUntil = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; logger: Logger; now?: () => number },
  ) {
    // A reconnect may be to a restarted (empty) Redis, or follow increments this instance could not send.
    let connectedBefore = redis.status === "ready";
    redis.on("ready", () => {
      if (connectedBefore) this.distrustUntil(this.now() + 2 * MINUTE_MS);
      connectedBefore = true;
    });
    // A Cluster node's connection lost: that node may come back empty.
    redis.on("-node", () => this.distrustUntil(this.now() + 2 * MINUTE_MS));
  }

  private distrustUntil(time: number): void {
    this.untrustedUntil = Math.max(this.untrustedUntil, time);
  }

  private keyOf(key: TenantProviderKey, minuteStart: Date): string {
    return `${this.options.keyPrefix}usage:{${key.tenantId}}:rate:${key.providerType}:${key.providerName}:${minuteStart.getTime() / MINUTE_MS}`;
  }

  async add(groups: readonly AcceptedUsageGroup[]): Promise<void> {
    const recent = groups.filter((group): group is AcceptedUsageGroup & { minuteStart: Date } => group.minuteStart !== null);
    if (recent.length === 0) return;
    try {
      // Not one pipeline: a Cluster pipeline must stay on one node, and a batch holds many tenants.
      await Promise.all(
        recent.flatMap((group) => {
          const key = this.keyOf(group, group.minuteStart);
          return [
            this.redis.incrbyfloat(key, group.quantity),
            this.redis.pexpireat(key, group.minuteStart.getTime() + MINUTE_MS + KEY_TTL_AFTER_MINUTE_MS),
          ];
        }),
      );
    } catch (error) {
      const latest = Math.max(...recent.map((group) => group.minuteStart.getTime()));
      this.distrustUntil(Math.max(latest, this.now()) + 2 * MINUTE_MS);
      this.options.logger.warn(
        { err: { message: (error as Error).message } },
        "usage rate counters not updated; reading them from the database",
      );
    }
  }

  async used(key: TenantProviderKey, minuteStart: Date): Promise<number | undefined> {
    if (this.redis.status !== "ready" || this.now() < this.untrustedUntil) return undefined;
    try {
      const value = await this.redis.get(this.keyOf(key, minuteStart));
      const used = value === null ? 0 : Number(value);
      return Number.isFinite(used) ? used : undefined;
    } catch {
      return undefined;
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }
}

// The health memory: the last check result per provider (SPEC.md §4). Health is about a provider, not a tenant, so
// results are shared by every tenant; they hold no credentials. Which results may be recorded is the service's rule
// (SPEC.md §13); the stores only make every result expire, so that no result, good or bad, counts forever.
import type { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthReader, ProviderHealthRecord } from "./provider-health.model.js";

export interface ProviderHealthStore extends ProviderHealthReader {
  /** Keeps this result as the provider's latest; never throws. */
  record(result: ProviderHealthRecord): Promise<void>;
}

/** HEALTH_RESULT_TTL_SECONDS's default; the composition root passes the configured value. */
export const DEFAULT_RESULT_TTL_SECONDS = 900;

export interface HealthExpiryOptions {
  /** How long after its checkedAt a result still counts; older ones read as never checked. */
  readonly ttlSeconds?: number;
  /** Milliseconds since the epoch; tests move it forward. */
  readonly now?: () => number;
}

/** Expiry goes by checkedAt, so every instance agrees on it whichever one recorded the result. */
export function freshnessCheck(options: HealthExpiryOptions): (result: ProviderHealthRecord) => boolean {
  const ttlMs = (options.ttlSeconds ?? DEFAULT_RESULT_TTL_SECONDS) * 1000;
  const now = options.now ?? Date.now;
  return (result) => now() - result.checkedAt.getTime() < ttlMs;
}

/**
 * For a single instance without Redis. Unbounded on purpose: only catalog providers are ever recorded (the service
 * rejects other names), so there are at most a few dozen entries.
 */
export class InMemoryProviderHealthStore implements ProviderHealthStore {
  private readonly results = new Map<string, ProviderHealthRecord>();
  private readonly isFresh: (result: ProviderHealthRecord) => boolean;

  constructor(options: HealthExpiryOptions = {}) {
    this.isFresh = freshnessCheck(options);
  }

  async get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    return this.fresh(keyOf(providerType, providerName));
  }

  async getMany(providerType: ProviderType, providerNames: readonly string[]): Promise<Map<string, ProviderHealthRecord>> {
    const found = new Map<string, ProviderHealthRecord>();
    for (const name of providerNames) {
      const result = this.fresh(keyOf(providerType, name));
      if (result) found.set(name, result);
    }
    return found;
  }

  async record(result: ProviderHealthRecord): Promise<void> {
    this.results.set(keyOf(result.providerType, result.providerName), { ...result });
  }

  private fresh(key: string): ProviderHealthRecord | null {
    const result = this.results.get(key);
    if (!result) return null;
    if (this.isFresh(result)) return result;
    this.results.delete(key);
    return null;
  }
}

const keyOf = (providerType: ProviderType, providerName: string): string => `${providerType}\u0000${providerName}`;

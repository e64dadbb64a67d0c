// Optional background re-checks (HEALTH_MONITOR_INTERVAL_SECONDS) of every provider some tenant has enabled, so the
// health memory and failover chains stay fresh without anyone calling checkProviderHealth.
import type { ProviderType } from "../../domain/provider.js";
import type { HealthLogger } from "./provider-health.logger.js";
import type { ProviderHealthRecord } from "./provider-health.model.js";

export interface EnabledProvider {
  readonly providerType: ProviderType;
  readonly providerName: string;
  /** Decrypted by the provider-config module; used for the request only. */
  readonly apiKey: string | null;
}

export type EnabledProvidersSource = () => Promise<readonly EnabledProvider[]>;

/** ProviderHealthService.recheck: checks and records a catalog provider, null for a name outside the catalog. */
export interface ProviderRechecker {
  recheck(providerType: ProviderType, providerName: string, storedKeys: readonly string[]): Promise<ProviderHealthRecord | null>;
}

/** One provider to re-check, with the distinct keys tenants stored for it (at most MAX_KEYS_PER_PROVIDER). */
interface MonitoredProvider {
  readonly providerType: ProviderType;
  readonly providerName: string;
  readonly apiKeys: string[];
}

/** Matches ProviderHealthService's MAX_KEYS_PER_RECHECK: enough to get past a bad key or two, few requests per round. */
export const MAX_KEYS_PER_PROVIDER = 3;

export interface ProviderHealthMonitorOptions {
  readonly intervalSeconds: number;
  /**
   * Whether this instance runs background work now (the leader lease, SPEC.md §14): rounds are skipped while it
   * does not, so several instances check each provider once per interval between them. Default: always.
   */
  readonly isLeader?: () => boolean;
  readonly listEnabledProviders: EnabledProvidersSource;
  readonly rechecker: ProviderRechecker;
  readonly logger: HealthLogger;
  /** How many checks run at once; bounds outbound connections and the load on one provider. */
  readonly concurrency?: number;
  /** ± share of the interval added at random, so that instances started together do not check in lockstep. */
  readonly jitter?: number;
  readonly random?: () => number;
}

export class ProviderHealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private started = false;

  constructor(private readonly options: ProviderHealthMonitorOptions) {}

  start(): void {
    if (this.started || this.options.intervalSeconds <= 0) return;
    this.started = true;
    this.schedule();
  }

  /** Stops scheduling and waits for a round in progress, so shutdown does not cut checks off mid-write. */
  async stop(): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One round over every enabled provider. Each (type, name) is checked once, whichever tenants enabled it. */
  async runOnce(): Promise<void> {
    const providers = uniqueProviders(await this.options.listEnabledProviders());
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let provider = providers[next++]; provider; provider = providers[next++]) {
        await this.recheck(provider);
      }
    };
    const workers = Math.max(1, Math.min(this.options.concurrency ?? 4, providers.length));
    await Promise.all(Array.from({ length: workers }, worker));
    this.options.logger.info({ providers: providers.length }, "provider health round done");
  }

  /** setTimeout after each round (not setInterval): a slow round delays the next one instead of overlapping it. */
  private schedule(): void {
    if (!this.started) return;
    const { intervalSeconds, jitter = 0.1, random = Math.random } = this.options;
    const delayMs = intervalSeconds * 1000 * (1 + jitter * (2 * random() - 1));
    clearTimeout(this.timer); // a stop() and start() during a round would otherwise leave two timers
    this.timer = setTimeout(() => {
      if (this.options.isLeader && !this.options.isLeader()) {
        this.schedule();
        return;
      }
      this.running = this.runOnce()
        .catch((error: unknown) => {
          // The source is another module's query: report the failure kind, never its message (it may quote data).
          this.options.logger.warn({ reason: error instanceof Error ? error.name : "unknown" }, "provider health round failed");
        })
        .finally(() => {
          this.running = undefined;
          this.schedule();
        });
    }, delayMs);
    // The monitor must never keep the process alive on its own.
    this.timer.unref();
  }

  private async recheck(provider: MonitoredProvider): Promise<void> {
    try {
      await this.options.rechecker.recheck(provider.providerType, provider.providerName, provider.apiKeys);
    } catch (error: unknown) {
      const { providerType, providerName } = provider;
      this.options.logger.warn(
        { providerType, providerName, reason: error instanceof Error ? error.name : "unknown" },
        "provider recheck failed",
      );
    }
  }
}

/**
 * Health is kept per provider, so one check per (type, name) suffices. A key-requiring provider is checked with the
 * keys tenants stored, up to MAX_KEYS_PER_PROVIDER distinct ones (from different tenants unless two share a key), so
 * that the rechecker can try another when one tenant's key is bogus or revoked. Which keys make the cut is the order
 * the source lists them in; see ProviderHealthService.recheck for the risk that remains.
 */
export function uniqueProviders(providers: readonly EnabledProvider[]): MonitoredProvider[] {
  const unique = new Map<string, MonitoredProvider>();
  for (const { providerType, providerName, apiKey } of providers) {
    const key = `${providerType}\u0000${providerName}`;
    let provider = unique.get(key);
    if (!provider) {
      provider = { providerType, providerName, apiKeys: [] };
      unique.set(key, provider);
    }
    if (apiKey !== null && provider.apiKeys.length < MAX_KEYS_PER_PROVIDER && !provider.apiKeys.includes(apiKey)) {
      provider.apiKeys.push(apiKey);
    }
  }
  return [...unique.values()];
}

// Health checks on demand and the health memory behind them (SPEC.md §4 checkProviderHealth, Query.providerHealth).
// The memory is shared by every tenant and steers everyone's failover chains, so only checks whose outcome says
// something about the provider itself are recorded (SPEC.md §13): a keyless check of a provider that needs no key,
// and the monitor's checks with keys tenants stored. A caller's own key, or a missing key, would let one caller
// decide what every tenant sees; those checks are answered but not recorded.

import { assertScopeForSomeTenant, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import { PROVIDER_NAME } from "../../domain/validation.js";
import { badInput } from "../../errors.js";
import type { CatalogLookup, CheckTarget } from "./provider-check.target.js";
import type { ProviderChecker } from "./provider-health.checker.js";
import { isFailing, type ProviderHealthRecord } from "./provider-health.model.js";
import type { ProviderHealthStore } from "./provider-health.store.js";

export interface ProviderCheckRequest {
  readonly providerType: ProviderType;
  readonly providerName: string;
  /** Used for this one check only; never stored or logged. */
  readonly apiKey?: string | null | undefined;
}

const MAX_API_KEY_LENGTH = 4096;
/** SPEC.md §2's name shape; a name outside it is not echoed back in the error. */
/** How many stored keys one recheck may try; the monitor sends no more than this either. */
export const MAX_KEYS_PER_RECHECK = 3;

export class ProviderHealthService {
  /** Keyless checks in flight, by provider: concurrent identical checks share one outbound request. */
  private readonly inFlight = new Map<string, Promise<ProviderHealthRecord>>();

  constructor(
    private readonly catalog: CatalogLookup,
    private readonly checker: ProviderChecker,
    private readonly store: ProviderHealthStore,
  ) {}

  /**
   * No tenant's data is involved, but each check makes this service send a request to a third party, so it takes a
   * caller trusted to change some tenant's configs (SPEC.md §13), not just any valid token.
   */
  async check(caller: Caller, input: ProviderCheckRequest): Promise<ProviderHealthRecord> {
    assertScopeForSomeTenant(caller, Scope.CONFIG_WRITE);
    const apiKey = input.apiKey ?? null;
    if (apiKey !== null && (apiKey.length === 0 || apiKey.length > MAX_API_KEY_LENGTH)) {
      throw badInput("input.apiKey", `apiKey must be 1 to ${MAX_API_KEY_LENGTH} characters.`);
    }
    const { providerType, providerName } = input;
    const target = this.catalog(providerType, providerName);
    if (!target) {
      const name = PROVIDER_NAME.test(providerName) ? `'${providerName}'` : "This name";
      throw badInput("input.providerName", `${name} is not a known ${providerType} provider.`);
    }
    // The caller's key (good, bad or revoked) or the lack of a needed one describes the caller, not the provider.
    if (apiKey !== null || target.requiresApiKey) return this.checker.check(providerType, providerName, target, apiKey);
    return this.checkKeyless(providerType, providerName, target);
  }

  /**
   * For the background monitor, with the distinct keys tenants stored for this provider (at most
   * MAX_KEYS_PER_RECHECK are tried). Null when the catalog does not know the provider (a tenant may use any name).
   * A provider that needs no key is checked without one: a tenant's key for it could only make the result worse.
   * Otherwise the keys are tried in turn until one gets a non-failing answer, and that answer (or the last failure)
   * is recorded, so one tenant's bogus or revoked key cannot demote the provider for everyone while another tenant's
   * key works.
   * Residual risk: when every key tried is bad (a provider only the attacker's tenants configured, or attackers
   * holding all the key slots of a rarely used provider) the provider is recorded as failing until the next round or
   * until the result expires (HEALTH_RESULT_TTL_SECONDS); a chain never drops a provider, skipUnhealthy only moves it
   * to the end.
   */
  async recheck(providerType: ProviderType, providerName: string, storedKeys: readonly string[]): Promise<ProviderHealthRecord | null> {
    const target = this.catalog(providerType, providerName);
    if (!target) return null;
    if (!target.requiresApiKey) return this.checkKeyless(providerType, providerName, target);
    const [firstKey, ...otherKeys] = storedKeys.slice(0, MAX_KEYS_PER_RECHECK);
    // No stored key: the answer is `API key required` without a request, which says nothing about the provider.
    if (firstKey === undefined) return this.checker.check(providerType, providerName, target, null);
    let result = await this.checker.check(providerType, providerName, target, firstKey);
    for (const apiKey of otherKeys) {
      if (!isFailing(result.status)) break;
      result = await this.checker.check(providerType, providerName, target, apiKey);
    }
    await this.store.record(result);
    return result;
  }

  /** The last result; null when never checked or expired. Any authenticated caller may read it (SPEC.md §6). */
  async get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    return this.store.get(providerType, providerName);
  }

  /** Checks and records a provider that needs no key; many callers asking at once share one request. */
  private checkKeyless(providerType: ProviderType, providerName: string, target: CheckTarget): Promise<ProviderHealthRecord> {
    const key = `${providerType}\u0000${providerName}`;
    const running = this.inFlight.get(key);
    if (running) return running;
    const check = (async () => {
      const result = await this.checker.check(providerType, providerName, target, null);
      await this.store.record(result);
      return result;
    })().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, check);
    return check;
  }
}

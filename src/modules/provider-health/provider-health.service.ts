// Health checks on demand and the health memory behind them (SPEC.md §4 checkProviderHealth, Query.providerHealth).
import type { ProviderType } from "../../domain/provider.js";
import { badInput } from "../../errors.js";
import type { Caller } from "../access/caller.js";
import type { CatalogLookup, CheckTarget } from "./provider-check.target.js";
import type { ProviderChecker } from "./provider-health.checker.js";
import type { ProviderHealthRecord } from "./provider-health.model.js";
import type { ProviderHealthStore } from "./provider-health.store.js";

export interface ProviderCheckRequest {
  readonly providerType: ProviderType;
  readonly providerName: string;
  /** Used for this one check only; never stored or logged. */
  readonly apiKey?: string | null | undefined;
}

const MAX_API_KEY_LENGTH = 4096;
/** SPEC.md §2's name shape; a name outside it is not echoed back in the error. */
const PROVIDER_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;

export class ProviderHealthService {
  constructor(
    private readonly catalog: CatalogLookup,
    private readonly checker: ProviderChecker,
    private readonly store: ProviderHealthStore,
  ) {}

  /** Health concerns the catalog, not a tenant: any authenticated caller may check (SPEC.md §6), so no tenant check. */
  async check(_caller: Caller, input: ProviderCheckRequest): Promise<ProviderHealthRecord> {
    const apiKey = input.apiKey ?? null;
    if (apiKey !== null && (apiKey.length === 0 || apiKey.length > MAX_API_KEY_LENGTH)) {
      throw badInput("input.apiKey", `apiKey must be 1 to ${MAX_API_KEY_LENGTH} characters.`);
    }
    const target = this.catalog(input.providerType, input.providerName);
    if (!target) {
      const name = PROVIDER_NAME.test(input.providerName) ? `'${input.providerName}'` : "This name";
      throw badInput("input.providerName", `${name} is not a known ${input.providerType} provider.`);
    }
    return this.checkAndRecord(input.providerType, input.providerName, target, apiKey);
  }

  /** For the background monitor: null when the catalog does not know the provider (a tenant may use any name). */
  async recheck(providerType: ProviderType, providerName: string, apiKey: string | null): Promise<ProviderHealthRecord | null> {
    const target = this.catalog(providerType, providerName);
    return target ? this.checkAndRecord(providerType, providerName, target, apiKey) : null;
  }

  /** The last result; null when never checked. Any authenticated caller may read it (SPEC.md §6). */
  async get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    return this.store.get(providerType, providerName);
  }

  private async checkAndRecord(
    providerType: ProviderType,
    providerName: string,
    target: CheckTarget,
    apiKey: string | null,
  ): Promise<ProviderHealthRecord> {
    const result = await this.checker.check(providerType, providerName, target, apiKey);
    await this.store.record(result);
    return result;
  }
}

// The health memory: the last check result per provider (SPEC.md §4). Health is about a provider, not a tenant, so
// results are shared by every tenant; they hold no credentials.
import type { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthReader, ProviderHealthRecord } from "./provider-health.model.js";

export interface ProviderHealthStore extends ProviderHealthReader {
  /** Keeps this result as the provider's latest; never throws. */
  record(result: ProviderHealthRecord): Promise<void>;
}

/**
 * For a single instance without Redis. Unbounded on purpose: only catalog providers are ever checked (the service
 * rejects other names), so there are at most a few dozen entries.
 */
export class InMemoryProviderHealthStore implements ProviderHealthStore {
  private readonly results = new Map<string, ProviderHealthRecord>();

  async get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    return this.results.get(keyOf(providerType, providerName)) ?? null;
  }

  async getMany(providerType: ProviderType, providerNames: readonly string[]): Promise<Map<string, ProviderHealthRecord>> {
    const found = new Map<string, ProviderHealthRecord>();
    for (const name of providerNames) {
      const result = this.results.get(keyOf(providerType, name));
      if (result) found.set(name, result);
    }
    return found;
  }

  async record(result: ProviderHealthRecord): Promise<void> {
    this.results.set(keyOf(result.providerType, result.providerName), { ...result });
  }
}

const keyOf = (providerType: ProviderType, providerName: string): string => `${providerType}\u0000${providerName}`;

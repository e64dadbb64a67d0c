// A health store that tells an observer about every result it keeps (metrics), without the stores knowing about it.
import type { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthRecord } from "./provider-health.model.js";
import type { ProviderHealthStore } from "./provider-health.store.js";

/** Gets the result after it was recorded; must not throw (record() never does). */
export type ProviderHealthObserver = (result: ProviderHealthRecord) => void;

export class ObservedProviderHealthStore implements ProviderHealthStore {
  constructor(
    private readonly inner: ProviderHealthStore,
    private readonly observer: ProviderHealthObserver,
  ) {}

  get(providerType: ProviderType, providerName: string): Promise<ProviderHealthRecord | null> {
    return this.inner.get(providerType, providerName);
  }

  getMany(providerType: ProviderType, providerNames: readonly string[]): Promise<Map<string, ProviderHealthRecord>> {
    return this.inner.getMany(providerType, providerNames);
  }

  async record(result: ProviderHealthRecord): Promise<void> {
    await this.inner.record(result);
    this.observer(result);
  }
}

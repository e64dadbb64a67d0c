// Which configData fields of a provider are secret (SPEC.md §10.3): the properties its schema marks "x-secret".
// The one place that knows; a provider outside the catalog has none.
import type { JsonObject, ProviderType } from "../../domain/provider.js";
import type { ProviderInfo } from "./catalog.model.js";
import { secretProperties } from "./config-schema.js";

const NONE: readonly string[] = Object.freeze([]);
const keyOf = (providerType: ProviderType, providerName: string): string => `${providerType}/${providerName}`;

export interface SplitConfigData {
  plain: JsonObject;
  /** The secret fields present, with their values as given (null included). */
  secret: JsonObject;
}

export class SecretFields {
  private readonly byProvider = new Map<string, readonly string[]>();

  constructor(providers: readonly ProviderInfo[]) {
    for (const provider of providers) {
      const names = secretProperties(provider.configSchema).sort();
      if (names.length > 0) this.byProvider.set(keyOf(provider.providerType, provider.id), Object.freeze(names));
    }
  }

  /** The secret field names of a provider, sorted. */
  of(providerType: ProviderType, providerName: string): readonly string[] {
    return this.byProvider.get(keyOf(providerType, providerName)) ?? NONE;
  }

  /** Every secret field name of any provider (the start-up sealing step looks for these). */
  all(): string[] {
    return [...new Set([...this.byProvider.values()].flat())].sort();
  }

  split(providerType: ProviderType, providerName: string, configData: JsonObject): SplitConfigData {
    const names = this.of(providerType, providerName);
    if (!names.some((name) => Object.hasOwn(configData, name))) return { plain: configData, secret: {} };
    const plain: JsonObject = {};
    const secret: JsonObject = {};
    for (const [name, value] of Object.entries(configData)) {
      if (names.includes(name)) secret[name] = value;
      else plain[name] = value;
    }
    return { plain, secret };
  }
}

// Domain shapes of the catalog module, free of GraphQL and storage concerns.

import type { Caller } from "../../domain/caller.js";
import type { JsonObject, ProviderPriority, ProviderType } from "../../domain/provider.js";

/** Static facts about one provider, as in catalog.json. `id` is the name tenants store as `providerName`. */
export interface ProviderInfo {
  readonly id: string;
  readonly providerType: ProviderType;
  readonly name: string;
  readonly nameAr: string;
  readonly requiresApiKey: boolean;
  readonly defaultPriority: ProviderPriority;
  readonly baseUrl: string | null;
  /** Costs, countries (`supportedCountries`, `"*"` = every country), capabilities: see catalog.facts.ts. */
  readonly details: JsonObject;
  /** JSON Schema (draft 2020-12) of its configData, built from its type's base schema and these details (config-schema.ts). */
  readonly configSchema: JsonObject;
}

/** The part of a tenant's stored config that a failover chain needs. */
export interface StoredProviderRef {
  readonly providerName: string;
  readonly priority: ProviderPriority;
  readonly enabled: boolean;
}

/**
 * Implemented by the provider-config module. It returns every stored config of the tenant for that type,
 * disabled ones included (their mere existence decides between a configured and a catalog chain), and
 * checks the caller's access to the tenant itself.
 */
export interface TenantProviderReader {
  listForFailover(caller: Caller, tenantId: string, providerType: ProviderType): Promise<StoredProviderRef[]>;
}

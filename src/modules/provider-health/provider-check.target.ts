// What a health check needs to know about a provider. The catalog module owns the data; this module states only the
// shape it reads, so it does not depend on the catalog's types and the composition root adapts one to the other.
import type { ProviderType } from "../../domain/provider.js";

export interface CheckTarget {
  /** The catalog id, e.g. `open_meteo`. */
  readonly id: string;
  readonly requiresApiKey: boolean;
  readonly baseUrl: string | null;
  /** Unknown-typed so that the catalog's JSON details fit as they are; the request builder reads a string only. */
  readonly details: { readonly urlTemplate?: unknown };
}

/** Finds a catalog provider of that type by name; undefined when the catalog does not know it. */
export type CatalogLookup = (providerType: ProviderType, providerName: string) => CheckTarget | undefined;

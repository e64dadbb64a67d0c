// Typed access to the catalog `details` the selection and recommendation rules depend on. catalog.ts checks at
// load that every provider has these facts, so the fallbacks below only guard against a catalog edited in memory.
import { ProviderType } from "../../domain/provider.js";
import type { ProviderInfo } from "./catalog.model.js";

/** The detail each type is priced by (SPEC.md §4 selectProviders). */
export const COST_FIELD: Readonly<Record<ProviderType, string>> = {
  [ProviderType.MAP]: "costPer1kRequests",
  [ProviderType.WEATHER]: "costPer1kRequests",
  [ProviderType.SATELLITE]: "costPerKm2",
  [ProviderType.PAYMENT]: "transactionFeePercent",
  [ProviderType.SMS]: "costPerSmsUsd",
  [ProviderType.NOTIFICATION]: "costPer1kNotifications",
};

/** Types whose providers serve only some countries; a country narrows only these. */
export const COUNTRY_BOUND_TYPES: ReadonlySet<ProviderType> = new Set([ProviderType.PAYMENT, ProviderType.SMS]);

export const ANY_COUNTRY = "*";

/** An unpriced provider sorts last rather than looking free. */
export function costOf(provider: ProviderInfo): number {
  const cost = provider.details[COST_FIELD[provider.providerType]];
  return typeof cost === "number" ? cost : Number.POSITIVE_INFINITY;
}

export function supportedCountries(provider: ProviderInfo): string[] {
  const countries = provider.details.supportedCountries;
  return Array.isArray(countries) ? countries.filter((c): c is string => typeof c === "string") : [];
}

/** `country` must already be upper case; the catalog's own codes are compared case-insensitively too. */
export function servesCountry(provider: ProviderInfo, country: string): boolean {
  return supportedCountries(provider).some((c) => c === ANY_COUNTRY || c.toUpperCase() === country);
}

/** Whether a provider can serve `country` (upper case; undefined = any). Only country-bound types are narrowed. */
export function availableIn(provider: ProviderInfo, country: string | undefined): boolean {
  return country === undefined || !COUNTRY_BOUND_TYPES.has(provider.providerType) || servesCountry(provider, country);
}

export function supportsOffline(provider: ProviderInfo): boolean {
  return provider.details.supportsOffline === true;
}

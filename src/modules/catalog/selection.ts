// SPEC.md §4 selectProviders as a pure function: which providers of a type to use, cheapest first.
import { ProviderPriority, ProviderType } from "../../domain/provider.js";
import { availableIn, costOf } from "./catalog.facts.js";
import type { ProviderInfo } from "./catalog.model.js";

export interface ProviderSelection {
  providerType: ProviderType;
  country: string | null;
  selected: ProviderInfo[];
  fallbackProviders: ProviderInfo[];
}

export interface SelectionInput {
  providerType: ProviderType;
  /** The catalog providers of `providerType`, in catalog order (ties keep it). */
  catalog: readonly ProviderInfo[];
  /** Any case. Narrows PAYMENT and SMS; other types only echo it. */
  country?: string;
  includeFallback: boolean;
}

interface SelectionRule {
  /** How many to select. */
  count: number;
  /** Select among PRIMARY providers only; when there is none, the single cheapest of all. */
  primaryOnly: boolean;
  /** Keyless providers rank before any paid one, whatever their price. */
  keylessFirst: boolean;
}

const RULES: Readonly<Record<ProviderType, SelectionRule>> = {
  [ProviderType.PAYMENT]: { count: 2, primaryOnly: true, keylessFirst: false },
  [ProviderType.SMS]: { count: 1, primaryOnly: true, keylessFirst: false },
  [ProviderType.SATELLITE]: { count: 2, primaryOnly: false, keylessFirst: false },
  [ProviderType.WEATHER]: { count: 1, primaryOnly: false, keylessFirst: true },
  [ProviderType.MAP]: { count: 1, primaryOnly: false, keylessFirst: true },
  [ProviderType.NOTIFICATION]: { count: 1, primaryOnly: false, keylessFirst: false },
};

// An unknown country (say ZZ) simply matches no PAYMENT provider, so both lists are empty: the answer is "nothing
// here serves that country", not an error, because the catalog's country lists are not a complete ISO registry.
export function selectProviders(input: SelectionInput): ProviderSelection {
  const rule = RULES[input.providerType];
  const country = input.country?.toUpperCase();
  const ranked = input.catalog
    .filter((p) => availableIn(p, country))
    // Array#sort is stable, so equal keys keep catalog order.
    .sort((a, b) => (rule.keylessFirst ? Number(a.requiresApiKey) - Number(b.requiresApiKey) : 0) || costOf(a) - costOf(b));
  const primaries = rule.primaryOnly ? ranked.filter((p) => p.defaultPriority === ProviderPriority.PRIMARY) : ranked;
  const selected = rule.primaryOnly && primaries.length === 0 ? ranked.slice(0, 1) : primaries.slice(0, rule.count);
  return {
    providerType: input.providerType,
    country: country ?? null,
    selected,
    fallbackProviders: input.includeFallback ? ranked.filter((p) => !selected.includes(p)) : [],
  };
}

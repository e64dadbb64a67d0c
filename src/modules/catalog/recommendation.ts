// SPEC.md §4 recommendProviders as a pure function: a starter set of map, weather and satellite providers per budget.
import { ProviderType } from "../../domain/provider.js";
import { Budget } from "./budget.model.js";
import { supportsOffline } from "./catalog.facts.js";
import type { ProviderInfo } from "./catalog.model.js";
import { fitPhrase, type Phrase, type RecommendedName, replacesPhrase, WHY } from "./recommendation.text.js";

export interface Recommendation {
  providerType: ProviderType;
  providerName: string;
  reason: string;
  reasonAr: string;
}

export interface Recommendations {
  budget: Budget;
  useCase: string;
  offlineRequired: boolean;
  map: Recommendation[];
  weather: Recommendation[];
  satellite: Recommendation[];
}

export interface RecommendationInput {
  budget: Budget;
  useCase: string;
  offlineRequired: boolean;
  /** The catalog's MAP providers: whether a map works offline is a catalog fact, not part of these rules. */
  mapCatalog: readonly ProviderInfo[];
}

interface Tier {
  map: readonly RecommendedName[];
  /**
   * Used only when offlineRequired leaves none of `map`: the offline-capable map closest to what the tier
   * recommends at the tier's price. FREE: openstreetmap (free, no key); LOW and MEDIUM: mapbox_streets (the
   * tier's own pick); HIGH: mapbox_hybrid (the same labelled-satellite view as google_hybrid). Today only
   * HIGH needs it, but the rule holds if catalog facts change; a replacement that cannot work offline
   * either is dropped too, so the list is then empty rather than wrong.
   */
  offlineMap: readonly RecommendedName[];
  weather: readonly RecommendedName[];
  satellite: readonly RecommendedName[];
}

const LOW_TO_MEDIUM: Tier = {
  map: ["mapbox_streets", "mapbox_satellite"],
  offlineMap: ["mapbox_streets"],
  weather: ["open_meteo", "openweathermap"],
  satellite: ["sentinel_hub"],
};

const TIERS: Readonly<Record<Budget, Tier>> = {
  [Budget.FREE]: {
    map: ["openstreetmap", "esri_satellite"],
    offlineMap: ["openstreetmap"],
    weather: ["open_meteo"],
    satellite: ["landsat"],
  },
  [Budget.LOW]: LOW_TO_MEDIUM,
  [Budget.MEDIUM]: LOW_TO_MEDIUM,
  [Budget.HIGH]: { map: ["google_hybrid"], offlineMap: ["mapbox_hybrid"], weather: ["weather_api"], satellite: ["planet_labs"] },
};

export function recommendProviders(input: RecommendationInput): Recommendations {
  const tier = TIERS[input.budget];
  const suits = (offline: boolean): Phrase => fitPhrase(input.budget, input.useCase, offline);
  const item = (providerType: ProviderType, name: RecommendedName, why: Phrase, extra?: Phrase): Recommendation => ({
    providerType,
    providerName: name,
    reason: `${WHY[name].en} ${why.en}${extra?.en ?? ""}`,
    reasonAr: `${WHY[name].ar} ${why.ar}${extra?.ar ?? ""}`,
  });
  return {
    budget: input.budget,
    useCase: input.useCase,
    offlineRequired: input.offlineRequired,
    map: mapPicks(tier, input).map((pick) => item(ProviderType.MAP, pick.name, suits(input.offlineRequired), pick.replaces)),
    weather: tier.weather.map((name) => item(ProviderType.WEATHER, name, suits(false))),
    satellite: tier.satellite.map((name) => item(ProviderType.SATELLITE, name, suits(false))),
  };
}

function mapPicks(tier: Tier, input: RecommendationInput): Array<{ name: RecommendedName; replaces?: Phrase }> {
  if (!input.offlineRequired) return tier.map.map((name) => ({ name }));
  const provider = (name: string) => input.mapCatalog.find((p) => p.id === name);
  const worksOffline = (name: RecommendedName) => {
    const info = provider(name);
    return info !== undefined && supportsOffline(info);
  };
  const kept = tier.map.filter(worksOffline);
  if (kept.length > 0) return kept.map((name) => ({ name }));
  const replaced = replacesPhrase(tier.map.map((name) => ({ en: provider(name)?.name ?? name, ar: provider(name)?.nameAr ?? name })));
  return tier.offlineMap.filter(worksOffline).map((name) => ({ name, replaces: replaced }));
}

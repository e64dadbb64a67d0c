import { describe, expect, it } from "vitest";
import type { Budget } from "./budget.model.js";
import { loadCatalog } from "./catalog.js";
import type { ProviderInfo } from "./catalog.model.js";
import { recommendProviders } from "./recommendation.js";

const mapCatalog = loadCatalog().list("MAP");
const recommend = (budget: Budget, offlineRequired: boolean, useCase = "agricultural", maps: readonly ProviderInfo[] = mapCatalog) =>
  recommendProviders({ budget, useCase, offlineRequired, mapCatalog: maps });
const names = (budget: Budget, offlineRequired: boolean) => {
  const result = recommend(budget, offlineRequired);
  return [result.map, result.weather, result.satellite].map((items) => items.map((item) => item.providerName));
};

describe("recommendProviders", () => {
  it.each([
    ["FREE", true, ["openstreetmap", "esri_satellite"], ["open_meteo"], ["landsat"]],
    ["FREE", false, ["openstreetmap", "esri_satellite"], ["open_meteo"], ["landsat"]],
    ["LOW", true, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    ["LOW", false, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    ["MEDIUM", true, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    ["MEDIUM", false, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    // google_hybrid cannot work offline, so the offline replacement steps in.
    ["HIGH", true, ["mapbox_hybrid"], ["weather_api"], ["planet_labs"]],
    ["HIGH", false, ["google_hybrid"], ["weather_api"], ["planet_labs"]],
  ] as const)("%s with offlineRequired %s", (budget, offline, map, weather, satellite) => {
    expect(names(budget, offline)).toEqual([map, weather, satellite]);
  });

  it.each(["FREE", "LOW", "MEDIUM", "HIGH"] as const)("%s: echoes the question and types every item", (budget) => {
    const result = recommend(budget, true, "irrigation");
    expect(result).toMatchObject({ budget, useCase: "irrigation", offlineRequired: true });
    expect(new Set(result.map.map((r) => r.providerType))).toEqual(new Set(["MAP"]));
    expect(new Set(result.weather.map((r) => r.providerType))).toEqual(new Set(["WEATHER"]));
    expect(new Set(result.satellite.map((r) => r.providerType))).toEqual(new Set(["SATELLITE"]));
  });

  it.each(["FREE", "LOW", "MEDIUM", "HIGH"] as const)(
    "%s: every item has an English and an Arabic reason naming use case and budget",
    (budget) => {
      const result = recommend(budget, false);
      for (const item of [...result.map, ...result.weather, ...result.satellite]) {
        expect(item.reason).toContain(`agricultural use on a ${budget.toLowerCase()} budget`);
        expect(item.reasonAr).toContain("للاستخدام الزراعي");
        expect(item.reasonAr).toMatch(/[\u0600-\u06FF]/);
      }
    },
  );

  it("says why a map works offline, and what the offline replacement stands in for", () => {
    const [map] = recommend("HIGH", true).map;
    expect(map?.reason).toContain("works offline");
    expect(map?.reason).toContain("Replaces Google Hybrid");
    expect(map?.reasonAr).toContain("يعمل دون اتصال");
    expect(recommend("FREE", true).map[0]?.reason).not.toContain("Replaces");
    expect(recommend("FREE", false).map[0]?.reason).not.toContain("offline");
  });

  it("quotes an unfamiliar use case in Arabic as given", () => {
    expect(recommend("LOW", false, "fleet tracking").weather[0]?.reasonAr).toContain("«fleet tracking»");
  });

  it("reads offline support from the catalog facts, not from the rules", () => {
    const noOfflineStreets = mapCatalog.map((p) =>
      p.id === "mapbox_streets" ? { ...p, details: { ...p.details, supportsOffline: false } } : p,
    );
    expect(recommend("LOW", true, "agricultural", noOfflineStreets).map.map((r) => r.providerName)).toEqual(["mapbox_satellite"]);
    const noOfflineAtAll = mapCatalog.map((p) => ({ ...p, details: { ...p.details, supportsOffline: false } }));
    expect(recommend("HIGH", true, "agricultural", noOfflineAtAll).map).toEqual([]);
  });
});

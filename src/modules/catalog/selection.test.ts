import { describe, expect, it } from "vitest";
import type { ProviderType } from "../../domain/provider.js";
import { loadCatalog } from "./catalog.js";
import { selectProviders } from "./selection.js";

const catalog = loadCatalog();
const select = (providerType: ProviderType, country?: string, includeFallback = true) => {
  const result = selectProviders({ providerType, catalog: catalog.list(providerType), country, includeFallback });
  return { country: result.country, selected: result.selected.map((p) => p.id), fallbacks: result.fallbackProviders.map((p) => p.id) };
};

// Worked out by hand from catalog.json. PAYMENT fees: tharwatt 1.5 P, moyasar 2 P, hyperpay 2.5, tap 2.75, payfort 2.8,
// telr 2.85, stripe 2.9 P, paypal 3.49. SMS: vonage .0068, twilio .0075 P, yamamah .03 P, unifonic .035 P.
const ALL_SMS = { selected: ["twilio"], fallbacks: ["vonage", "yamamah", "unifonic"] };
const MAP_RANKED = ["esri_satellite", "esri_streets", "opentopomap", "mapbox_streets", "mapbox_satellite", "mapbox_hybrid", "google_maps"];

describe("selectProviders", () => {
  it.each([
    ["PAYMENT", undefined, ["tharwatt", "moyasar"], ["hyperpay", "tap", "payfort", "telr", "stripe", "paypal"]],
    ["PAYMENT", "YE", ["tharwatt", "stripe"], ["hyperpay"]],
    ["PAYMENT", "SA", ["moyasar", "stripe"], ["hyperpay", "tap", "payfort", "telr", "paypal"]],
    ["PAYMENT", "AE", ["stripe"], ["hyperpay", "tap", "payfort", "telr", "paypal"]],
    ["PAYMENT", "EG", ["tap"], ["payfort"]],
    ["PAYMENT", "US", ["stripe"], ["paypal"]],
    ["PAYMENT", "ZZ", [], []],
    ["SMS", undefined, ALL_SMS.selected, ALL_SMS.fallbacks],
    ["SMS", "YE", ALL_SMS.selected, ALL_SMS.fallbacks],
    ["SMS", "SA", ALL_SMS.selected, ALL_SMS.fallbacks],
    ["SMS", "AE", ["twilio"], ["vonage", "unifonic"]],
    ["SMS", "EG", ["twilio"], ["vonage", "unifonic"]],
    ["SMS", "US", ["twilio"], ["vonage"]],
    ["SMS", "ZZ", ["twilio"], ["vonage"]],
    // Ties at cost 0 keep catalog order: landsat, google_earth_engine, copernicus.
    ["SATELLITE", undefined, ["landsat", "google_earth_engine"], ["copernicus", "sentinel_hub", "planet_labs", "maxar"]],
    // Keyless first even against equally free keyed ones (openweathermap and weather_api cost 0 too).
    ["WEATHER", undefined, ["open_meteo"], ["openweathermap", "weather_api", "visual_crossing"]],
    ["MAP", undefined, ["openstreetmap"], [...MAP_RANKED, "google_satellite", "google_hybrid"]],
    ["NOTIFICATION", undefined, ["firebase_fcm"], ["onesignal", "pusher"]],
  ] as const)("%s in %s", (type, country, selected, fallbacks) => {
    expect(select(type, country)).toEqual({ country: country ?? null, selected, fallbacks });
  });

  it.each([
    ["PAYMENT", "ye", ["tharwatt", "stripe"]],
    ["PAYMENT", "eg", ["tap"]],
    ["SMS", "ae", ["twilio"]],
    ["SMS", "Us", ["twilio"]],
  ] as const)("treats %s country %s case-insensitively and echoes it upper case", (type, country, selected) => {
    expect(select(type, country)).toMatchObject({ country: country.toUpperCase(), selected });
  });

  it.each([
    ["MAP", "YE", ["openstreetmap"]],
    ["WEATHER", "ZZ", ["open_meteo"]],
    ["SATELLITE", "us", ["landsat", "google_earth_engine"]],
    ["NOTIFICATION", "EG", ["firebase_fcm"]],
  ] as const)("ignores the country of %s for filtering but echoes it (%s)", (type, country, selected) => {
    const result = select(type, country);
    expect(result).toMatchObject({ country: country.toUpperCase(), selected });
    expect(result.fallbacks.length).toBe(catalog.list(type).length - selected.length);
  });

  it.each(["MAP", "WEATHER", "SATELLITE", "PAYMENT", "SMS", "NOTIFICATION"] as const)(
    "%s: no fallbacks when includeFallback is false",
    (type) => {
      const result = select(type, undefined, false);
      expect(result.fallbacks).toEqual([]);
      expect(result.selected).toEqual(select(type).selected);
    },
  );

  it.each(["MAP", "WEATHER", "SATELLITE", "PAYMENT", "SMS", "NOTIFICATION"] as const)("%s: never both selected and fallback", (type) => {
    const { selected, fallbacks } = select(type);
    expect(selected.filter((id) => fallbacks.includes(id))).toEqual([]);
    expect(selected.length + fallbacks.length).toBe(catalog.list(type).length);
  });
});

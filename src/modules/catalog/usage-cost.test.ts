// SPEC.md §12 cost formulas, per provider type, against the real catalog's prices.
import { describe, expect, test } from "vitest";
import { type ProviderType, ProviderType as Type } from "../../domain/provider.js";
import { loadCatalog } from "./catalog.js";
import { estimatedCostUsd, rateLimitPerMinute } from "./usage-cost.js";

const catalog = loadCatalog();

describe("estimatedCostUsd", () => {
  const cases: Array<[string, ProviderType, string, number, number, number]> = [
    // [why, type, provider, quantity, amountUsd, expected USD]
    ["MAP: quantity / 1000 × costPer1kRequests", Type.MAP, "google_maps", 2500, 0, 17.5],
    ["MAP: a free provider", Type.MAP, "openstreetmap", 1_000_000, 0, 0],
    ["MAP: fractions of a thousand", Type.MAP, "mapbox_streets", 1, 0, 0.0005],
    ["WEATHER: quantity / 1000 × costPer1kRequests", Type.WEATHER, "visual_crossing", 12_000, 0, 1.2],
    ["SATELLITE: quantity × costPerKm2", Type.SATELLITE, "maxar", 3.5, 0, 52.5],
    ["SATELLITE: small prices", Type.SATELLITE, "sentinel_hub", 1500, 0, 1.5],
    ["PAYMENT: amountUsd × percent / 100 + quantity × fixed", Type.PAYMENT, "stripe", 10, 1000, 29 + 3],
    ["PAYMENT: no fixed fee", Type.PAYMENT, "moyasar", 4, 250, 5],
    ["PAYMENT: no amount given", Type.PAYMENT, "paypal", 2, 0, 0.98],
    ["SMS: quantity × costPerSmsUsd", Type.SMS, "twilio", 1000, 0, 7.5],
    ["SMS: another provider", Type.SMS, "unifonic", 3, 0, 0.105],
    ["NOTIFICATION: quantity / 1000 × costPer1kNotifications", Type.NOTIFICATION, "pusher", 50_000, 0, 1],
    ["NOTIFICATION: a free provider", Type.NOTIFICATION, "firebase_fcm", 50_000, 0, 0],
  ];
  test.each(cases)("%s", (_why, type, name, quantity, amountUsd, expected) => {
    const provider = catalog.find(type, name);
    expect(provider).toBeDefined();
    expect(estimatedCostUsd(type, provider, { quantity, amountUsd })).toBeCloseTo(expected, 9);
  });

  test("providers outside the catalog cost 0", () => {
    for (const type of Object.values(Type)) {
      expect(estimatedCostUsd(type, catalog.find(type, "in-house-gateway"), { quantity: 1e6, amountUsd: 1e6 })).toBe(0);
    }
  });

  test("sums are rounded to micro-dollars, without binary noise", () => {
    expect(estimatedCostUsd(Type.SMS, catalog.find(Type.SMS, "twilio"), { quantity: 3, amountUsd: 0 })).toBe(0.0225);
    expect(estimatedCostUsd(Type.MAP, catalog.find(Type.MAP, "mapbox_streets"), { quantity: 0.2, amountUsd: 0 })).toBe(0.0001);
  });
});

describe("rateLimitPerMinute", () => {
  test.each([
    ["open_meteo", 10_000],
    ["openweathermap", 60],
    ["weather_api", 100],
    ["visual_crossing", 1000],
  ])("WEATHER %s: %d per minute", (name, limit) => {
    expect(rateLimitPerMinute(catalog.find(Type.WEATHER, name))).toBe(limit);
  });

  test("null for providers without one, and outside the catalog", () => {
    expect(rateLimitPerMinute(catalog.find(Type.MAP, "google_maps"))).toBeNull();
    expect(rateLimitPerMinute(undefined)).toBeNull();
  });
});

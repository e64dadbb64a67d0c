import { describe, expect, it } from "vitest";
import type { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthRecord, ProviderStatus } from "../provider-health/provider-health.model.js";
import { loadCatalog } from "./catalog.js";
import type { StoredProviderRef } from "./catalog.model.js";
import { buildFailoverChain, type FailoverInput } from "./failover.js";

const catalog = loadCatalog();
const chain = (providerType: ProviderType, extra: Partial<FailoverInput> = {}) =>
  buildFailoverChain({ providerType, catalog: catalog.list(providerType), skipUnhealthy: false, ...extra });
const names = (providerType: ProviderType, extra: Partial<FailoverInput> = {}) => chain(providerType, extra).map((e) => e.providerName);

// Expected chains worked out by hand from catalog.json: defaultPriority, then catalog order.
const MAP_CHAIN = [
  "openstreetmap",
  "google_maps",
  "google_satellite",
  "mapbox_streets",
  "mapbox_satellite",
  "google_hybrid",
  "mapbox_hybrid",
  "esri_satellite",
  "esri_streets",
  "opentopomap",
];

describe("buildFailoverChain from the catalog", () => {
  it.each([
    ["MAP", undefined, MAP_CHAIN],
    ["MAP", "YE", MAP_CHAIN],
    ["WEATHER", undefined, ["open_meteo", "openweathermap", "weather_api", "visual_crossing"]],
    ["WEATHER", "zz", ["open_meteo", "openweathermap", "weather_api", "visual_crossing"]],
    ["SATELLITE", undefined, ["sentinel_hub", "planet_labs", "google_earth_engine", "maxar", "landsat", "copernicus"]],
    ["NOTIFICATION", undefined, ["firebase_fcm", "onesignal", "pusher"]],
    ["NOTIFICATION", "SA", ["firebase_fcm", "onesignal", "pusher"]],
    ["PAYMENT", undefined, ["stripe", "moyasar", "tharwatt", "paypal", "hyperpay", "tap", "payfort", "telr"]],
    ["PAYMENT", "YE", ["stripe", "tharwatt", "hyperpay"]],
    ["PAYMENT", "ye", ["stripe", "tharwatt", "hyperpay"]],
    ["PAYMENT", "SA", ["stripe", "moyasar", "paypal", "hyperpay", "tap", "payfort", "telr"]],
    ["PAYMENT", "AE", ["stripe", "paypal", "hyperpay", "tap", "payfort", "telr"]],
    ["PAYMENT", "EG", ["tap", "payfort"]],
    ["PAYMENT", "eg", ["tap", "payfort"]],
    ["PAYMENT", "US", ["stripe", "paypal"]],
    ["PAYMENT", "ZZ", []],
    ["SMS", undefined, ["twilio", "unifonic", "yamamah", "vonage"]],
    ["SMS", "YE", ["twilio", "unifonic", "yamamah", "vonage"]],
    ["SMS", "SA", ["twilio", "unifonic", "yamamah", "vonage"]],
    ["SMS", "sa", ["twilio", "unifonic", "yamamah", "vonage"]],
    ["SMS", "AE", ["twilio", "unifonic", "vonage"]],
    ["SMS", "EG", ["twilio", "unifonic", "vonage"]],
    ["SMS", "US", ["twilio", "vonage"]],
    ["SMS", "ZZ", ["twilio", "vonage"]],
  ] as const)("%s in %s", (type, country, expected) => {
    expect(names(type, { country })).toEqual(expected);
  });

  it("numbers entries from 1, uses default priorities and links the catalog entry", () => {
    expect(
      chain("WEATHER").map(({ order, priority, configured, provider, health, skipped }) => [
        order,
        priority,
        configured,
        provider?.id,
        health,
        skipped,
      ]),
    ).toEqual([
      [1, "PRIMARY", false, "open_meteo", null, false],
      [2, "SECONDARY", false, "openweathermap", null, false],
      [3, "SECONDARY", false, "weather_api", null, false],
      [4, "TERTIARY", false, "visual_crossing", null, false],
    ]);
  });

  it("falls back to the catalog when the tenant stored nothing of that type", () => {
    expect(chain("SMS", { stored: [] }).every((e) => !e.configured)).toBe(true);
    expect(names("SMS", { stored: [] })).toEqual(["twilio", "unifonic", "yamamah", "vonage"]);
  });
});

const stored = (providerName: string, priority: StoredProviderRef["priority"], enabled = true): StoredProviderRef => ({
  providerName,
  priority,
  enabled,
});

describe("buildFailoverChain from a tenant's configs", () => {
  it("keeps enabled, non-DISABLED configs by priority, then name in code-unit order", () => {
    const configs = [
      stored("map_b", "SECONDARY"),
      stored("mapbox_hybrid", "TERTIARY"),
      stored("map1", "SECONDARY"),
      stored("google_maps", "PRIMARY", false),
      stored("map-b", "SECONDARY"),
      stored("opentopomap", "DISABLED"),
      stored("map.b", "SECONDARY"),
      stored("openstreetmap", "PRIMARY"),
    ];
    const entries = chain("MAP", { stored: configs });
    expect(entries.map((e) => [e.order, e.providerName, e.priority, e.configured, e.provider?.id ?? null])).toEqual([
      [1, "openstreetmap", "PRIMARY", true, "openstreetmap"],
      [2, "map-b", "SECONDARY", true, null],
      [3, "map.b", "SECONDARY", true, null],
      [4, "map1", "SECONDARY", true, null],
      [5, "map_b", "SECONDARY", true, null],
      [6, "mapbox_hybrid", "TERTIARY", true, "mapbox_hybrid"],
    ]);
  });

  it("is empty when every stored config is disabled: the tenant's choice wins over the defaults", () => {
    expect(chain("WEATHER", { stored: [stored("open_meteo", "PRIMARY", false), stored("weather_api", "DISABLED")] })).toEqual([]);
  });

  it.each([
    ["EG", ["my_gateway"]],
    ["ye", ["tharwatt", "stripe", "my_gateway"]],
    ["SA", ["moyasar", "stripe", "my_gateway"]],
    ["ZZ", ["my_gateway"]],
    [undefined, ["moyasar", "tharwatt", "stripe", "my_gateway"]],
  ] as const)("filters PAYMENT configs by country %s, keeping names outside the catalog", (country, expected) => {
    const configs = [
      stored("stripe", "SECONDARY"),
      stored("tharwatt", "PRIMARY"),
      stored("moyasar", "PRIMARY"),
      stored("my_gateway", "TERTIARY"),
    ];
    expect(names("PAYMENT", { stored: configs, country })).toEqual(expected);
  });

  it("filters SMS configs by country too (* serves every country)", () => {
    const configs = [stored("yamamah", "PRIMARY"), stored("vonage", "SECONDARY")];
    expect(names("SMS", { stored: configs, country: "us" })).toEqual(["vonage"]);
    expect(names("SMS", { stored: configs, country: "YE" })).toEqual(["yamamah", "vonage"]);
  });
});

const checked = (providerName: string, status: ProviderStatus): [string, ProviderHealthRecord] => [
  providerName,
  { providerType: "MAP", providerName, status, checkedAt: new Date("2025-01-01T00:00:00Z"), responseTimeMs: null, errorMessage: null },
];

describe("buildFailoverChain with health", () => {
  const health = new Map([
    checked("openstreetmap", "ERROR"),
    checked("google_maps", "UNAVAILABLE"),
    checked("google_satellite", "RATE_LIMITED"),
    checked("mapbox_streets", "AVAILABLE"),
  ]);

  it("moves UNAVAILABLE and ERROR providers to the end, stably, and marks them", () => {
    const entries = chain("MAP", { health, skipUnhealthy: true });
    expect(entries.map((e) => e.providerName)).toEqual([...MAP_CHAIN.slice(2), "openstreetmap", "google_maps"]);
    expect(entries.map((e) => e.order)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(entries.filter((e) => e.skipped).map((e) => e.providerName)).toEqual(["openstreetmap", "google_maps"]);
    expect(entries.map((e) => e.health?.status ?? null).slice(0, 3)).toEqual(["RATE_LIMITED", "AVAILABLE", null]);
  });

  it("only reports health when skipUnhealthy is off", () => {
    const entries = chain("MAP", { health });
    expect(entries.map((e) => e.providerName)).toEqual(MAP_CHAIN);
    expect(entries.some((e) => e.skipped)).toBe(false);
    expect(entries[0]?.health?.status).toBe("ERROR");
  });

  it("demotes within a tenant chain as well", () => {
    const configs = [stored("openstreetmap", "PRIMARY"), stored("esri_streets", "SECONDARY"), stored("google_maps", "TERTIARY")];
    expect(names("MAP", { stored: configs, health, skipUnhealthy: true })).toEqual(["esri_streets", "openstreetmap", "google_maps"]);
  });
});

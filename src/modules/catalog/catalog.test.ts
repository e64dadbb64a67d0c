import { describe, expect, it } from "vitest";
import { loadCatalog, parseCatalog } from "./catalog.js";
import data from "./catalog.json" with { type: "json" };

const catalog = loadCatalog();
const ids = (type?: Parameters<typeof catalog.list>[0]) => catalog.list(type).map((p) => p.id);

describe("Catalog", () => {
  it("loads all 35 providers, types in enum order and catalog order within a type", () => {
    expect(catalog.list()).toHaveLength(35);
    expect([...new Set(catalog.list().map((p) => p.providerType))]).toEqual([
      "MAP",
      "WEATHER",
      "SATELLITE",
      "PAYMENT",
      "SMS",
      "NOTIFICATION",
    ]);
    expect(ids("SMS")).toEqual(["twilio", "vonage", "unifonic", "yamamah"]);
    expect(ids("NOTIFICATION")).toEqual(["firebase_fcm", "onesignal", "pusher"]);
    expect(ids("MAP")).toHaveLength(10);
  });

  it("keeps the JSON facts and adds the provider type", () => {
    expect(catalog.find("PAYMENT", "tharwatt")).toMatchObject({
      id: "tharwatt",
      providerType: "PAYMENT",
      name: expect.any(String),
      nameAr: expect.any(String),
      requiresApiKey: true,
      defaultPriority: "PRIMARY",
      baseUrl: "https://developers-test.tharwatt.com:5253",
      details: { supportedCountries: ["YE"], transactionFeePercent: 1.5 },
    });
    expect(catalog.find("MAP", "openstreetmap")?.baseUrl).toBeNull();
  });

  it("finds by type and name only", () => {
    expect(catalog.find("MAP", "twilio")).toBeUndefined();
    expect(catalog.find("SMS", "nope")).toBeUndefined();
  });

  it.each([
    ["MAP", "openstreetmap", false],
    ["MAP", "google_maps", true],
    ["WEATHER", "open_meteo", false],
    ["SATELLITE", "landsat", false],
    ["PAYMENT", "stripe", true],
    ["SMS", "twilio", true],
    ["NOTIFICATION", "firebase_fcm", true],
    ["MAP", "my_own_tiles", false],
    ["SMS", "openstreetmap", false],
  ] as const)("requiresApiKey(%s, %s) is %s", (type, name, expected) => {
    expect(catalog.requiresApiKey(type, name)).toBe(expected);
  });

  it("hands out fresh lists over frozen entries", () => {
    const list = catalog.list("MAP");
    list.reverse();
    expect(ids("MAP")[0]).toBe("openstreetmap");
    const osm = catalog.find("MAP", "openstreetmap");
    expect(() => Object.assign(osm?.details ?? {}, { maxZoom: 1 })).toThrow(TypeError);
  });
});

describe("parseCatalog", () => {
  const withMap = (map: unknown) => ({ catalog: { ...data.catalog, MAP: map } });
  const osm = data.catalog.MAP[0];

  it.each([
    ["a missing cost", withMap([{ ...osm, details: { supportsOffline: true } }]), "costPer1kRequests"],
    ["a map without supportsOffline", withMap([{ ...osm, details: { costPer1kRequests: 0 } }]), "supportsOffline"],
    [
      "a map with a fractional maxZoom (its configData schema's bound)",
      withMap([{ ...osm, details: { ...osm?.details, maxZoom: 1.5 } }]),
      "maxZoom",
    ],
    [
      "currencies that are not three-letter codes",
      {
        catalog: {
          ...data.catalog,
          PAYMENT: [{ ...data.catalog.PAYMENT[0], details: { ...data.catalog.PAYMENT[0]?.details, supportedCurrencies: ["usd"] } }],
        },
      },
      "supportedCurrencies",
    ],
    ["a duplicate id", withMap([osm, osm]), "duplicate ids"],
    ["an empty type", withMap([]), "no providers"],
    ["a bad priority", withMap([{ ...osm, defaultPriority: "FIRST" }]), "defaultPriority"],
    ["an unknown type", { catalog: { ...data.catalog, FAX: [] } }, "FAX"],
    [
      "SMS without countries",
      { catalog: { ...data.catalog, SMS: [{ ...data.catalog.SMS[0], details: { costPerSmsUsd: 1 } }] } },
      "supportedCountries",
    ],
  ])("rejects %s", (_, raw, message) => {
    expect(() => parseCatalog(raw)).toThrow(message);
  });
});

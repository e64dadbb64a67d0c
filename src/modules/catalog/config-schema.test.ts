import { describe, expect, it } from "vitest";
import { PROVIDER_TYPES } from "../../domain/provider.js";
import { loadCatalog } from "./catalog.js";
import { buildConfigSchema, JSON_SCHEMA_DIALECT, secretProperties } from "./config-schema.js";

const catalog = loadCatalog();
type Properties = Record<string, Record<string, unknown>>;
const propertiesOf = (schema: Record<string, unknown>): Properties => schema.properties as Properties;

describe("buildConfigSchema", () => {
  it("gives every catalog provider an open draft 2020-12 object schema", () => {
    for (const provider of catalog.list()) {
      expect(provider.configSchema, provider.id).toMatchObject({ $schema: JSON_SCHEMA_DIALECT, type: "object" });
      expect(provider.configSchema.title, provider.id).toContain(provider.name);
      // Unknown properties stay allowed (SPEC.md §10.3).
      expect(provider.configSchema, provider.id).not.toHaveProperty("additionalProperties");
    }
  });

  it.each([
    ["MAP", ["maxZoom", "style", "language"]],
    ["WEATHER", ["units", "language"]],
    ["SATELLITE", ["resolutionMeters", "indices"]],
    ["PAYMENT", ["currency", "merchantId", "webhookSecret"]],
    ["SMS", ["senderId", "from"]],
    ["NOTIFICATION", ["serviceAccountJson", "appId"]],
  ] as const)("types the known %s properties %j", (type, names) => {
    for (const provider of catalog.list(type)) expect(Object.keys(propertiesOf(provider.configSchema))).toEqual(names);
  });

  it.each([
    ["MAP", []],
    ["WEATHER", []],
    ["SATELLITE", []],
    ["PAYMENT", ["webhookSecret"]],
    ["SMS", []],
    ["NOTIFICATION", ["serviceAccountJson"]],
  ] as const)("marks the secret %s properties with x-secret", (type, secrets) => {
    for (const provider of catalog.list(type)) expect(secretProperties(provider.configSchema)).toEqual(secrets);
  });

  it("bounds a map's maxZoom by the catalog's maxZoom of that provider", () => {
    for (const provider of catalog.list("MAP")) {
      expect(propertiesOf(provider.configSchema).maxZoom).toMatchObject({ type: "integer", minimum: 0, maximum: provider.details.maxZoom });
    }
    expect(propertiesOf(catalog.find("MAP", "opentopomap")?.configSchema ?? {}).maxZoom?.maximum).toBe(17);
    expect(propertiesOf(catalog.find("MAP", "mapbox_streets")?.configSchema ?? {}).maxZoom?.maximum).toBe(22);
  });

  it("limits a payment provider's currency to the catalog's supportedCurrencies", () => {
    for (const provider of catalog.list("PAYMENT")) {
      expect(propertiesOf(provider.configSchema).currency).toMatchObject({
        type: "string",
        pattern: "^[A-Z]{3}$",
        enum: provider.details.supportedCurrencies,
      });
    }
  });

  it("limits a satellite provider's indices to the catalog's indices", () => {
    const landsat = catalog.find("SATELLITE", "landsat");
    expect(propertiesOf(landsat?.configSchema ?? {}).indices?.items).toEqual({ type: "string", enum: landsat?.details.indices });
  });

  it("keeps the type's base schema where the catalog lacks a fact", () => {
    for (const type of PROVIDER_TYPES) {
      const schema = buildConfigSchema(type, { id: "bare", name: "Bare", details: {} });
      const properties = propertiesOf(schema);
      expect(properties.maxZoom?.maximum).toBeUndefined();
      expect(properties.currency?.enum).toBeUndefined();
      expect(properties.indices?.items).toEqual(type === "SATELLITE" ? { type: "string" } : undefined);
    }
    expect(
      propertiesOf(buildConfigSchema("PAYMENT", { id: "p", name: "P", details: { supportedCurrencies: [] } })).currency?.enum,
    ).toBeUndefined();
  });

  it("builds a fresh schema each time: one provider's facts never leak into another's", () => {
    const a = buildConfigSchema("MAP", { id: "a", name: "A", details: { maxZoom: 3 } });
    const b = buildConfigSchema("MAP", { id: "b", name: "B", details: {} });
    expect(propertiesOf(a).maxZoom?.maximum).toBe(3);
    expect(propertiesOf(b).maxZoom?.maximum).toBeUndefined();
  });

  it("is frozen with the catalog entry", () => {
    const osm = catalog.find("MAP", "openstreetmap");
    expect(() => Object.assign(osm?.configSchema ?? {}, { additionalProperties: false })).toThrow(TypeError);
  });
});

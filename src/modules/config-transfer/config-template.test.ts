import { describe, expect, it } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { Budget } from "../catalog/budget.model.js";
import { Catalog, loadCatalog, parseCatalog } from "../catalog/catalog.js";
import data from "../catalog/catalog.json" with { type: "json" };
import { ConfigSchemaValidator } from "../catalog/config-schema.validator.js";
import { recommendProviders } from "../catalog/recommendation.js";
import { selectProviders } from "../catalog/selection.js";
import { checkTemplates, deriveTemplates, TEMPLATE_ENTRIES_SIZE, TEMPLATE_LIST_SIZE } from "./config-template.js";

const catalog = loadCatalog();
const templates = deriveTemplates(catalog);
const byName = (name: string) => {
  const template = templates.find((t) => t.name === name);
  if (!template) throw new Error(`no template ${name}`);
  return template;
};
const layout = (name: string) => byName(name).entries.map((e) => `${e.providerType} ${e.providerName} ${e.priority} ${e.enabled}`);

describe("deriveTemplates", () => {
  it("free is exactly SPEC.md §10.2's: all enabled, empty configData", () => {
    expect(layout("free")).toEqual([
      "MAP openstreetmap PRIMARY true",
      "MAP esri_satellite SECONDARY true",
      "WEATHER open_meteo PRIMARY true",
      "SATELLITE landsat PRIMARY true",
    ]);
    for (const entry of byName("free").entries) expect(entry.configData).toEqual({});
  });

  it("low, medium and high follow recommendProviders; providers that need a key are disabled", () => {
    expect(layout("low")).toEqual([
      "MAP mapbox_streets PRIMARY false",
      "MAP mapbox_satellite SECONDARY false",
      "WEATHER open_meteo PRIMARY true",
      "WEATHER openweathermap SECONDARY false",
      "SATELLITE sentinel_hub PRIMARY false",
    ]);
    expect(layout("medium")).toEqual(layout("low"));
    expect(layout("high")).toEqual([
      "MAP google_hybrid PRIMARY false",
      "WEATHER weather_api PRIMARY false",
      "SATELLITE planet_labs PRIMARY false",
    ]);
    for (const budget of Object.values(Budget)) {
      const picks = recommendProviders({
        budget,
        useCase: "agricultural",
        offlineRequired: false,
        mapCatalog: catalog.list(ProviderType.MAP),
      });
      const names = [...picks.map, ...picks.weather, ...picks.satellite].map((item) => item.providerName);
      expect(byName(budget.toLowerCase()).entries.map((e) => e.providerName)).toEqual(names);
    }
  });

  it("one country template per country code of PAYMENT and SMS providers, '*' excluded, in code order", () => {
    const countries = templates.filter((t) => t.name.startsWith("country-")).map((t) => t.name);
    expect(countries).toEqual(
      ["AE", "BH", "EG", "EU", "JO", "KW", "LB", "OM", "QA", "SA", "US", "YE"].map((c) => `country-${c.toLowerCase()}`),
    );
    expect(templates.map((t) => t.name).slice(0, 4)).toEqual(["free", "low", "medium", "high"]);
  });

  it("country templates hold PAYMENT and SMS by selectProviders: selected PRIMARY, fallbacks SECONDARY", () => {
    expect(layout("country-ye")).toEqual([
      "PAYMENT tharwatt PRIMARY false",
      "PAYMENT stripe PRIMARY false",
      "PAYMENT hyperpay SECONDARY false",
      "SMS twilio PRIMARY false",
      "SMS vonage SECONDARY false",
      "SMS yamamah SECONDARY false",
      "SMS unifonic SECONDARY false",
    ]);
    for (const template of templates.filter((t) => t.name.startsWith("country-"))) {
      const code = template.name.slice("country-".length);
      for (const providerType of [ProviderType.PAYMENT, ProviderType.SMS]) {
        const selection = selectProviders({ providerType, catalog: catalog.list(providerType), country: code, includeFallback: true });
        const expected = [
          ...selection.selected.map((p) => `${p.id} PRIMARY`),
          ...selection.fallbackProviders.map((p) => `${p.id} SECONDARY`),
        ];
        const actual = template.entries.filter((e) => e.providerType === providerType).map((e) => `${e.providerName} ${e.priority}`);
        expect(actual, `${template.name} ${providerType}`).toEqual(expected);
      }
    }
  });

  it("every entry is a catalog provider, enabled exactly when it needs no key; no key appears twice in a template", () => {
    for (const template of templates) {
      const keys = template.entries.map((e) => `${e.providerType}/${e.providerName}`);
      expect(new Set(keys).size, template.name).toBe(keys.length);
      for (const entry of template.entries) {
        const provider = catalog.find(entry.providerType, entry.providerName);
        expect(provider, `${template.name}: ${entry.providerName}`).toBeDefined();
        expect(entry.enabled).toBe(!provider?.requiresApiKey);
        expect(entry.configData).toEqual({});
      }
    }
  });

  it("stays within the list sizes the cost limit assumes", () => {
    expect(templates.length).toBeLessThanOrEqual(TEMPLATE_LIST_SIZE);
    for (const template of templates) expect(template.entries.length).toBeLessThanOrEqual(TEMPLATE_ENTRIES_SIZE);
  });

  it("describes each template in English and Arabic, naming its providers", () => {
    const free = byName("free");
    expect(free.description).toContain("OpenStreetMap");
    expect(free.description).not.toContain("API key");
    expect(free.descriptionAr).toContain("خريطة الشارع المفتوحة");
    expect(byName("country-sa").description).toMatch(/SA.*Moyasar.*API key/);
    expect(byName("country-sa").descriptionAr).toMatch(/[\u0600-\u06FF]/);
    for (const template of templates) expect(template.descriptionAr).not.toBe(template.description);
  });

  it("follows the catalog: a new country or provider makes a new template", () => {
    const raw = structuredClone(data) as { catalog: { SMS: Array<{ details: { supportedCountries: string[] } }> } };
    raw.catalog.SMS[3]?.details.supportedCountries.push("ma");
    const names = deriveTemplates(new Catalog(parseCatalog(raw))).map((t) => t.name);
    expect(names).toContain("country-ma");
  });
});

describe("checkTemplates", () => {
  const schemas = new ConfigSchemaValidator(catalog.list());

  it("passes every built-in template: its configData meets the providers' schemas (SPEC.md §10.3)", () => {
    expect(() => checkTemplates(templates, schemas)).not.toThrow();
  });

  it("stops the start-up on a template whose configData breaks a schema, naming the entry", () => {
    const free = byName("free");
    const broken = {
      ...free,
      entries: free.entries.map((entry, index) => (index === 2 ? { ...entry, configData: { units: "kelvin" } } : entry)),
    };
    expect(() => checkTemplates([broken], schemas)).toThrow("free.entries[2].configData.units: must be one of metric, imperial");
  });
});

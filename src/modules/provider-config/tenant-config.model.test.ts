// buildTenantConfig (SPEC.md §4): configs grouped by type; built-in map/weather defaults until the tenant stores any
// MAP, WEATHER or SATELLITE config (even a disabled one); other types are always listed as stored.
import { describe, expect, test } from "vitest";
import { ProviderPriority, ProviderType } from "../../domain/provider.js";
import type { ProviderConfigRecord } from "./provider-config.model.js";
import { buildTenantConfig } from "./tenant-config.model.js";

let sequence = 0;
function record(providerType: ProviderType, providerName: string, overrides: Partial<ProviderConfigRecord> = {}): ProviderConfigRecord {
  sequence++;
  return {
    id: `00000000-0000-4000-8000-${String(sequence).padStart(12, "0")}`,
    tenantId: "acme",
    providerType,
    providerName,
    priority: ProviderPriority.PRIMARY,
    enabled: true,
    configData: { n: sequence },
    hasApiKey: true,
    hasApiSecret: true,
    apiKeyHint: "****abcd",
    secretFields: [],
    version: 2,
    createdAt: new Date("2026-01-01T00:00:00Z"),
    updatedAt: new Date("2026-01-02T00:00:00Z"),
    createdBy: "alice",
    updatedBy: "bob",
    ...overrides,
  };
}

const DEFAULT_MAP = [
  {
    id: null,
    providerType: "MAP",
    providerName: "openstreetmap",
    priority: "PRIMARY",
    enabled: true,
    configData: {},
    hasApiKey: false,
    version: null,
  },
  {
    id: null,
    providerType: "MAP",
    providerName: "esri_satellite",
    priority: "SECONDARY",
    enabled: true,
    configData: {},
    hasApiKey: false,
    version: null,
  },
];
const DEFAULT_WEATHER = [
  {
    id: null,
    providerType: "WEATHER",
    providerName: "open_meteo",
    priority: "PRIMARY",
    enabled: true,
    configData: {},
    hasApiKey: false,
    version: null,
  },
];

describe("buildTenantConfig", () => {
  test("a tenant with nothing stored gets the built-in defaults", () => {
    expect(buildTenantConfig("acme", [])).toEqual({
      tenantId: "acme",
      isDefault: true,
      mapProviders: DEFAULT_MAP,
      weatherProviders: DEFAULT_WEATHER,
      satelliteProviders: [],
      paymentProviders: [],
      smsProviders: [],
      notificationProviders: [],
    });
  });

  test("stored payment, SMS and notification configs are listed next to the defaults", () => {
    const configs = [
      record(ProviderType.PAYMENT, "stripe"),
      record(ProviderType.SMS, "twilio"),
      record(ProviderType.NOTIFICATION, "onesignal"),
    ];
    const tenantConfig = buildTenantConfig("acme", configs);
    expect(tenantConfig).toMatchObject({
      isDefault: true,
      mapProviders: DEFAULT_MAP,
      weatherProviders: DEFAULT_WEATHER,
      satelliteProviders: [],
    });
    expect(tenantConfig.paymentProviders.map((view) => view.id)).toEqual([configs[0]?.id]);
    expect(tenantConfig.smsProviders.map((view) => view.providerName)).toEqual(["twilio"]);
    expect(tenantConfig.notificationProviders.map((view) => view.providerName)).toEqual(["onesignal"]);
  });

  test.each([ProviderType.MAP, ProviderType.WEATHER, ProviderType.SATELLITE])("one disabled %s config replaces every default", (type) => {
    const stored = record(type, "mine", { enabled: false, priority: ProviderPriority.DISABLED });
    const tenantConfig = buildTenantConfig("acme", [stored]);
    expect(tenantConfig.isDefault).toBe(false);
    const lists = [tenantConfig.mapProviders, tenantConfig.weatherProviders, tenantConfig.satelliteProviders];
    expect(lists.flat()).toEqual([expect.objectContaining({ id: stored.id, enabled: false, priority: "DISABLED" })]);
  });

  test("views keep the given order and carry no credential material", () => {
    const configs = [
      record(ProviderType.MAP, "mapbox_streets"),
      record(ProviderType.MAP, "esri_streets", { priority: ProviderPriority.SECONDARY }),
      record(ProviderType.WEATHER, "open_meteo", { hasApiKey: false }),
    ];
    const tenantConfig = buildTenantConfig("acme", configs);
    expect(tenantConfig.mapProviders.map((view) => view.providerName)).toEqual(["mapbox_streets", "esri_streets"]);
    expect(tenantConfig.weatherProviders).toEqual([
      {
        id: configs[2]?.id,
        providerType: "WEATHER",
        providerName: "open_meteo",
        priority: "PRIMARY",
        enabled: true,
        configData: configs[2]?.configData,
        hasApiKey: false,
        version: 2,
      },
    ]);
    for (const view of tenantConfig.mapProviders) expect(Object.keys(view)).not.toContain("apiKeyHint");
  });

  test("the defaults handed out are copies: changing one does not change the next", () => {
    const first = buildTenantConfig("a", []);
    const [openstreetmap] = first.mapProviders;
    if (openstreetmap) openstreetmap.enabled = false;
    expect(buildTenantConfig("b", []).mapProviders[0]?.enabled).toBe(true);
  });
});

// SPEC.md §4 catalog and health reads end to end, through the real app over HTTP: the catalog, ProviderConfig.provider,
// failover chains (stored and catalog, country filters, skipUnhealthy), selection, recommendation, live checks and the
// shared health memory (which records only keyless checks of providers that need no key here; SPEC.md §13, and
// test/health-poisoning.test.ts). The pure rules have unit tests in src/modules/catalog; this file checks the wiring.
// Every health check goes to a local fake provider (PROVIDER_CHECK_ORIGIN_OVERRIDE), never to the internet.
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  CheckProviderHealthDocument,
  FailoverChainDocument,
  type FailoverChainQuery,
  ProviderCatalogDocument,
  type ProviderCatalogQuery,
  ProviderConfigsDocument,
  ProviderHealthDocument,
  type ProviderType,
  RecommendProvidersDocument,
  SelectProvidersDocument,
  UpsertProviderConfigDocument,
  type UpsertProviderConfigInput,
} from "./generated/graphql.js";
import { codeOf, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";

type CatalogEntry = ProviderCatalogQuery["providerCatalog"][number];
type ChainEntry = FailoverChainQuery["failoverChain"]["entries"][number];

/** The paths the catalog's URLs give for each check (SPEC.md §4: MAP tile z=10 x=512 y=512, weather at 15.37,44.19). */
const PATHS = {
  openstreetmap: "/10/512/512.png",
  esri_satellite: "/ArcGIS/rest/services/World_Imagery/MapServer/tile/10/512/512",
  esri_streets: "/ArcGIS/rest/services/World_Street_Map/MapServer/tile/10/512/512",
  open_meteo: "/v1/forecast",
  openweathermap: "/data/2.5/weather",
  weather_api: "/v1/current.json",
} as const;

let upstream: FakeProviderServer;
let t: TestApp;
beforeAll(async () => {
  upstream = await startFakeProvider();
  t = await startTestApp({ env: { PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin, PROVIDER_CHECK_TIMEOUT_MS: "3000" } });
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

const upsert = async (input: UpsertProviderConfigInput) => {
  const response = await t.run(UpsertProviderConfigDocument, { input });
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig;
};

const chain = async (
  app: TestApp,
  variables: { providerType: ProviderType; tenantId?: string; country?: string; skipUnhealthy?: boolean },
) => {
  const response = await app.run(FailoverChainDocument, variables);
  expect(response.errors).toBeUndefined();
  return response.data?.failoverChain;
};

const names = (entries: ReadonlyArray<{ providerName: string }> | undefined) => entries?.map((entry) => entry.providerName);

const check = (app: TestApp, providerType: ProviderType, providerName: string, apiKey?: string) =>
  app.run(CheckProviderHealthDocument, { input: { providerType, providerName, apiKey } });

describe("providerCatalog", () => {
  test("all 35 providers, exactly as catalog.json has them, in catalog order", async () => {
    const file = JSON.parse(await readFile(new URL("../src/modules/catalog/catalog.json", import.meta.url), "utf8")) as {
      catalog: Record<string, Array<Omit<CatalogEntry, "providerType">>>;
    };
    const expected = Object.entries(file.catalog).flatMap(([providerType, providers]) =>
      providers.map((provider) => ({ ...provider, providerType })),
    );
    const { data, errors } = await t.run(ProviderCatalogDocument, {});
    expect(errors).toBeUndefined();
    expect(data?.providerCatalog).toHaveLength(35);
    expect(data?.providerCatalog).toEqual(expected);
  });

  test.each([
    ["MAP", 10, "openstreetmap", "opentopomap"],
    ["WEATHER", 4, "open_meteo", "visual_crossing"],
    ["SATELLITE", 6, "sentinel_hub", "copernicus"],
    ["PAYMENT", 8, "stripe", "tharwatt"],
    ["SMS", 4, "twilio", "yamamah"],
    ["NOTIFICATION", 3, "firebase_fcm", "pusher"],
  ] as const)("%s: %i providers of that type only, from %s to %s", async (providerType, count, first, last) => {
    const { data } = await t.run(ProviderCatalogDocument, { providerType });
    const list = data?.providerCatalog ?? [];
    expect(list).toHaveLength(count);
    expect(list.every((provider) => provider.providerType === providerType)).toBe(true);
    expect([list[0]?.id, list.at(-1)?.id]).toEqual([first, last]);
  });

  test("Arabic names and details come through", async () => {
    const { data } = await t.run(ProviderCatalogDocument, { providerType: "PAYMENT" });
    const tharwatt = data?.providerCatalog.find((provider) => provider.id === "tharwatt");
    expect(tharwatt).toMatchObject({ name: expect.any(String), requiresApiKey: true, defaultPriority: "PRIMARY" });
    expect(tharwatt?.nameAr).toMatch(/[\u0600-\u06FF]/);
    expect(tharwatt?.details).toMatchObject({ supportedCountries: ["YE"], transactionFeePercent: 1.5 });
    const maps = await t.run(ProviderCatalogDocument, { providerType: "MAP" });
    expect(maps.data?.providerCatalog[0]).toMatchObject({
      id: "openstreetmap",
      name: "OpenStreetMap",
      nameAr: "خريطة الشارع المفتوحة",
      baseUrl: null,
      details: { maxZoom: 19, supportsOffline: true, costPer1kRequests: 0 },
    });
  });
});

test("ProviderConfig.provider is the catalog entry, null for a name outside the catalog", async () => {
  const tenantId = tenant("cat");
  await upsert({ tenantId, providerType: "SMS", providerName: "unifonic", apiKey: "unifonic-key-123456" });
  await upsert({ tenantId, providerType: "SMS", providerName: "in-house.sms", priority: "SECONDARY" });
  const { data } = await t.run(ProviderConfigsDocument, { tenantId });
  expect(data?.providerConfigs.map((config) => [config.providerName, config.provider])).toEqual([
    [
      "unifonic",
      {
        id: "unifonic",
        name: expect.any(String),
        nameAr: expect.stringMatching(/[\u0600-\u06FF]/),
        requiresApiKey: true,
        defaultPriority: "PRIMARY",
      },
    ],
    ["in-house.sms", null],
  ]);
});

describe("failoverChain", () => {
  const project = (entries: readonly ChainEntry[] | undefined) =>
    entries?.map((e) => [e.order, e.providerName, e.priority, e.configured, e.provider?.id ?? null]);

  test("a tenant's stored configs: enabled and not DISABLED, by priority then name, configured", async () => {
    const tenantId = tenant("chain");
    await upsert({ tenantId, providerType: "MAP", providerName: "esri_streets", priority: "SECONDARY" });
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "PRIMARY" });
    await upsert({ tenantId, providerType: "MAP", providerName: "google_maps", priority: "PRIMARY", apiKey: "google-key-123456" });
    await upsert({ tenantId, providerType: "MAP", providerName: "mapbox_streets", priority: "DISABLED", apiKey: "pk.mapbox-123456" });
    await upsert({ tenantId, providerType: "MAP", providerName: "opentopomap", priority: "TERTIARY", enabled: false });
    await upsert({ tenantId, providerType: "MAP", providerName: "in-house-tiles", priority: "SECONDARY" });
    const result = await chain(t, { providerType: "MAP", tenantId });
    expect(result).toMatchObject({ providerType: "MAP", tenantId, country: null });
    expect(project(result?.entries)).toEqual([
      [1, "google_maps", "PRIMARY", true, "google_maps"],
      [2, "openstreetmap", "PRIMARY", true, "openstreetmap"],
      [3, "esri_streets", "SECONDARY", true, "esri_streets"],
      [4, "in-house-tiles", "SECONDARY", true, null],
    ]);
    expect(result?.entries.every((entry) => !entry.skipped)).toBe(true);
  });

  test("empty when every stored config of the type is unusable: the tenant's choice is respected", async () => {
    const tenantId = tenant("chain");
    await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo", enabled: false });
    await upsert({ tenantId, providerType: "WEATHER", providerName: "openweathermap", priority: "DISABLED", apiKey: "owm-key-123456" });
    expect((await chain(t, { providerType: "WEATHER", tenantId }))?.entries).toEqual([]);
  });

  test("a tenant with nothing stored for the type gets the catalog chain, not configured", async () => {
    const tenantId = tenant("chain");
    await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
    const sms = await chain(t, { providerType: "SMS", tenantId });
    expect(sms?.tenantId).toBe(tenantId);
    expect(project(sms?.entries)).toEqual([
      [1, "twilio", "PRIMARY", false, "twilio"],
      [2, "unifonic", "PRIMARY", false, "unifonic"],
      [3, "yamamah", "PRIMARY", false, "yamamah"],
      [4, "vonage", "SECONDARY", false, "vonage"],
    ]);
    const untouched = await chain(t, { providerType: "SMS", tenantId: tenant("chain") });
    expect(project(untouched?.entries)).toEqual(project(sms?.entries));
  });

  test.each([
    [
      "MAP",
      [
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
      ],
    ],
    ["WEATHER", ["open_meteo", "openweathermap", "weather_api", "visual_crossing"]],
    ["SATELLITE", ["sentinel_hub", "planet_labs", "google_earth_engine", "maxar", "landsat", "copernicus"]],
    ["PAYMENT", ["stripe", "moyasar", "tharwatt", "paypal", "hyperpay", "tap", "payfort", "telr"]],
    ["SMS", ["twilio", "unifonic", "yamamah", "vonage"]],
    ["NOTIFICATION", ["firebase_fcm", "onesignal", "pusher"]],
  ] as const)("without a tenant, %s has a catalog chain by default priority, then catalog order", async (providerType, expected) => {
    const result = await chain(t, { providerType });
    expect(result).toMatchObject({ providerType, tenantId: null, country: null });
    expect(names(result?.entries)).toEqual(expected);
    expect(result?.entries.map((entry) => entry.order)).toEqual(expected.map((_, index) => index + 1));
    expect(result?.entries.every((entry) => !entry.configured && entry.provider?.id === entry.providerName)).toBe(true);
  });

  test.each([
    ["PAYMENT", "ye", ["stripe", "tharwatt", "hyperpay"]],
    ["PAYMENT", "Ye", ["stripe", "tharwatt", "hyperpay"]],
    ["PAYMENT", "EG", ["tap", "payfort"]],
    ["PAYMENT", "jp", []],
    ["SMS", "ye", ["twilio", "unifonic", "yamamah", "vonage"]],
    ["SMS", "us", ["twilio", "vonage"]],
  ] as const)("%s in country %s (any case): only providers serving it or '*'", async (providerType, country, expected) => {
    const result = await chain(t, { providerType, country });
    expect(result?.country).toBe(country.toUpperCase());
    expect(names(result?.entries)).toEqual(expected);
  });

  test("a country does not narrow MAP, WEATHER, SATELLITE or NOTIFICATION", async () => {
    for (const providerType of ["MAP", "WEATHER", "SATELLITE", "NOTIFICATION"] as const) {
      expect(names((await chain(t, { providerType, country: "ye" }))?.entries)).toEqual(names((await chain(t, { providerType }))?.entries));
    }
  });

  test("a country narrows a tenant's stored chain too, keeping names outside the catalog", async () => {
    const tenantId = tenant("chain");
    await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: "sk_test_123456789" });
    await upsert({ tenantId, providerType: "PAYMENT", providerName: "moyasar", apiKey: "sk_moyasar_123456" });
    await upsert({ tenantId, providerType: "PAYMENT", providerName: "local-wallet", priority: "SECONDARY" });
    expect(names((await chain(t, { providerType: "PAYMENT", tenantId }))?.entries)).toEqual(["moyasar", "stripe", "local-wallet"]);
    const yemen = await chain(t, { providerType: "PAYMENT", tenantId, country: "ye" });
    expect(names(yemen?.entries)).toEqual(["stripe", "local-wallet"]);
    expect(yemen?.entries.every((entry) => entry.configured)).toBe(true);
    expect(names((await chain(t, { providerType: "PAYMENT", tenantId, country: "us" }))?.entries)).toEqual(["stripe", "local-wallet"]);
  });

  test("a malformed country or tenant id is BAD_USER_INPUT", async () => {
    expect(codeOf(await t.run(FailoverChainDocument, { providerType: "PAYMENT", country: "yem" }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await t.run(FailoverChainDocument, { providerType: "PAYMENT", tenantId: "-bad" }))).toBe("BAD_USER_INPUT");
  });
});

describe("selectProviders", () => {
  const select = async (providerType: ProviderType, country?: string, includeFallback?: boolean) => {
    const { data, errors } = await t.run(SelectProvidersDocument, { providerType, country, includeFallback });
    expect(errors).toBeUndefined();
    const selection = data?.selectProviders;
    return {
      country: selection?.country,
      selected: selection?.selected.map(({ id }) => id),
      fallbacks: selection?.fallbackProviders.map(({ id }) => id),
    };
  };

  test.each([
    ["PAYMENT", "ye", ["tharwatt", "stripe"], ["hyperpay"]],
    ["PAYMENT", undefined, ["tharwatt", "moyasar"], ["hyperpay", "tap", "payfort", "telr", "stripe", "paypal"]],
    ["PAYMENT", "eg", ["tap"], ["payfort"]],
    ["SMS", "YE", ["twilio"], ["vonage", "yamamah", "unifonic"]],
    ["SMS", "de", ["twilio"], ["vonage"]],
    ["SATELLITE", undefined, ["landsat", "google_earth_engine"], ["copernicus", "sentinel_hub", "planet_labs", "maxar"]],
    ["WEATHER", undefined, ["open_meteo"], ["openweathermap", "weather_api", "visual_crossing"]],
    [
      "MAP",
      undefined,
      ["openstreetmap"],
      [
        "esri_satellite",
        "esri_streets",
        "opentopomap",
        "mapbox_streets",
        "mapbox_satellite",
        "mapbox_hybrid",
        "google_maps",
        "google_satellite",
        "google_hybrid",
      ],
    ],
    ["NOTIFICATION", undefined, ["firebase_fcm"], ["onesignal", "pusher"]],
  ] as const)("%s in %s selects %j, then falls back to %j", async (providerType, country, selected, fallbacks) => {
    expect(await select(providerType, country)).toEqual({ country: country?.toUpperCase() ?? null, selected, fallbacks });
  });

  test("includeFallback: false gives no fallbacks", async () => {
    expect(await select("PAYMENT", "ye", false)).toEqual({ country: "YE", selected: ["tharwatt", "stripe"], fallbacks: [] });
  });
});

describe("recommendProviders", () => {
  const recommend = async (budget: "FREE" | "LOW" | "MEDIUM" | "HIGH", offlineRequired?: boolean) => {
    const { data, errors } = await t.run(RecommendProvidersDocument, { budget, offlineRequired });
    expect(errors).toBeUndefined();
    return data?.recommendProviders;
  };

  test.each([
    ["FREE", true, ["openstreetmap", "esri_satellite"], ["open_meteo"], ["landsat"]],
    ["LOW", true, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    ["MEDIUM", false, ["mapbox_streets", "mapbox_satellite"], ["open_meteo", "openweathermap"], ["sentinel_hub"]],
    ["HIGH", false, ["google_hybrid"], ["weather_api"], ["planet_labs"]],
    ["HIGH", true, ["mapbox_hybrid"], ["weather_api"], ["planet_labs"]],
  ] as const)("%s (offline %s): map %j, weather %j, satellite %j", async (budget, offlineRequired, map, weather, satellite) => {
    const result = await recommend(budget, offlineRequired);
    expect(result).toMatchObject({ budget, offlineRequired, useCase: "agricultural" });
    expect([names(result?.map), names(result?.weather), names(result?.satellite)]).toEqual([map, weather, satellite]);
    for (const item of [...(result?.map ?? []), ...(result?.weather ?? []), ...(result?.satellite ?? [])]) {
      expect(item.reason.length).toBeGreaterThan(0);
      expect(item.reasonAr).toMatch(/[\u0600-\u06FF]/);
    }
    expect(result?.map.every((item) => item.providerType === "MAP")).toBe(true);
  });

  test("offlineRequired defaults to true", async () => {
    expect(names((await recommend("HIGH"))?.map)).toEqual(["mapbox_hybrid"]);
  });
});

describe("checkProviderHealth and providerHealth", () => {
  test("a MAP tile answering 200 is AVAILABLE, with the response time; the tile z=10 x=512 y=512 was asked for", async () => {
    upstream.respond(PATHS.openstreetmap, 200);
    const { data, errors } = await check(t, "MAP", "openstreetmap");
    expect(errors).toBeUndefined();
    expect(data?.checkProviderHealth).toMatchObject({
      providerType: "MAP",
      providerName: "openstreetmap",
      status: "AVAILABLE",
      errorMessage: null,
    });
    expect(data?.checkProviderHealth.responseTimeMs).toEqual(expect.any(Number));
    expect(data?.checkProviderHealth.responseTimeMs).toBeGreaterThanOrEqual(0);
    expect(Number.isNaN(Date.parse(data?.checkProviderHealth.checkedAt ?? ""))).toBe(false);
    expect(upstream.requests).toContain(PATHS.openstreetmap);
  });

  test("HTTP 500 is UNAVAILABLE", async () => {
    upstream.respond(PATHS.esri_satellite, 500);
    const { data } = await check(t, "MAP", "esri_satellite");
    expect(data?.checkProviderHealth).toMatchObject({ status: "UNAVAILABLE", errorMessage: "HTTP 500" });
  });

  test("HTTP 429 is RATE_LIMITED; the key is sent to the provider but never returned, logged or recorded", async () => {
    const apiKey = "owm-SECRET-key-4242";
    upstream.respond(PATHS.openweathermap, 429);
    const { data } = await check(t, "WEATHER", "openweathermap", apiKey);
    expect(data?.checkProviderHealth).toMatchObject({ status: "RATE_LIMITED" });
    const request = upstream.requests.find((url) => url.startsWith(`${PATHS.openweathermap}?`));
    expect(new URL(request ?? "/", "http://fake").searchParams.get("appid")).toBe(apiKey);
    expect(JSON.stringify(data)).not.toContain(apiKey);
    expect(JSON.stringify(t.logs)).not.toContain(apiKey);
    expect(
      (await t.run(ProviderHealthDocument, { providerType: "WEATHER", providerName: "openweathermap" })).data?.providerHealth,
    ).toBeNull();
  });

  test("a provider that needs a key, checked without one, is ERROR 'API key required'; no request is sent, nothing recorded", async () => {
    const before = upstream.requests.length;
    const { data } = await check(t, "MAP", "mapbox_streets");
    expect(data?.checkProviderHealth).toMatchObject({ status: "ERROR", errorMessage: "API key required", responseTimeMs: null });
    expect(upstream.requests.length).toBe(before);
    expect((await t.run(ProviderHealthDocument, { providerType: "MAP", providerName: "mapbox_streets" })).data?.providerHealth).toBeNull();
  });

  test.each([
    ["MAP", "nope"],
    ["MAP", "open_meteo"],
  ] as const)("%s %s is not in the catalog for that type: BAD_USER_INPUT, nothing recorded", async (providerType, providerName) => {
    expect(codeOf(await check(t, providerType, providerName))).toBe("BAD_USER_INPUT");
    expect((await t.run(ProviderHealthDocument, { providerType, providerName })).data?.providerHealth).toBeNull();
  });

  test("providerHealth is null when never checked, then the last result", async () => {
    const never = await t.run(ProviderHealthDocument, { providerType: "MAP", providerName: "google_satellite" });
    expect(never.errors).toBeUndefined();
    expect(never.data?.providerHealth).toBeNull();

    upstream.respond(PATHS.esri_streets, 200);
    await check(t, "MAP", "esri_streets");
    upstream.respond(PATHS.esri_streets, 503);
    const last = (await check(t, "MAP", "esri_streets")).data?.checkProviderHealth;
    expect(last).toMatchObject({ status: "UNAVAILABLE", errorMessage: "HTTP 503" });
    const read = await t.run(ProviderHealthDocument, { providerType: "MAP", providerName: "esri_streets" });
    expect(read.data?.providerHealth).toEqual(last);
  });

  test("skipUnhealthy moves an UNAVAILABLE provider of a tenant's chain to the end; health shows why", async () => {
    const tenantId = tenant("health");
    await upsert({ tenantId, providerType: "MAP", providerName: "esri_satellite", priority: "PRIMARY" });
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" });
    await upsert({ tenantId, providerType: "MAP", providerName: "in-house-tiles", priority: "TERTIARY" });
    upstream.respond(PATHS.esri_satellite, 500);
    upstream.respond(PATHS.openstreetmap, 200);
    await check(t, "MAP", "esri_satellite");
    await check(t, "MAP", "openstreetmap");

    const plain = await chain(t, { providerType: "MAP", tenantId });
    expect(plain?.entries.map((e) => [e.providerName, e.skipped, e.health?.status ?? null])).toEqual([
      ["esri_satellite", false, "UNAVAILABLE"],
      ["openstreetmap", false, "AVAILABLE"],
      ["in-house-tiles", false, null],
    ]);
    const skipping = await chain(t, { providerType: "MAP", tenantId, skipUnhealthy: true });
    expect(skipping?.entries.map((e) => [e.order, e.providerName, e.skipped, e.health?.status ?? null])).toEqual([
      [1, "openstreetmap", false, "AVAILABLE"],
      [2, "in-house-tiles", false, null],
      [3, "esri_satellite", true, "UNAVAILABLE"],
    ]);
    expect(skipping?.entries[2]?.health).toMatchObject({ providerType: "MAP", providerName: "esri_satellite", errorMessage: "HTTP 500" });
  });

  test("skipUnhealthy on a catalog chain: UNAVAILABLE goes last, RATE_LIMITED stays in place", async () => {
    // The MAP providers that need no key, since only their keyless checks are recorded; each set here, as earlier
    // tests checked some of them too.
    upstream.respond(PATHS.openstreetmap, 429);
    upstream.respond(PATHS.esri_satellite, 200);
    upstream.respond(PATHS.esri_streets, 500);
    expect((await check(t, "MAP", "openstreetmap")).data?.checkProviderHealth.status).toBe("RATE_LIMITED");
    expect((await check(t, "MAP", "esri_satellite")).data?.checkProviderHealth.status).toBe("AVAILABLE");
    expect((await check(t, "MAP", "esri_streets")).data?.checkProviderHealth.status).toBe("UNAVAILABLE");
    // opentopomap's tile has the same path as openstreetmap's: it reads RATE_LIMITED as well.
    expect((await check(t, "MAP", "opentopomap")).data?.checkProviderHealth.status).toBe("RATE_LIMITED");
    const skipping = await chain(t, { providerType: "MAP", skipUnhealthy: true });
    expect(skipping?.entries.map((e) => [e.providerName, e.skipped, e.health?.status ?? null])).toEqual([
      ["openstreetmap", false, "RATE_LIMITED"],
      ["google_maps", false, null],
      ["google_satellite", false, null],
      ["mapbox_streets", false, null],
      ["mapbox_satellite", false, null],
      ["google_hybrid", false, null],
      ["mapbox_hybrid", false, null],
      ["esri_satellite", false, "AVAILABLE"],
      ["opentopomap", false, "RATE_LIMITED"],
      ["esri_streets", true, "UNAVAILABLE"],
    ]);
    expect(names((await chain(t, { providerType: "MAP" }))?.entries)).toEqual([
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
    ]);
    upstream.respond(PATHS.openstreetmap, 200);
  });
});

describe.skipIf(!hasRedis())("two instances sharing Redis share the health memory", () => {
  const prefix = redisPrefix("health");
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const env = { ...redisEnv(prefix), PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin, PROVIDER_CHECK_TIMEOUT_MS: "3000" };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test("a check on A is what providerHealth and failoverChain show on B, and the other way round", async () => {
    expect((await b.run(ProviderHealthDocument, { providerType: "MAP", providerName: "esri_satellite" })).data?.providerHealth).toBeNull();
    upstream.respond(PATHS.esri_satellite, 500);
    const onA = (await check(a, "MAP", "esri_satellite")).data?.checkProviderHealth;
    expect(onA?.status).toBe("UNAVAILABLE");
    expect((await b.run(ProviderHealthDocument, { providerType: "MAP", providerName: "esri_satellite" })).data?.providerHealth).toEqual(
      onA,
    );
    const onB = await chain(b, { providerType: "MAP", skipUnhealthy: true });
    expect(onB?.entries.at(-1)).toMatchObject({ providerName: "esri_satellite", skipped: true, health: onA });

    upstream.respond(PATHS.esri_satellite, 200);
    const recovered = (await check(b, "MAP", "esri_satellite")).data?.checkProviderHealth;
    expect(recovered?.status).toBe("AVAILABLE");
    expect((await a.run(ProviderHealthDocument, { providerType: "MAP", providerName: "esri_satellite" })).data?.providerHealth).toEqual(
      recovered,
    );
  });
});

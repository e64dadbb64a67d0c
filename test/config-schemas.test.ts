// configData schemas (SPEC.md §10.3), on PostgreSQL and on PGlite: upsert, batch and import refuse data their
// provider's schema refuses, with every problem and its path in extensions.problems, and write nothing; providers
// outside the catalog take any object; valid data is written as before; providerCatalog serves the schemas.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, type GraphQLResponse, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { document, transferClient } from "./support/transfer.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version configData } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $configs) { id } }`;
const CATALOG = `query($type: ProviderType) { providerCatalog(providerType: $type) { id providerType details configSchema } }`;

/** A value that must never come back in an error: configData may hold secrets. */
const SECRET = "sk_live_never_echo_7731";

function refusedWith(response: GraphQLResponse, problems: Array<{ path: string; message: string }>): void {
  expect(codeOf(response)).toBe("BAD_USER_INPUT");
  expect(response.errors?.[0]?.extensions?.problems).toEqual(problems);
  expect(JSON.stringify(response.errors)).not.toContain(SECRET);
  for (const value of Object.values(response.data ?? {})) expect(value).toBeNull();
}

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  beforeAll(async () => {
    if (!skip) t = await startTestApp({ database });
  });
  afterAll(() => t?.stop());
  const c = transferClient(() => t);
  const upsert = (input: Record<string, unknown>) => t.gql(UPSERT, { input });
  const batch = (tenantId: string, configs: unknown[]) => t.gql(BATCH, { t: tenantId, configs });

  test.skipIf(skip)("upsert: refused with every problem listed; nothing written, a stored config kept as it was", async () => {
    const tenantId = tenant("schema");
    const refused = await upsert({
      tenantId,
      providerType: "MAP",
      providerName: "openstreetmap",
      configData: { maxZoom: 20, style: 5, language: "ar", tiles: "hot" },
    });
    refusedWith(refused, [
      { path: "input.configData.maxZoom", message: "must be at most 19" },
      { path: "input.configData.style", message: "must be a string" },
    ]);
    expect(refused.errors?.[0]?.extensions?.field).toBe("input.configData.maxZoom");
    expect(refused.errors?.[0]?.message).toContain("input.configData.maxZoom: must be at most 19");
    expect(await c.list(tenantId)).toEqual([]);
    expect(await c.history(tenantId)).toEqual([]);

    const key = { tenantId, providerType: "PAYMENT", providerName: "moyasar", enabled: false };
    const created = await upsert({ ...key, configData: { currency: "SAR", merchantId: "m-1" } });
    expect(created.errors).toBeUndefined();
    refusedWith(await upsert({ ...key, configData: { currency: SECRET, merchantId: 1, webhookSecret: { value: SECRET } } }), [
      { path: "input.configData.currency", message: "must be one of SAR and must be three capital letters (ISO 4217, e.g. USD)" },
      { path: "input.configData.merchantId", message: "must be a string" },
      { path: "input.configData.webhookSecret", message: "must be a string" },
    ]);
    expect(await c.list(tenantId)).toMatchObject([
      { providerName: "moyasar", version: 1, configData: { currency: "SAR", merchantId: "m-1" } },
    ]);
    expect(await c.history(tenantId)).toHaveLength(1);
  });

  test.skipIf(skip)("batch: every patch's problems with its index; no patch written", async () => {
    const tenantId = tenant("schema");
    const response = await batch(tenantId, [
      { providerType: "SMS", providerName: "twilio", enabled: false, configData: { senderId: "FAR TOO LONG", from: SECRET } },
      { providerType: "MAP", providerName: "openstreetmap", configData: { maxZoom: 12 } },
      { providerType: "WEATHER", providerName: "open_meteo", configData: { units: "kelvin" } },
      { providerType: "SATELLITE", providerName: "landsat", configData: { resolutionMeters: -30, indices: ["NDVI", "FAPAR"] } },
    ]);
    refusedWith(response, [
      { path: "configs[0].configData.senderId", message: "must be 1 to 11 letters, digits or spaces" },
      { path: "configs[0].configData.from", message: "must be an E.164 number: + and 2 to 15 digits, e.g. +14155550100" },
      { path: "configs[2].configData.units", message: "must be one of metric, imperial" },
      { path: "configs[3].configData.resolutionMeters", message: "must be greater than 0" },
      { path: "configs[3].configData.indices[1]", message: "must be one of NDVI, NDWI, EVI, SAVI" },
    ]);
    expect(await c.list(tenantId)).toEqual([]);
    expect(await c.history(tenantId)).toEqual([]);
  });

  test.skipIf(skip)("import: refused with every problem at its document path, dry run or not; nothing written", async () => {
    const tenantId = tenant("schema");
    await c.seed(tenantId, [{ providerType: "MAP", providerName: "openstreetmap", configData: { maxZoom: 10 } }]);
    const doc = document([
      { providerType: "MAP", providerName: "openstreetmap", priority: "PRIMARY", enabled: true, configData: { maxZoom: 10 } },
      { providerType: "MAP", providerName: "opentopomap", priority: "SECONDARY", enabled: true, configData: { maxZoom: 18 } },
      { providerType: "PAYMENT", providerName: "tharwatt", priority: "PRIMARY", enabled: false, configData: { currency: "USD" } },
      {
        providerType: "NOTIFICATION",
        providerName: "firebase_fcm",
        priority: "PRIMARY",
        enabled: false,
        configData: { serviceAccountJson: 7 },
      },
      // Shape problems and schema problems are reported together.
      { providerType: "WEATHER", providerName: "open_meteo", priority: "FIRST", enabled: true, configData: { units: 1 } },
    ]);
    const expected = [
      { path: "configs[1].configData.maxZoom", message: "must be at most 17" },
      { path: "configs[2].configData.currency", message: "must be one of YER" },
      { path: "configs[3].configData.serviceAccountJson", message: "must be a string" },
      { path: "configs[4].priority", message: "must be one of PRIMARY, SECONDARY, TERTIARY, DISABLED" },
      { path: "configs[4].configData.units", message: "must be one of metric, imperial" },
    ];
    for (const mode of ["MERGE", "REPLACE"]) {
      refusedWith(await c.importRaw(tenantId, doc, { mode }), expected);
      refusedWith(await c.importRaw(tenantId, doc, { mode, dryRun: true }), expected);
    }
    expect(await c.list(tenantId)).toMatchObject([{ providerName: "openstreetmap", version: 1, configData: { maxZoom: 10 } }]);
    expect(await c.history(tenantId)).toHaveLength(1);
  });

  test.skipIf(skip)("providers outside the catalog take any object, on every write path", async () => {
    const tenantId = tenant("schema");
    const anything = { maxZoom: 99, units: ["x"], currency: 1, from: "ACME", serviceAccountJson: { a: 1 } };
    expect((await upsert({ tenantId, providerType: "MAP", providerName: "my_own_tiles", configData: anything })).errors).toBeUndefined();
    expect((await batch(tenantId, [{ providerType: "SMS", providerName: "local_gateway", configData: anything }])).errors).toBeUndefined();
    const imported = await c.import(
      tenantId,
      document([{ providerType: "PAYMENT", providerName: "in_house_pay", priority: "PRIMARY", enabled: true, configData: anything }]),
    );
    expect(imported.created).toBe(1);
    expect((await c.list(tenantId)).map((config) => [config.providerName, config.configData])).toEqual([
      ["my_own_tiles", anything],
      ["in_house_pay", anything],
      ["local_gateway", anything],
    ]);
  });

  test.skipIf(skip)("valid data is written as before, on every write path; templates apply", async () => {
    const tenantId = tenant("schema");
    const map = { maxZoom: 19, style: "dark", language: "ar", tiles: "hot" };
    const created = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", configData: map });
    expect(created.data?.upsertProviderConfig).toMatchObject({ version: 1, configData: map });
    const sms = { senderId: "SAHOOL", from: "+967712345678" };
    expect(
      (await batch(tenantId, [{ providerType: "SMS", providerName: "unifonic", enabled: false, configData: sms }])).errors,
    ).toBeUndefined();
    const payment = { currency: "YER", merchantId: "m-9", webhookSecret: "whsec_1" };
    const imported = await c.import(
      tenantId,
      document([{ providerType: "PAYMENT", providerName: "tharwatt", priority: "PRIMARY", enabled: false, configData: payment }]),
    );
    expect(imported.created).toBe(1);
    expect((await c.apply(tenantId, "free")).created).toBe(3);
    expect(await c.list(tenantId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ providerName: "openstreetmap", configData: map }),
        expect.objectContaining({ providerName: "unifonic", configData: sms }),
        // The secret field is kept apart, sealed (test/secret-fields.test.ts).
        expect.objectContaining({ providerName: "tharwatt", configData: { currency: "YER", merchantId: "m-9" } }),
      ]),
    );
  });

  test.skipIf(skip)("providerCatalog { configSchema } serves each provider's schema, secrets marked x-secret", async () => {
    const response = await t.gql<{
      providerCatalog: Array<{ id: string; providerType: string; details: Record<string, unknown>; configSchema: Record<string, unknown> }>;
    }>(CATALOG, {});
    expect(response.errors).toBeUndefined();
    const providers = response.data?.providerCatalog ?? [];
    expect(providers.length).toBeGreaterThan(30);
    const find = (id: string) => providers.find((provider) => provider.id === id);
    for (const provider of providers) {
      expect(provider.configSchema, provider.id).toMatchObject({ $schema: "https://json-schema.org/draft/2020-12/schema", type: "object" });
    }
    expect(find("openstreetmap")?.configSchema.properties).toMatchObject({
      maxZoom: { type: "integer", minimum: 0, maximum: 19 },
      style: { type: "string" },
      language: { type: "string" },
    });
    const stripe = find("stripe");
    expect(stripe?.configSchema.properties).toMatchObject({
      currency: { type: "string", pattern: "^[A-Z]{3}$", enum: stripe?.details.supportedCurrencies },
      merchantId: { type: "string" },
      webhookSecret: { type: "string", "x-secret": true },
    });
    expect(find("firebase_fcm")?.configSchema.properties).toMatchObject({
      serviceAccountJson: { type: "string", "x-secret": true },
      appId: { type: "string" },
    });
    expect(find("twilio")?.configSchema.properties).toMatchObject({ from: { pattern: "^\\+[1-9][0-9]{1,14}$" } });
    expect(find("open_meteo")?.configSchema.properties).toMatchObject({ units: { enum: ["metric", "imperial"] } });
    const secretMarked = providers.filter((provider) => JSON.stringify(provider.configSchema).includes('"x-secret":true'));
    expect(new Set(secretMarked.map((provider) => provider.providerType))).toEqual(new Set(["PAYMENT", "NOTIFICATION"]));
  });
});

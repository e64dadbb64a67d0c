// Upsert rules against the real PostgreSQL: defaults, validation, omitted-vs-null, no-op writes, change types,
// the API-key rule, expectedVersion and ordering (SPEC.md §2-§4).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import {
  ConfigHistoryChangesDocument,
  ProviderConfigDocument,
  ProviderConfigNamesDocument,
  TenantConfigDocument,
  UpsertProviderConfigDocument,
  type UpsertProviderConfigInput,
  UpsertProviderConfigWithProviderDocument,
} from "./generated/graphql.js";
import { codeOf, startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

async function upsert(input: UpsertProviderConfigInput) {
  return t.run(UpsertProviderConfigDocument, { input });
}

async function history(tenantId: string) {
  const response = await t.run(ConfigHistoryChangesDocument, { tenantId });
  return response.data?.configHistory.items;
}

describe("create", () => {
  test("applies the defaults and records version 1 as CREATED", async () => {
    const tenantId = tenant();
    const { data, errors } = await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo", changeReason: "first" });
    expect(errors).toBeUndefined();
    expect(data?.upsertProviderConfig).toMatchObject({
      tenantId,
      providerType: "WEATHER",
      providerName: "open_meteo",
      priority: "PRIMARY",
      enabled: true,
      configData: {},
      hasApiKey: false,
      hasApiSecret: false,
      apiKeyHint: null,
      version: 1,
      createdBy: "anonymous",
      updatedBy: "anonymous",
      history: [{ version: 1, changeType: "CREATED", changedBy: "anonymous", changeReason: "first" }],
    });
  });

  test("accepts names outside the catalog, with provider null", async () => {
    const tenantId = tenant();
    const { data } = await t.run(UpsertProviderConfigWithProviderDocument, {
      input: { tenantId, providerType: "SMS", providerName: "in-house.gateway_2" },
    });
    expect(data?.upsertProviderConfig).toEqual({ providerName: "in-house.gateway_2", provider: null });
  });
});

describe("validation", () => {
  test.each([
    [{ tenantId: "" }, "input.tenantId"],
    [{ tenantId: "-starts-with-dash" }, "input.tenantId"],
    [{ tenantId: "a".repeat(256) }, "input.tenantId"],
    [{ tenantId: "has space" }, "input.tenantId"],
    [{ providerName: "Upper" }, "input.providerName"],
    [{ providerName: "a".repeat(101) }, "input.providerName"],
    [{ providerName: "_leading" }, "input.providerName"],
    [{ apiKey: "" }, "input.apiKey"],
    [{ apiKey: "k".repeat(4097) }, "input.apiKey"],
    [{ apiSecret: "" }, "input.apiSecret"],
    [{ changeReason: "r".repeat(1001) }, "input.changeReason"],
    [{ configData: { blob: "x".repeat(64 * 1024) } }, "input.configData"],
    [{ priority: null }, "input.priority"],
    [{ enabled: null }, "input.enabled"],
    [{ configData: null }, "input.configData"],
    [{ expectedVersion: -1 }, "input.expectedVersion"],
  ])("%o is rejected, naming %s, and nothing is written", async (override, field) => {
    const tenantId = tenant();
    const response = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", ...override });
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    expect(response.errors?.[0]?.extensions?.field).toBe(field);
    expect(response.errors?.[0]?.message).toContain(field);
    if (!("tenantId" in override)) expect(await history(tenantId)).toEqual([]);
  });

  test("limits hold at their exact bounds", async () => {
    const tenantId = `a${"b".repeat(254)}`;
    const response = await upsert({
      tenantId,
      providerType: "MAP",
      providerName: "n".repeat(100),
      apiKey: "k".repeat(4096),
      changeReason: "r".repeat(1000),
      configData: { blob: "x".repeat(64 * 1024 - 20) },
    });
    expect(response.errors).toBeUndefined();
  });

  test("configData must be a JSON object", async () => {
    const notAnObject = [1, 2] as unknown as Record<string, unknown>; // deliberately the wrong type
    const response = await upsert({ tenantId: tenant(), providerType: "MAP", providerName: "openstreetmap", configData: notAnObject });
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
  });

  test("an enabled catalog provider that requires a key needs one", async () => {
    const tenantId = tenant();
    const missing = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe" });
    expect(codeOf(missing)).toBe("BAD_USER_INPUT");
    expect(missing.errors?.[0]?.extensions?.field).toBe("input.apiKey");

    const disabled = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", enabled: false });
    expect(disabled.data?.upsertProviderConfig.version).toBe(1);
    const enableWithoutKey = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", enabled: true });
    expect(codeOf(enableWithoutKey)).toBe("BAD_USER_INPUT");
    const enableWithKey = await upsert({
      tenantId,
      providerType: "PAYMENT",
      providerName: "stripe",
      enabled: true,
      apiKey: "sk_test_123456789",
    });
    expect(enableWithKey.data?.upsertProviderConfig).toMatchObject({ version: 2, enabled: true, hasApiKey: true });
    const removeKey = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: null });
    expect(codeOf(removeKey)).toBe("BAD_USER_INPUT");
    const stored = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", priority: "SECONDARY" });
    expect(stored.data?.upsertProviderConfig).toMatchObject({ version: 3, hasApiKey: true });
  });
});

describe("updates", () => {
  test("omitted fields keep their value; null removes a credential", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "SMS", providerName: "twilio" } satisfies UpsertProviderConfigInput;
    await upsert({ ...key, apiKey: "AC1234567890abcdef", apiSecret: "secret-1", configData: { from: "+967" }, priority: "SECONDARY" });
    const kept = await upsert({ ...key, configData: { from: "+966" } });
    expect(kept.data?.upsertProviderConfig).toMatchObject({
      version: 2,
      priority: "SECONDARY",
      hasApiKey: true,
      hasApiSecret: true,
      apiKeyHint: "****cdef",
      configData: { from: "+966" },
    });
    const removed = await upsert({ ...key, apiSecret: null });
    expect(removed.data?.upsertProviderConfig).toMatchObject({ version: 3, hasApiKey: true, hasApiSecret: false });
  });

  test("a write that changes nothing writes no version, credentials compared by plaintext", async () => {
    const tenantId = tenant();
    const input = {
      tenantId,
      providerType: "MAP",
      providerName: "mapbox_streets",
      apiKey: "pk.abcdefghijkl",
      configData: { a: 1, b: [1, 2] },
    } satisfies UpsertProviderConfigInput;
    const first = await upsert(input);
    const again = await upsert({ ...input, configData: { b: [1, 2], a: 1 } });
    expect(again.data?.upsertProviderConfig).toMatchObject({ version: 1, updatedAt: first.data?.upsertProviderConfig.updatedAt });
    const priorityOnly = await upsert({ tenantId, providerType: "MAP", providerName: "mapbox_streets", priority: "PRIMARY" });
    expect(priorityOnly.data?.upsertProviderConfig.version).toBe(1);
    expect(await history(tenantId)).toHaveLength(1);
  });

  test("change types: ENABLED/DISABLED when the flag flips (whatever else changed), else UPDATED", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" } satisfies UpsertProviderConfigInput;
    await upsert(key);
    await upsert({ ...key, priority: "SECONDARY" });
    await upsert({ ...key, enabled: false, configData: { x: 1 } });
    await upsert({ ...key, enabled: true, priority: "TERTIARY" });
    expect((await history(tenantId))?.map((item) => [item.version, item.changeType])).toEqual([
      [4, "ENABLED"],
      [3, "DISABLED"],
      [2, "UPDATED"],
      [1, "CREATED"],
    ]);
  });

  test("apiKeyHint shows the last four characters, or only **** for keys shorter than 12", async () => {
    const tenantId = tenant();
    const short = await upsert({ tenantId, providerType: "MAP", providerName: "google_maps", apiKey: "short-key12" });
    expect(short.data?.upsertProviderConfig.apiKeyHint).toBe("****");
    const long = await upsert({ tenantId, providerType: "MAP", providerName: "google_maps", apiKey: "long-enough-key-9xyz" });
    expect(long.data?.upsertProviderConfig.apiKeyHint).toBe("****9xyz");
  });
});

describe("expectedVersion", () => {
  test("0 creates only when absent; a mismatch is a CONFLICT and writes nothing", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "NOTIFICATION", providerName: "onesignal", enabled: false } satisfies UpsertProviderConfigInput;
    expect((await upsert({ ...key, expectedVersion: 0 })).data?.upsertProviderConfig.version).toBe(1);
    expect(codeOf(await upsert({ ...key, expectedVersion: 0 }))).toBe("CONFLICT");
    expect(codeOf(await upsert({ ...key, priority: "TERTIARY", expectedVersion: 2 }))).toBe("CONFLICT");
    expect((await upsert({ ...key, priority: "TERTIARY", expectedVersion: 1 })).data?.upsertProviderConfig.version).toBe(2);
    expect(await history(tenantId)).toHaveLength(2);
  });

  test("a non-zero expectedVersion for a config that does not exist is a CONFLICT", async () => {
    const tenantId = tenant();
    expect(codeOf(await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", expectedVersion: 3 }))).toBe("CONFLICT");
    expect(await history(tenantId)).toEqual([]);
  });
});

describe("reads", () => {
  test("providerConfigs orders by type, then priority, then name, and filters", async () => {
    const tenantId = tenant();
    const rows = [
      ["SMS", "twilio", "SECONDARY"],
      ["MAP", "opentopomap", "TERTIARY"],
      ["MAP", "esri_streets", "PRIMARY"],
      ["WEATHER", "open_meteo", "DISABLED"],
      ["MAP", "openstreetmap", "PRIMARY"],
      ["MAP", "esri_satellite", "TERTIARY"],
    ] as const;
    for (const [providerType, providerName, priority] of rows) {
      await upsert({ tenantId, providerType, providerName, priority, enabled: providerType !== "SMS" });
    }
    const all = await t.run(ProviderConfigNamesDocument, { tenantId });
    expect(all.data?.providerConfigs.map((c) => c.providerName)).toEqual([
      "esri_streets",
      "openstreetmap",
      "esri_satellite",
      "opentopomap",
      "open_meteo",
      "twilio",
    ]);
    const maps = await t.run(ProviderConfigNamesDocument, { tenantId, providerType: "MAP", enabled: true });
    expect(maps.data?.providerConfigs).toHaveLength(4);
    const disabled = await t.run(ProviderConfigNamesDocument, { tenantId, enabled: false });
    expect(disabled.data?.providerConfigs).toEqual([{ providerName: "twilio" }]);
  });

  test("providerConfig by id, null when unknown", async () => {
    const tenantId = tenant();
    const created = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    const id = created.data?.upsertProviderConfig.id;
    const found = await t.run(ProviderConfigDocument, { id: id ?? "" });
    expect(found.data?.providerConfig).toEqual({
      id,
      providerName: "openstreetmap",
      provider: { name: "OpenStreetMap", requiresApiKey: false },
    });
    const missing = await t.run(ProviderConfigDocument, { id: "00000000-0000-4000-8000-000000000000" });
    expect(missing.data?.providerConfig).toBeNull();
  });

  test("tenantConfig lists built-in defaults until a MAP, WEATHER or SATELLITE config is stored", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "PAYMENT", providerName: "tharwatt", enabled: false });
    const initial = await t.run(TenantConfigDocument, { tenantId });
    expect(initial.data?.tenantConfig).toEqual({
      tenantId,
      isDefault: true,
      mapProviders: [
        { id: null, providerName: "openstreetmap", priority: "PRIMARY", enabled: true, version: null, configData: {}, hasApiKey: false },
        { id: null, providerName: "esri_satellite", priority: "SECONDARY", enabled: true, version: null, configData: {}, hasApiKey: false },
      ],
      weatherProviders: [{ providerName: "open_meteo", priority: "PRIMARY" }],
      satelliteProviders: [],
      paymentProviders: [{ providerName: "tharwatt", enabled: false }],
      smsProviders: [],
      notificationProviders: [],
    });
    await upsert({ tenantId, providerType: "SATELLITE", providerName: "landsat", enabled: false });
    const stored = await t.run(TenantConfigDocument, { tenantId });
    expect(stored.data?.tenantConfig).toMatchObject({
      isDefault: false,
      mapProviders: [],
      weatherProviders: [],
      satelliteProviders: [{ providerName: "landsat" }],
    });
  });
});

describe("round trips (issue 15)", () => {
  let counted: TestApp;
  beforeAll(async () => {
    counted = await startTestApp({ countQueries: true });
  });
  afterAll(() => counted.stop());

  /** Every statement the write sent, BEGIN and COMMIT included (it selects no field that reads more). */
  async function statementsOf(input: UpsertProviderConfigInput): Promise<string[]> {
    counted.queries.length = 0;
    const response = await counted.gql(`mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { version } }`, {
      input,
    });
    expect(response.errors).toBeUndefined();
    return counted.queries;
  }

  test("a change to an existing config, and a write that changes nothing, is one statement", async () => {
    const key = { tenantId: tenant(), providerType: "WEATHER", providerName: "open_meteo" } satisfies UpsertProviderConfigInput;
    const created = await statementsOf(key);
    expect(created).toContain("BEGIN");
    for (const input of [
      { ...key, configData: { n: 1 } },
      { ...key, configData: { n: 1 } },
      { ...key, enabled: false, expectedVersion: 2 },
    ]) {
      const statements = await statementsOf(input);
      expect(statements).toHaveLength(1);
      expect(statements[0]).toContain("update_provider_config(");
    }
  });

  test("a credential given in plaintext takes the transaction (it is compared with the stored one, then sealed)", async () => {
    const key = {
      tenantId: tenant(),
      providerType: "SMS",
      providerName: "twilio",
      apiKey: "AC1234567890abcdef",
    } satisfies UpsertProviderConfigInput;
    await statementsOf(key);
    const again = await statementsOf({ ...key, configData: { from: "+967" } });
    expect(again).toContain("BEGIN");
    expect(again.some((sql) => sql.includes("update_provider_config("))).toBe(false);
  });
});

// upsertProviderConfigs against the real PostgreSQL: input order, all or nothing, batch-level validation, the
// upsert rules (omitted vs null, no-op writes, change types) inside a batch, and the change reason (SPEC.md §2-§3).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectBadInput } from "./support/errors.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const CONFIG_FIELDS = "id providerType providerName priority enabled configData hasApiKey hasApiSecret apiKeyHint version updatedAt";
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!, $reason: String) {
  upsertProviderConfigs(tenantId: $t, configs: $configs, changeReason: $reason) { ${CONFIG_FIELDS} } }`;

type Patch = Record<string, unknown>;

function batch(tenantId: string, configs: Patch[], reason?: string) {
  return t.gql(BATCH, { t: tenantId, configs, reason });
}

async function applied(tenantId: string, configs: Patch[], reason?: string) {
  const response = await batch(tenantId, configs, reason);
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfigs as Array<Record<string, unknown>>;
}

async function upsert(input: Record<string, unknown>) {
  const response = await t.gql(
    `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { ${CONFIG_FIELDS} } }`,
    { input },
  );
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig;
}

async function history(tenantId: string) {
  const response = await t.gql(
    `query($t: String!) { configHistory(tenantId: $t, limit: 500) { items { providerName version changeType changedBy changeReason } } }`,
    { t: tenantId },
  );
  return response.data?.configHistory.items as Array<{
    providerName: string;
    version: number;
    changeType: string;
    changeReason: string | null;
  }>;
}

async function stored(tenantId: string) {
  const response = await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { providerName version configData } }`, { t: tenantId });
  return response.data?.providerConfigs;
}

describe("results", () => {
  test("follow the input order, not the key order", async () => {
    const tenantId = tenant();
    const results = await applied(tenantId, [
      { providerType: "WEATHER", providerName: "open_meteo" },
      { providerType: "SMS", providerName: "twilio", enabled: false },
      { providerType: "MAP", providerName: "opentopomap" },
      { providerType: "MAP", providerName: "esri_streets", priority: "SECONDARY" },
    ]);
    expect(results.map((config) => [config.providerType, config.providerName, config.priority, config.enabled, config.version])).toEqual([
      ["WEATHER", "open_meteo", "PRIMARY", true, 1],
      ["SMS", "twilio", "PRIMARY", false, 1],
      ["MAP", "opentopomap", "PRIMARY", true, 1],
      ["MAP", "esri_streets", "SECONDARY", true, 1],
    ]);
  });

  test("an empty list returns [] and writes nothing", async () => {
    const tenantId = tenant();
    expect(await applied(tenantId, [])).toEqual([]);
    expect(await history(tenantId)).toEqual([]);
  });

  test("mixes creates and updates, each with its own change type, the change reason on every snapshot", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo", enabled: false });
    const results = await applied(
      tenantId,
      [
        { providerType: "MAP", providerName: "openstreetmap", configData: { tiles: "hot" } },
        { providerType: "WEATHER", providerName: "open_meteo", enabled: true },
        { providerType: "MAP", providerName: "esri_satellite", priority: "SECONDARY" },
      ],
      "quarterly review",
    );
    expect(results.map((config) => [config.providerName, config.version])).toEqual([
      ["openstreetmap", 2],
      ["open_meteo", 2],
      ["esri_satellite", 1],
    ]);
    const written = (await history(tenantId)).filter((item) => item.changeReason === "quarterly review");
    expect(written.map((item) => `${item.providerName}@${item.version}:${item.changeType}`).sort()).toEqual([
      "esri_satellite@1:CREATED",
      "open_meteo@2:ENABLED",
      "openstreetmap@2:UPDATED",
    ]);
    expect(written.every((item) => (item as Record<string, unknown>).changedBy === "anonymous")).toBe(true);
  });
});

describe("all or nothing", () => {
  test("a bad providerName in the 3rd patch names configs[2].providerName and writes nothing", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    const response = await batch(tenantId, [
      { providerType: "MAP", providerName: "openstreetmap", priority: "TERTIARY" },
      { providerType: "WEATHER", providerName: "open_meteo" },
      { providerType: "SMS", providerName: "Bad Name!" },
    ]);
    expectBadInput(response, "configs[2].providerName");
    expect(await stored(tenantId)).toEqual([{ providerName: "openstreetmap", version: 1, configData: {} }]);
    expect(await history(tenantId)).toHaveLength(1);
  });

  test("an enabled provider that needs a key and has none rolls back the patches already applied", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    // Applied in key order, MAP/… before PAYMENT/stripe before WEATHER/…: the MAP writes happen first.
    const response = await batch(tenantId, [
      { providerType: "MAP", providerName: "openstreetmap", configData: { changed: true } },
      { providerType: "MAP", providerName: "esri_streets" },
      { providerType: "PAYMENT", providerName: "stripe" },
      { providerType: "WEATHER", providerName: "open_meteo" },
    ]);
    expectBadInput(response, "configs[2].apiKey");
    expect(response.errors?.[0]?.message).toContain("stripe");
    expect(await stored(tenantId)).toEqual([{ providerName: "openstreetmap", version: 1, configData: {} }]);
    expect(await history(tenantId)).toHaveLength(1);
  });

  test("every invalid field is reported at once", async () => {
    const tenantId = tenant();
    const response = await batch(tenantId, [
      { providerType: "MAP", providerName: "openstreetmap", apiKey: "" },
      { providerType: "MAP", providerName: "esri_streets", configData: null },
    ]);
    expectBadInput(response, "configs[0].apiKey");
    expect(response.errors?.[0]?.message).toContain("configs[1].configData");
    expect(await history(tenantId)).toEqual([]);
  });

  test("two patches for the same (type, name) are a BAD_USER_INPUT and nothing is written", async () => {
    const tenantId = tenant();
    const response = await batch(tenantId, [
      { providerType: "MAP", providerName: "openstreetmap" },
      { providerType: "WEATHER", providerName: "open_meteo" },
      { providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" },
    ]);
    expectBadInput(response, "configs[2]");
    expect(response.errors?.[0]?.message).toContain("configs[0]");
    expect(await history(tenantId)).toEqual([]);
  });

  test("the same name under two types is fine", async () => {
    const tenantId = tenant();
    const results = await applied(tenantId, [
      { providerType: "MAP", providerName: "in-house" },
      { providerType: "WEATHER", providerName: "in-house" },
    ]);
    expect(results.map((config) => config.providerType)).toEqual(["MAP", "WEATHER"]);
  });

  test("more than 100 patches is a BAD_USER_INPUT naming configs; exactly 100 is fine", async () => {
    const tenantId = tenant();
    const patches = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ providerType: "SMS", providerName: `gw-${String(i).padStart(3, "0")}`, enabled: false }));
    expectBadInput(await batch(tenantId, patches(101)), "configs");
    // Invalid as a whole: one short message, not one problem per patch.
    const badNames = patches(101).map((patch) => ({ ...patch, providerName: patch.providerName.toUpperCase() }));
    expectBadInput(await batch(tenantId, badNames), "configs");
    expect(await history(tenantId)).toEqual([]);

    const results = await applied(tenantId, patches(100), "bulk import");
    expect(results).toHaveLength(100);
    expect(results.map((config) => config.providerName)).toEqual(patches(100).map((patch) => patch.providerName));
    const written = await history(tenantId);
    expect(written).toHaveLength(100);
    expect(written.every((item) => item.changeType === "CREATED" && item.version === 1 && item.changeReason === "bulk import")).toBe(true);
  });

  test.each([
    ["", "tenantId"],
    ["bad tenant", "tenantId"],
  ])("tenantId %j is a BAD_USER_INPUT naming %s", async (tenantId, field) => {
    expectBadInput(await batch(tenantId, [{ providerType: "MAP", providerName: "openstreetmap" }]), field);
  });

  test("a changeReason over 1000 characters is a BAD_USER_INPUT naming changeReason", async () => {
    const tenantId = tenant();
    expectBadInput(await batch(tenantId, [{ providerType: "MAP", providerName: "openstreetmap" }], "r".repeat(1001)), "changeReason");
    expect(await history(tenantId)).toEqual([]);
  });
});

describe("upsert rules inside a batch", () => {
  test("omitted fields keep their value; null removes a credential; null elsewhere is refused", async () => {
    const tenantId = tenant();
    const created = await upsert({
      tenantId,
      providerType: "SMS",
      providerName: "vonage",
      priority: "SECONDARY",
      configData: { senderId: "ACME" },
      apiKey: "vonage-key-123456",
      apiSecret: "vonage-secret",
    });
    const [updated] = await applied(tenantId, [{ providerType: "SMS", providerName: "vonage", apiSecret: null }]);
    expect(updated).toMatchObject({
      id: created.id,
      priority: "SECONDARY",
      enabled: true,
      configData: { senderId: "ACME" },
      hasApiKey: true,
      hasApiSecret: false,
      apiKeyHint: "****3456",
      version: 2,
    });
    const credentials = await t.gql(`query($id: UUID!) { providerCredentials(configId: $id) { apiKey apiSecret } }`, { id: created.id });
    expect(credentials.data?.providerCredentials).toEqual({ apiKey: "vonage-key-123456", apiSecret: null });

    expectBadInput(await batch(tenantId, [{ providerType: "SMS", providerName: "vonage", priority: null }]), "configs[0].priority");
    expectBadInput(await batch(tenantId, [{ providerType: "SMS", providerName: "vonage", apiKey: null }]), "configs[0].apiKey");
    expect(await history(tenantId)).toHaveLength(2);
  });

  test("creates get the defaults and the credentials given", async () => {
    const tenantId = tenant();
    const [config] = await applied(tenantId, [
      { providerType: "PAYMENT", providerName: "moyasar", apiKey: "sk_moyasar_abcdefgh", apiSecret: "s" },
    ]);
    expect(config).toMatchObject({
      priority: "PRIMARY",
      enabled: true,
      configData: {},
      hasApiKey: true,
      hasApiSecret: true,
      apiKeyHint: "****efgh",
    });
    const credentials = await t.gql(`query($id: UUID!) { providerCredentials(configId: $id) { apiKey apiSecret } }`, { id: config?.id });
    expect(credentials.data?.providerCredentials).toEqual({ apiKey: "sk_moyasar_abcdefgh", apiSecret: "s" });
  });

  test("no-op patches write no version and return the config as is", async () => {
    const tenantId = tenant();
    const first = await upsert({
      tenantId,
      providerType: "MAP",
      providerName: "mapbox_streets",
      apiKey: "pk.unchanged-key",
      configData: { a: 1, b: 2 },
    });
    const second = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" });
    const results = await applied(
      tenantId,
      [
        { providerType: "MAP", providerName: "mapbox_streets", apiKey: "pk.unchanged-key", configData: { b: 2, a: 1 } },
        { providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY", enabled: true },
        { providerType: "WEATHER", providerName: "open_meteo" },
      ],
      "sync",
    );
    expect(results[0]).toEqual(first);
    expect(results[1]).toEqual(second);
    expect(results[2]).toMatchObject({ providerName: "open_meteo", version: 1 });
    expect((await history(tenantId)).map((item) => `${item.providerName}@${item.version}:${item.changeReason}`)).toEqual([
      "open_meteo@1:sync",
      "openstreetmap@1:null",
      "mapbox_streets@1:null",
    ]);
  });
});

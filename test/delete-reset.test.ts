// deleteProviderConfig and resetTenantConfig against the real PostgreSQL: what they return, that configs go and
// their history stays, expectedVersion, re-creating after a delete, and tenant boundaries (SPEC.md §3, §8).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectError } from "./support/errors.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const DELETE = `mutation($id: UUID!, $expectedVersion: Int, $reason: String) {
  deleteProviderConfig(id: $id, expectedVersion: $expectedVersion, changeReason: $reason) { id version } }`;
const RESET = `mutation($t: String!, $reason: String) { resetTenantConfig(tenantId: $t, changeReason: $reason) }`;
const LIST = `query($t: String!) { providerConfigs(tenantId: $t) { id providerType providerName version } }`;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

async function upsert(input: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const response = await t.gql(`mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`, {
    input,
  });
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig;
}

async function list(tenantId: string) {
  return (await t.gql(LIST, { t: tenantId })).data?.providerConfigs as Array<{ id: string; providerName: string; version: number }>;
}

async function history(tenantId: string, configId?: string) {
  const response = await t.gql(
    `query($t: String!, $c: UUID) { configHistory(tenantId: $t, configId: $c) {
      items { configId providerName priority enabled configData hasApiKey version changeType changedBy changeReason } } }`,
    { t: tenantId, c: configId },
  );
  expect(response.errors).toBeUndefined();
  return response.data?.configHistory.items as Array<Record<string, unknown>>;
}

describe("deleteProviderConfig", () => {
  test("returns the id and the DELETED entry's version; the config is gone, its history stays", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "esri_streets" };
    const created = await upsert({ ...key, apiKey: "esri-key-0000001", configData: { layer: "topo" } });
    await upsert({ ...key, priority: "SECONDARY" });
    await upsert({ ...key, enabled: false });
    const kept = await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
    expect(await list(tenantId)).toHaveLength(2);

    const response = await t.gql(DELETE, { id: created.id, reason: "switching vendor" });
    expect(response.errors).toBeUndefined();
    expect(response.data?.deleteProviderConfig).toEqual({ id: created.id, version: 4 });

    expect(await list(tenantId)).toEqual([{ id: kept.id, providerType: "WEATHER", providerName: "open_meteo", version: 1 }]);
    const byId = await t.gql(`query($id: UUID!) { providerConfig(id: $id) { id } }`, { id: created.id });
    expect(byId.errors).toBeUndefined();
    expect(byId.data?.providerConfig).toBeNull();
    const entries = await history(tenantId, created.id);
    expect(entries.map((item) => [item.version, item.changeType])).toEqual([
      [4, "DELETED"],
      [3, "DISABLED"],
      [2, "UPDATED"],
      [1, "CREATED"],
    ]);
    // The DELETED entry records the state the config had when it was deleted.
    expect(entries[0]).toEqual({
      configId: created.id,
      providerName: "esri_streets",
      priority: "SECONDARY",
      enabled: false,
      configData: { layer: "topo" },
      hasApiKey: true,
      version: 4,
      changeType: "DELETED",
      changedBy: "anonymous",
      changeReason: "switching vendor",
    });
  });

  test("an unknown id is NOT_FOUND, also the second time a config is deleted", async () => {
    const tenantId = tenant();
    expectError(await t.gql(DELETE, { id: UNKNOWN_ID }), "NOT_FOUND", "id");
    const created = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    expect((await t.gql(DELETE, { id: created.id })).data?.deleteProviderConfig.version).toBe(2);
    expectError(await t.gql(DELETE, { id: created.id }), "NOT_FOUND", "id");
    expect((await history(tenantId)).map((item) => item.changeType)).toEqual(["DELETED", "CREATED"]);
  });

  test("an expectedVersion that does not match is a CONFLICT and nothing is deleted", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    await upsert(key);
    const current = await upsert({ ...key, priority: "TERTIARY" });
    for (const expectedVersion of [1, 3, 0]) {
      expectError(await t.gql(DELETE, { id: current.id, expectedVersion }), "CONFLICT", "expectedVersion");
    }
    expect(await list(tenantId)).toEqual([{ id: current.id, providerType: "MAP", providerName: "openstreetmap", version: 2 }]);
    expect(await history(tenantId)).toHaveLength(2);

    const deleted = await t.gql(DELETE, { id: current.id, expectedVersion: 2 });
    expect(deleted.data?.deleteProviderConfig).toEqual({ id: current.id, version: 3 });
    expect(await list(tenantId)).toEqual([]);
  });

  test("a changeReason over 1000 characters is a BAD_USER_INPUT and nothing is deleted", async () => {
    const tenantId = tenant();
    const created = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    expectError(await t.gql(DELETE, { id: created.id, reason: "r".repeat(1001) }), "BAD_USER_INPUT", "changeReason");
    expect(await list(tenantId)).toHaveLength(1);
  });

  test("upserting the same (type, name) afterwards creates a new config at version 1", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "SMS", providerName: "unifonic" };
    const old = await upsert({ ...key, apiKey: "unifonic-old-key-1", configData: { sender: "OLD" } });
    await upsert({ ...key, configData: { sender: "OLD2" } });
    await t.gql(DELETE, { id: old.id });

    const response = await t.gql(
      `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version configData hasApiKey history { version changeType } } }`,
      { input: { ...key, enabled: false } },
    );
    const fresh = response.data?.upsertProviderConfig;
    expect(fresh).toMatchObject({ version: 1, configData: {}, hasApiKey: false, history: [{ version: 1, changeType: "CREATED" }] });
    expect(fresh.id).not.toBe(old.id);
    expect(await list(tenantId)).toEqual([{ id: fresh.id, providerType: "SMS", providerName: "unifonic", version: 1 }]);
    expect((await history(tenantId)).map((item) => [item.configId === fresh.id ? "new" : "old", item.version, item.changeType])).toEqual([
      ["new", 1, "CREATED"],
      ["old", 3, "DELETED"],
      ["old", 2, "UPDATED"],
      ["old", 1, "CREATED"],
    ]);
  });
});

describe("resetTenantConfig", () => {
  test("deletes every config of the tenant, each with a DELETED entry, and returns the count", async () => {
    const tenantId = tenant();
    const osm = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" });
    const meteo = await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
    const stripe = await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: "sk_test_reset_0001" });
    expect(await list(tenantId)).toHaveLength(3);

    const response = await t.gql(RESET, { t: tenantId, reason: "tenant offboarded" });
    expect(response.errors).toBeUndefined();
    expect(response.data?.resetTenantConfig).toBe(3);
    expect(await list(tenantId)).toEqual([]);
    const deletedEntries = (await history(tenantId)).filter((item) => item.changeType === "DELETED");
    expect(deletedEntries.map((item) => [item.configId, item.version, item.changeReason, item.changedBy]).sort()).toEqual(
      [
        [osm.id, 3, "tenant offboarded", "anonymous"],
        [meteo.id, 2, "tenant offboarded", "anonymous"],
        [stripe.id, 2, "tenant offboarded", "anonymous"],
      ].sort(),
    );
    expect(await history(tenantId)).toHaveLength(7);
    const tenantView = await t.gql(`query($t: String!) { tenantConfig(tenantId: $t) { isDefault paymentProviders { providerName } } }`, {
      t: tenantId,
    });
    expect(tenantView.data?.tenantConfig).toEqual({ isDefault: true, paymentProviders: [] });
  });

  test("leaves other tenants untouched", async () => {
    const tenantId = tenant();
    const neighbour = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    const theirs = await upsert({ tenantId: neighbour, providerType: "MAP", providerName: "openstreetmap" });
    await upsert({ tenantId: neighbour, providerType: "MAP", providerName: "openstreetmap", enabled: false });

    expect((await t.gql(RESET, { t: tenantId })).data?.resetTenantConfig).toBe(1);
    expect(await list(neighbour)).toEqual([{ id: theirs.id, providerType: "MAP", providerName: "openstreetmap", version: 2 }]);
    expect((await history(neighbour)).map((item) => item.changeType)).toEqual(["DISABLED", "CREATED"]);
  });

  test("a tenant with nothing stored gives 0, and so does a second reset", async () => {
    expect((await t.gql(RESET, { t: tenant() })).data?.resetTenantConfig).toBe(0);
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
    expect((await t.gql(RESET, { t: tenantId })).data?.resetTenantConfig).toBe(1);
    expect((await t.gql(RESET, { t: tenantId })).data?.resetTenantConfig).toBe(0);
    expect(await history(tenantId)).toHaveLength(2);
  });

  test("a config of a reset tenant can be created again, as a new config", async () => {
    const tenantId = tenant();
    const old = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    await t.gql(RESET, { t: tenantId });
    const fresh = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    expect(fresh.version).toBe(1);
    expect(fresh.id).not.toBe(old.id);
  });

  test.each(["", "has space", "-dash-first", "a".repeat(256)])("tenantId %j is a BAD_USER_INPUT naming tenantId", async (tenantId) => {
    expectError(await t.gql(RESET, { t: tenantId }), "BAD_USER_INPUT", "tenantId");
  });

  test("a changeReason over 1000 characters is a BAD_USER_INPUT and nothing is deleted", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    expectError(await t.gql(RESET, { t: tenantId, reason: "r".repeat(1001) }), "BAD_USER_INPUT", "changeReason");
    expect(await list(tenantId)).toHaveLength(1);
  });
});

// rollbackProviderConfig against the real PostgreSQL: what it restores (credentials included), its change type,
// no-op rollbacks, bringing a deleted config back under its id, and every way it refuses (SPEC.md §3, §8).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectError } from "./support/errors.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const CONFIG_FIELDS =
  "id tenantId providerType providerName priority enabled configData hasApiKey hasApiSecret apiKeyHint version createdAt updatedAt createdBy updatedBy";
const ROLLBACK = `mutation($id: UUID!, $version: Int!, $reason: String) {
  rollbackProviderConfig(configId: $id, version: $version, changeReason: $reason) { ${CONFIG_FIELDS} } }`;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

async function upsert(input: Record<string, unknown>) {
  const response = await t.gql(
    `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { ${CONFIG_FIELDS} } }`,
    { input },
  );
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig;
}

function rollback(id: string, version: number, reason?: string) {
  return t.gql(ROLLBACK, { id, version, reason });
}

async function credentials(configId: string) {
  const response = await t.gql(`query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey apiSecret } }`, { id: configId });
  expect(response.errors).toBeUndefined();
  return response.data?.providerCredentials;
}

async function history(tenantId: string, configId?: string) {
  const response = await t.gql(
    `query($t: String!, $c: UUID) { configHistory(tenantId: $t, configId: $c) { items { configId version changeType changedBy changeReason priority enabled } } }`,
    { t: tenantId, c: configId },
  );
  return response.data?.configHistory.items as Array<Record<string, unknown>>;
}

async function remove(id: string) {
  const response = await t.gql(`mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`, { id });
  expect(response.errors).toBeUndefined();
  return response.data?.deleteProviderConfig as { id: string; version: number };
}

describe("restoring a version", () => {
  test("restores priority, enabled, configData and credentials as a new ROLLED_BACK version", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "SMS", providerName: "twilio" };
    const v1 = await upsert({
      ...key,
      priority: "SECONDARY",
      configData: { from: "+967" },
      apiKey: "AC-original-key-1111",
      apiSecret: "secret-one",
    });
    await upsert({
      ...key,
      priority: "TERTIARY",
      configData: { from: "+966", retries: 3 },
      apiKey: "AC-rotated-key-2222",
      apiSecret: null,
    });
    expect(await credentials(v1.id)).toEqual({ configId: v1.id, apiKey: "AC-rotated-key-2222", apiSecret: null });

    const response = await rollback(v1.id, 1, "bad rotation");
    expect(response.errors).toBeUndefined();
    expect(response.data?.rollbackProviderConfig).toMatchObject({
      id: v1.id,
      priority: "SECONDARY",
      enabled: true,
      configData: { from: "+967" },
      hasApiKey: true,
      hasApiSecret: true,
      apiKeyHint: "****1111",
      version: 3,
      createdAt: v1.createdAt,
      createdBy: "anonymous",
      updatedBy: "anonymous",
    });
    expect(await credentials(v1.id)).toEqual({ configId: v1.id, apiKey: "AC-original-key-1111", apiSecret: "secret-one" });
    expect((await history(tenantId))[0]).toEqual({
      configId: v1.id,
      version: 3,
      changeType: "ROLLED_BACK",
      changedBy: "anonymous",
      changeReason: "bad rotation",
      priority: "SECONDARY",
      enabled: true,
    });
  });

  test("removes credentials that the target version did not have", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const v1 = await upsert(key);
    await upsert({ ...key, apiKey: "osm-key-123456789", apiSecret: "osm-secret" });
    const response = await rollback(v1.id, 1);
    expect(response.data?.rollbackProviderConfig).toMatchObject({ version: 3, hasApiKey: false, hasApiSecret: false, apiKeyHint: null });
    expect(await credentials(v1.id)).toEqual({ configId: v1.id, apiKey: null, apiSecret: null });
  });

  test("is ROLLED_BACK, not ENABLED or DISABLED, when the enabled flag flips", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" };
    const v1 = await upsert(key);
    await upsert({ ...key, enabled: false });
    expect((await rollback(v1.id, 1)).data?.rollbackProviderConfig).toMatchObject({ version: 3, enabled: true });
    expect((await rollback(v1.id, 2)).data?.rollbackProviderConfig).toMatchObject({ version: 4, enabled: false });
    expect((await history(tenantId)).map((item) => [item.version, item.changeType, item.enabled])).toEqual([
      [4, "ROLLED_BACK", false],
      [3, "ROLLED_BACK", true],
      [2, "DISABLED", false],
      [1, "CREATED", true],
    ]);
  });

  test("to the current state is a no-op: no new version, the config as is", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "mapbox_streets" };
    const v1 = await upsert({ ...key, apiKey: "pk.same-key-abcd", configData: { style: "streets" } });
    await upsert({ ...key, configData: { style: "dark" } });
    // Back to v1's state by hand, re-sending the same key: the stored key is re-sealed differently than in v1.
    await upsert({ ...key, apiKey: "pk.other-key-efgh" });
    const v4 = await upsert({ ...key, apiKey: "pk.same-key-abcd", configData: { style: "streets" } });
    expect(v4.version).toBe(4);

    for (const version of [4, 1]) {
      const response = await rollback(v1.id, version, "nothing to do");
      expect(response.errors).toBeUndefined();
      expect(response.data?.rollbackProviderConfig).toEqual(v4);
    }
    expect((await history(tenantId)).map((item) => item.version)).toEqual([4, 3, 2, 1]);
    expect(await credentials(v1.id)).toMatchObject({ apiKey: "pk.same-key-abcd" });
  });
});

describe("refusals", () => {
  test("version 0 or negative is a BAD_USER_INPUT naming version", async () => {
    const tenantId = tenant();
    const v1 = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    for (const version of [0, -1]) expectError(await rollback(v1.id, version), "BAD_USER_INPUT", "version");
    expect(await history(tenantId)).toHaveLength(1);
  });

  test("a changeReason over 1000 characters is a BAD_USER_INPUT naming changeReason", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const v1 = await upsert(key);
    await upsert({ ...key, priority: "SECONDARY" });
    expectError(await rollback(v1.id, 1, "r".repeat(1001)), "BAD_USER_INPUT", "changeReason");
    expect(await history(tenantId)).toHaveLength(2);
  });

  test("an unknown config or an unknown version is NOT_FOUND", async () => {
    const tenantId = tenant();
    const v1 = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    expectError(await rollback(UNKNOWN_ID, 1), "NOT_FOUND", "configId");
    expectError(await rollback(v1.id, 2), "NOT_FOUND", "version");
    expectError(await rollback(v1.id, 2_000_000_000), "NOT_FOUND", "version");
    expect(await history(tenantId)).toHaveLength(1);
  });

  test("a version that is a DELETED entry is a BAD_USER_INPUT", async () => {
    const tenantId = tenant();
    const v1 = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    const deleted = await remove(v1.id);
    expect(deleted.version).toBe(2);
    expectError(await rollback(v1.id, 2), "BAD_USER_INPUT", "version");
    expect((await history(tenantId)).map((item) => item.changeType)).toEqual(["DELETED", "CREATED"]);
  });
});

describe("a deleted config", () => {
  const LIST = `query($t: String!) { providerConfigs(tenantId: $t) { id providerName version } }`;

  test("comes back with the same id, at the DELETED version + 1, listed again, history continuous", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "PAYMENT", providerName: "stripe" };
    const v1 = await upsert({ ...key, apiKey: "sk_live_restore_me_42", apiSecret: "whsec_1", configData: { currency: "YER" } });
    await upsert({ ...key, priority: "SECONDARY", configData: { currency: "SAR" } });
    expect((await remove(v1.id)).version).toBe(3);
    // A read before the rollback must not leave a stale (empty) list behind.
    expect((await t.gql(LIST, { t: tenantId })).data?.providerConfigs).toEqual([]);

    const response = await rollback(v1.id, 1, "deleted by mistake");
    expect(response.errors).toBeUndefined();
    expect(response.data?.rollbackProviderConfig).toMatchObject({
      id: v1.id,
      priority: "PRIMARY",
      enabled: true,
      configData: { currency: "YER" },
      hasApiKey: true,
      hasApiSecret: true,
      version: 4,
      createdAt: v1.createdAt,
    });
    expect(await credentials(v1.id)).toEqual({ configId: v1.id, apiKey: "sk_live_restore_me_42", apiSecret: "whsec_1" });
    expect((await t.gql(LIST, { t: tenantId })).data?.providerConfigs).toEqual([{ id: v1.id, providerName: "stripe", version: 4 }]);
    const byId = await t.gql(`query($id: UUID!) { providerConfig(id: $id) { id version } }`, { id: v1.id });
    expect(byId.data?.providerConfig).toEqual({ id: v1.id, version: 4 });
    expect((await history(tenantId, v1.id)).map((item) => [item.version, item.changeType, item.changeReason])).toEqual([
      [4, "ROLLED_BACK", "deleted by mistake"],
      [3, "DELETED", null],
      [2, "UPDATED", null],
      [1, "CREATED", null],
    ]);

    // And it keeps going: the next change is version 5.
    expect((await upsert({ ...key, enabled: false })).version).toBe(5);
  });

  test("whose (tenant, type, name) a newer config took is a CONFLICT and nothing changes", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const old = await upsert({ ...key, configData: { old: true } });
    await remove(old.id);
    const newer = await upsert({ ...key, configData: { newer: true } });
    expect(newer.id).not.toBe(old.id);

    const response = await rollback(old.id, 1);
    expectError(response, "CONFLICT");
    expect(response.errors?.[0]?.message).toContain(newer.id);
    const list = await t.gql(LIST, { t: tenantId });
    expect(list.data?.providerConfigs).toEqual([{ id: newer.id, providerName: "openstreetmap", version: 1 }]);
    expect((await history(tenantId)).map((item) => [item.configId, item.version, item.changeType])).toEqual([
      [newer.id, 1, "CREATED"],
      [old.id, 2, "DELETED"],
      [old.id, 1, "CREATED"],
    ]);

    // Once the key is free again, the old config can come back.
    await remove(newer.id);
    expect((await rollback(old.id, 1)).data?.rollbackProviderConfig).toMatchObject({ id: old.id, version: 3, configData: { old: true } });
  });
});

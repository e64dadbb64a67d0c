// configHistory and ProviderConfig.history against the real PostgreSQL: order, one snapshot per change, snapshot
// fields, filters, limits and cursor paging that stays stable while changes arrive (SPEC.md §3, §8).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectBadInput } from "./support/errors.js";
import { historyClient } from "./support/history.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const { upsert, page, items, configWithVersions } = historyClient(() => t);

describe("configHistory", () => {
  test("is newest first and each change writes exactly one snapshot; a no-op writes none", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" };
    await upsert(key);
    await upsert({ ...key, priority: "SECONDARY" });
    await upsert({ ...key, priority: "SECONDARY" });
    await upsert({ ...key, enabled: false });
    await upsert({ ...key, enabled: false, configData: {} });
    await upsert({ ...key, enabled: true, configData: { units: "metric" } });
    const history = await items({ tenantId });
    expect(history.map((item) => [item.version, item.changeType])).toEqual([
      [4, "ENABLED"],
      [3, "DISABLED"],
      [2, "UPDATED"],
      [1, "CREATED"],
    ]);
    expect(new Set(history.map((item) => item.id)).size).toBe(4);
  });

  test("a snapshot holds the state right after its change, with who and why", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "esri_streets" };
    const created = await upsert({ ...key, configData: { style: "streets" }, apiKey: "pk.first-key-0001", changeReason: "onboarding" });
    await upsert({ ...key, priority: "TERTIARY", apiKey: null, configData: { style: "dark", zoom: [1, 18] } });
    const history = await items({ tenantId });
    const common = { configId: created.id, tenantId, providerType: "MAP", providerName: "esri_streets", changedBy: "anonymous" };
    expect(history).toEqual([
      {
        ...common,
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        priority: "TERTIARY",
        enabled: true,
        configData: { style: "dark", zoom: [1, 18] },
        hasApiKey: false,
        version: 2,
        changeType: "UPDATED",
        changedAt: expect.any(String),
        changeReason: null,
      },
      {
        ...common,
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        priority: "PRIMARY",
        enabled: true,
        configData: { style: "streets" },
        hasApiKey: true,
        version: 1,
        changeType: "CREATED",
        changedAt: created.updatedAt,
        changeReason: "onboarding",
      },
    ]);
    expect(JSON.stringify(history)).not.toContain("pk.first-key-0001");
  });

  test("is newest first across configs, in the order the changes happened", async () => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    await upsert({ tenantId, providerType: "SMS", providerName: "twilio", enabled: false });
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" });
    await upsert({ tenantId, providerType: "SMS", providerName: "twilio", configData: { senderId: "x" } });
    expect((await items({ tenantId })).map((item) => `${item.providerName}@${item.version}`)).toEqual([
      "twilio@2",
      "openstreetmap@2",
      "twilio@1",
      "openstreetmap@1",
    ]);
  });

  test("changedAt never decreases as the version grows", async () => {
    const tenantId = tenant();
    const id = await configWithVersions(tenantId, 6);
    const history = await items({ tenantId, configId: id });
    const ascending = [...history].reverse();
    expect(ascending.map((item) => item.version)).toEqual([1, 2, 3, 4, 5, 6]);
    const times = ascending.map((item) => Date.parse(item.changedAt));
    expect(times.every((time) => Number.isFinite(time))).toBe(true);
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThanOrEqual(times[i - 1] as number);
  });

  test("filters providerType, providerName and configId combine", async () => {
    const tenantId = tenant();
    const osm = await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY" });
    const esri = await upsert({ tenantId, providerType: "MAP", providerName: "esri_satellite" });
    const weatherOsm = await upsert({ tenantId, providerType: "WEATHER", providerName: "openstreetmap" });
    const other = await upsert({ tenantId: tenant(), providerType: "MAP", providerName: "openstreetmap" });
    const names = async (filter: Record<string, unknown>) =>
      (await items({ tenantId, ...filter })).map((item) => `${item.providerType}/${item.providerName}@${item.version}`);

    expect(await names({ providerType: "MAP" })).toEqual(["MAP/esri_satellite@1", "MAP/openstreetmap@2", "MAP/openstreetmap@1"]);
    expect(await names({ providerName: "openstreetmap" })).toEqual([
      "WEATHER/openstreetmap@1",
      "MAP/openstreetmap@2",
      "MAP/openstreetmap@1",
    ]);
    expect(await names({ providerType: "MAP", providerName: "openstreetmap" })).toEqual(["MAP/openstreetmap@2", "MAP/openstreetmap@1"]);
    expect(await names({ configId: esri.id })).toEqual(["MAP/esri_satellite@1"]);
    expect(await names({ configId: osm.id, providerType: "MAP", providerName: "openstreetmap" })).toHaveLength(2);
    expect(await names({ configId: weatherOsm.id, providerType: "MAP" })).toEqual([]);
    expect(await names({ configId: osm.id, providerName: "esri_satellite" })).toEqual([]);
    expect(await names({ providerType: "SMS" })).toEqual([]);
    // Another tenant's config, even addressed by id, is not part of this tenant's history.
    expect(await names({ configId: other.id })).toEqual([]);
  });

  test("an invalid tenantId or providerName filter is a BAD_USER_INPUT naming it", async () => {
    expectBadInput(await page({ tenantId: "bad tenant" }), "tenantId");
    expectBadInput(await page({ tenantId: tenant(), providerName: "Not_Lower" }), "providerName");
  });
});

describe("limit", () => {
  test("defaults to 100 and accepts 1..500", async () => {
    const tenantId = tenant();
    const configs = Array.from({ length: 100 }, (_, i) => ({ providerType: "SMS", providerName: `gateway-${String(i).padStart(3, "0")}` }));
    const batch = await t.gql(
      `mutation($t: String!, $c: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $c) { id } }`,
      {
        t: tenantId,
        c: configs,
      },
    );
    expect(batch.errors).toBeUndefined();
    await upsert({ tenantId, providerType: "SMS", providerName: "gateway-000", enabled: false });

    const byDefault = await page({ tenantId });
    expect(byDefault.data?.configHistory.items).toHaveLength(100);
    expect(byDefault.data?.configHistory.items[0]).toMatchObject({ providerName: "gateway-000", version: 2, changeType: "DISABLED" });
    expect(byDefault.data?.configHistory.nextCursor).toEqual(expect.any(String));
    const all = await page({ tenantId, limit: 500 });
    expect(all.data?.configHistory.items).toHaveLength(101);
    expect(all.data?.configHistory.nextCursor).toBeNull();
    const one = await page({ tenantId, limit: 1 });
    expect(one.data?.configHistory.items.map((item) => item.version)).toEqual([2]);
  });

  test.each([0, 501, -1])("limit %i is a BAD_USER_INPUT naming limit", async (limit) => {
    const tenantId = tenant();
    await upsert({ tenantId, providerType: "MAP", providerName: "openstreetmap" });
    const response = await page({ tenantId, limit });
    expectBadInput(response, "limit");
    expect(response.data).toBeNull();
  });
});

describe("ProviderConfig.history", () => {
  const CONFIG_HISTORY = `query($id: UUID!, $limit: Int) { providerConfig(id: $id) { version
    recent: history(limit: $limit) { version changeType } all: history { version } } }`;

  test("is newest first, 20 by default, limited by limit", async () => {
    const tenantId = tenant();
    const id = await configWithVersions(tenantId, 22);
    const response = await t.gql(CONFIG_HISTORY, { id, limit: 3 });
    expect(response.errors).toBeUndefined();
    expect(response.data?.providerConfig.version).toBe(22);
    expect(response.data?.providerConfig.recent).toEqual([
      { version: 22, changeType: "UPDATED" },
      { version: 21, changeType: "UPDATED" },
      { version: 20, changeType: "UPDATED" },
    ]);
    expect(response.data?.providerConfig.all.map((item: { version: number }) => item.version)).toEqual(
      Array.from({ length: 20 }, (_, i) => 22 - i),
    );
    const wide = await t.gql(CONFIG_HISTORY, { id, limit: 500 });
    expect(wide.data?.providerConfig.recent).toHaveLength(22);
  });

  test.each([0, 501, -1])("limit %i is a BAD_USER_INPUT naming limit", async (limit) => {
    const id = await configWithVersions(tenant(), 1);
    expectBadInput(await t.gql(CONFIG_HISTORY, { id, limit }), "limit");
  });

  test("the history of a deleted config stays", async () => {
    const tenantId = tenant();
    const id = await configWithVersions(tenantId, 3);
    const deleted = await t.gql(`mutation($id: UUID!) { deleteProviderConfig(id: $id, changeReason: "retired") { id version } }`, { id });
    expect(deleted.data?.deleteProviderConfig).toEqual({ id, version: 4 });
    expect((await t.gql(CONFIG_HISTORY, { id })).data?.providerConfig).toBeNull();
    const history = await items({ tenantId, configId: id });
    expect(history.map((item) => [item.version, item.changeType])).toEqual([
      [4, "DELETED"],
      [3, "UPDATED"],
      [2, "UPDATED"],
      [1, "CREATED"],
    ]);
    expect(history[0]).toMatchObject({ configData: { step: 3 }, changeReason: "retired", changedBy: "anonymous" });
  });
});

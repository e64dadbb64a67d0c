// The main flows on embedded PGlite (the zero-dependency default), through the same API as on PostgreSQL.
import { afterAll, beforeAll, expect, test } from "vitest";
import { codeOf, startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ database: "pglite" });
});
afterAll(() => t.stop());

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version enabled apiKeyHint } }`;

test("runs on PGlite", () => {
  expect(t.app.database.kind).toBe("pglite");
});

test("create, update, no-op, delete, rollback of the deleted config, history", async () => {
  const tenantId = tenant();
  const key = { tenantId, providerType: "MAP", providerName: "mapbox_streets" };
  const created = await t.gql(UPSERT, { input: { ...key, apiKey: "pk.eyJ1Ijoic21va2UifQ" } });
  const id = created.data?.upsertProviderConfig.id;
  expect(created.data?.upsertProviderConfig).toMatchObject({ version: 1, apiKeyHint: "****UifQ" });
  expect((await t.gql(UPSERT, { input: { ...key, enabled: false } })).data?.upsertProviderConfig.version).toBe(2);
  expect((await t.gql(UPSERT, { input: { ...key, enabled: false } })).data?.upsertProviderConfig.version).toBe(2);
  const deleted = await t.gql(`mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`, { id });
  expect(deleted.data?.deleteProviderConfig).toEqual({ id, version: 3 });
  const restored = await t.gql(`mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1) { id version enabled } }`, { id });
  expect(restored.data?.rollbackProviderConfig).toEqual({ id, version: 4, enabled: true });
  const credentials = await t.gql(`query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`, { id });
  expect(credentials.data?.providerCredentials.apiKey).toBe("pk.eyJ1Ijoic21va2UifQ");
  const history = await t.gql(`query($t: String!) { configHistory(tenantId: $t, limit: 2) { items { version changeType } nextCursor } }`, {
    t: tenantId,
  });
  expect(history.data?.configHistory.items).toEqual([
    { version: 4, changeType: "ROLLED_BACK" },
    { version: 3, changeType: "DELETED" },
  ]);
  const next = await t.gql(
    `query($t: String!, $after: String) { configHistory(tenantId: $t, after: $after) { items { version } nextCursor } }`,
    {
      t: tenantId,
      after: history.data?.configHistory.nextCursor,
    },
  );
  expect(next.data?.configHistory).toEqual({ items: [{ version: 2 }, { version: 1 }], nextCursor: null });
});

test("an atomic batch and a reset", async () => {
  const tenantId = tenant();
  const batch = `mutation($t: String!, $c: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $c) { providerName version } }`;
  const bad = await t.gql(batch, {
    t: tenantId,
    c: [
      { providerType: "SMS", providerName: "twilio", enabled: false },
      { providerType: "SMS", providerName: "BAD" },
    ],
  });
  expect(codeOf(bad)).toBe("BAD_USER_INPUT");
  const good = await t.gql(batch, {
    t: tenantId,
    c: [
      { providerType: "SMS", providerName: "twilio", enabled: false },
      { providerType: "WEATHER", providerName: "open_meteo" },
    ],
  });
  expect(good.data?.upsertProviderConfigs).toEqual([
    { providerName: "twilio", version: 1 },
    { providerName: "open_meteo", version: 1 },
  ]);
  const reset = await t.gql(`mutation($t: String!) { resetTenantConfig(tenantId: $t) }`, { t: tenantId });
  expect(reset.data?.resetTenantConfig).toBe(2);
});

test("parallel writers to one config lose nothing and keep versions contiguous", async () => {
  const tenantId = tenant();
  const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" };
  await t.gql(UPSERT, { input: key });
  const writers = 12;
  const results = await Promise.all(
    Array.from({ length: writers }, (_, i) => t.gql(UPSERT, { input: { ...key, configData: { writer: i } } })),
  );
  expect(results.every((result) => result.errors === undefined)).toBe(true);
  const history = await t.gql(`query($t: String!) { configHistory(tenantId: $t) { items { version configData } } }`, { t: tenantId });
  const items = history.data?.configHistory.items as Array<{ version: number; configData: { writer?: number } }>;
  expect(items.map((item) => item.version)).toEqual(Array.from({ length: writers + 1 }, (_, i) => writers + 1 - i));
  expect(items.flatMap((item) => (item.configData.writer === undefined ? [] : [item.configData.writer])).sort((a, b) => a - b)).toEqual(
    Array.from({ length: writers }, (_, i) => i),
  );
});

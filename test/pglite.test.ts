// The main flows on embedded PGlite (the zero-dependency default), through the same API as on PostgreSQL.
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  ConfigHistoryChangesDocument,
  ConfigHistoryDocument,
  ConfigHistoryVersionsDocument,
  DeleteProviderConfigDocument,
  ProviderCredentialsDocument,
  ResetTenantConfigDocument,
  RollbackProviderConfigDocument,
  UpsertProviderConfigDocument,
  type UpsertProviderConfigInput,
  UpsertProviderConfigsDocument,
} from "./generated/graphql.js";
import { codeOf, startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ database: "pglite" });
});
afterAll(() => t.stop());

test("runs on PGlite", () => {
  expect(t.app.database.kind).toBe("pglite");
});

test("create, update, no-op, delete, rollback of the deleted config, history", async () => {
  const tenantId = tenant();
  const key = { tenantId, providerType: "MAP", providerName: "mapbox_streets" } satisfies UpsertProviderConfigInput;
  const created = await t.run(UpsertProviderConfigDocument, { input: { ...key, apiKey: "pk.eyJ1Ijoic21va2UifQ" } });
  const id = created.data?.upsertProviderConfig.id ?? "";
  expect(created.data?.upsertProviderConfig).toMatchObject({ version: 1, apiKeyHint: "****UifQ" });
  expect((await t.run(UpsertProviderConfigDocument, { input: { ...key, enabled: false } })).data?.upsertProviderConfig.version).toBe(2);
  expect((await t.run(UpsertProviderConfigDocument, { input: { ...key, enabled: false } })).data?.upsertProviderConfig.version).toBe(2);
  const deleted = await t.run(DeleteProviderConfigDocument, { id });
  expect(deleted.data?.deleteProviderConfig).toEqual({ id, version: 3 });
  const restored = await t.run(RollbackProviderConfigDocument, { configId: id, version: 1 });
  expect(restored.data?.rollbackProviderConfig).toEqual({ id, version: 4, enabled: true });
  const credentials = await t.run(ProviderCredentialsDocument, { configId: id });
  expect(credentials.data?.providerCredentials.apiKey).toBe("pk.eyJ1Ijoic21va2UifQ");
  const history = await t.run(ConfigHistoryChangesDocument, { tenantId, limit: 2 });
  expect(history.data?.configHistory.items).toEqual([
    { version: 4, changeType: "ROLLED_BACK" },
    { version: 3, changeType: "DELETED" },
  ]);
  const next = await t.run(ConfigHistoryVersionsDocument, {
    tenantId,
    after: history.data?.configHistory.nextCursor,
  });
  expect(next.data?.configHistory).toEqual({ items: [{ version: 2 }, { version: 1 }], nextCursor: null });
});

test("an atomic batch and a reset", async () => {
  const tenantId = tenant();
  const bad = await t.run(UpsertProviderConfigsDocument, {
    tenantId,
    configs: [
      { providerType: "SMS", providerName: "twilio", enabled: false },
      { providerType: "SMS", providerName: "BAD" },
    ],
  });
  expect(codeOf(bad)).toBe("BAD_USER_INPUT");
  const good = await t.run(UpsertProviderConfigsDocument, {
    tenantId,
    configs: [
      { providerType: "SMS", providerName: "twilio", enabled: false },
      { providerType: "WEATHER", providerName: "open_meteo" },
    ],
  });
  expect(good.data?.upsertProviderConfigs).toEqual([
    { providerName: "twilio", version: 1 },
    { providerName: "open_meteo", version: 1 },
  ]);
  const reset = await t.run(ResetTenantConfigDocument, { tenantId });
  expect(reset.data?.resetTenantConfig).toBe(2);
});

test("parallel writers to one config lose nothing and keep versions contiguous", async () => {
  const tenantId = tenant();
  const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" } satisfies UpsertProviderConfigInput;
  await t.run(UpsertProviderConfigDocument, { input: key });
  const writers = 12;
  const results = await Promise.all(
    Array.from({ length: writers }, (_, i) => t.run(UpsertProviderConfigDocument, { input: { ...key, configData: { writer: i } } })),
  );
  expect(results.every((result) => result.errors === undefined)).toBe(true);
  const history = await t.run(ConfigHistoryDocument, { tenantId });
  const items = history.data?.configHistory.items as Array<{ version: number; configData: { writer?: number } }>;
  expect(items.map((item) => item.version)).toEqual(Array.from({ length: writers + 1 }, (_, i) => writers + 1 - i));
  expect(items.flatMap((item) => (item.configData.writer === undefined ? [] : [item.configData.writer])).sort((a, b) => a - b)).toEqual(
    Array.from({ length: writers }, (_, i) => i),
  );
});

// exportTenantConfig / importTenantConfig (SPEC.md §10.1), on PostgreSQL and on PGlite: the round trip, an
// idempotent second import, MERGE vs REPLACE, dry runs, every problem at once with its path, the document limits,
// the tenant limit; and, with authentication on, scopes and tenants.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectBadInput, expectError } from "./support/errors.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";
import { document, portable, transferClient } from "./support/transfer.js";

/** Small, so that the tenant limit is reachable; documents may still hold up to 500 configs. */
const LIMIT_ENV = { MAX_CONFIGS_PER_TENANT: "6" };

const SEED = [
  { providerType: "MAP", providerName: "mapbox_streets", priority: "PRIMARY", apiKey: "pk.live-0123456789", apiSecret: "shh-secret" },
  { providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY", configData: { maxZoom: 17, style: "light" } },
  { providerType: "WEATHER", providerName: "open_meteo", configData: { units: "metric" } },
  { providerType: "SMS", providerName: "twilio", enabled: false, priority: "TERTIARY" },
  { providerType: "NOTIFICATION", providerName: "in_house_push", priority: "SECONDARY", apiKey: "push-key-1" },
];

function rules(t: () => TestApp) {
  const c = transferClient(t);

  test("export → import into an empty tenant reproduces every config, credentials included; a second import changes nothing", async () => {
    const [source, target] = [tenant("exp"), tenant("imp")];
    await c.seed(source, SEED);
    const exported = await c.export(source, true);
    expect(exported).toMatchObject({ format: "provider-config/v1", tenantId: source });
    expect(Number.isNaN(Date.parse(String(exported.exportedAt)))).toBe(false);
    expect(exported.configs.map((config) => config.providerName)).toEqual((await c.list(source)).map((config) => config.providerName));
    expect(exported.configs[0]).toEqual({
      providerType: "MAP",
      providerName: "mapbox_streets",
      priority: "PRIMARY",
      enabled: true,
      configData: {},
      apiKey: "pk.live-0123456789",
      apiSecret: "shh-secret",
    });
    expect(exported.configs[1]).toMatchObject({ providerName: "openstreetmap", apiKey: null, apiSecret: null });

    expect(await c.list(target)).toEqual([]); // cached as empty: the import must invalidate it
    const imported = await c.import(target, exported);
    expect(imported).toMatchObject({ tenantId: target, dryRun: false, created: 5, updated: 0, deleted: 0, unchanged: 0 });
    expect(imported.changes.map((change) => change.action)).toEqual(Array(5).fill("CREATE"));
    expect(imported.changes[0]?.changedFields).toEqual(["priority", "enabled", "configData", "apiKey", "apiSecret"]);
    const [sourceConfigs, targetConfigs] = [await c.list(source), await c.list(target)];
    expect(targetConfigs.map(portable)).toEqual(sourceConfigs.map(portable));
    expect(imported.configs).toEqual(targetConfigs.map(({ hasApiSecret: _s, apiKeyHint: _h, ...view }) => view));
    for (const [index, config] of targetConfigs.entries()) {
      expect(await c.credentials(config.id)).toEqual(await c.credentials(sourceConfigs[index]?.id ?? ""));
    }
    const history = await c.history(target);
    expect(history).toHaveLength(5);
    for (const entry of history)
      expect(entry).toMatchObject({ changeType: "CREATED", version: 1, changeReason: "import", changedBy: "anonymous" });

    expect(JSON.stringify(t().logs)).not.toMatch(/pk\.live-0123456789|shh-secret/);

    const again = await c.import(target, exported);
    expect(again).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 5 });
    expect(again.changes.every((change) => change.action === "UNCHANGED" && change.changedFields.length === 0)).toBe(true);
    expect(await c.history(target)).toHaveLength(5);
  });

  test("an export without secrets has no credential field; importing it keeps the stored credentials", async () => {
    const tenantId = tenant("nosec");
    await c.seed(tenantId, SEED);
    const exported = await c.export(tenantId);
    for (const config of exported.configs) {
      expect(Object.keys(config).sort()).toEqual(["configData", "enabled", "priority", "providerName", "providerType"]);
    }
    expect(JSON.stringify(exported)).not.toContain("pk.live");
    const reimported = await c.import(tenantId, exported, { mode: "REPLACE" });
    expect(reimported).toMatchObject({ unchanged: 5, created: 0, updated: 0, deleted: 0 });
    expect((await c.list(tenantId)).find((config) => config.providerName === "mapbox_streets")).toMatchObject({
      hasApiKey: true,
      hasApiSecret: true,
    });
    // Into an empty tenant, the enabled key-requiring provider has no key: reported at its path, nothing written.
    const empty = tenant("nosec-empty");
    const refused = await c.importRaw(empty, exported);
    expectBadInput(refused, "configs[0].apiKey");
    expect(refused.errors?.[0]?.extensions?.problems).toEqual([
      { path: "configs[0].apiKey", message: expect.stringContaining("requires an API key") },
    ]);
    expect(await c.history(empty)).toEqual([]);
  });

  test("the document's tenantId is ignored; changeReason is recorded", async () => {
    const tenantId = tenant("reason");
    const doc = document([{ providerType: "WEATHER", providerName: "open_meteo" }], { tenantId: "not-this-one" });
    expect((await c.import(tenantId, doc, { reason: "copy from staging" })).tenantId).toBe(tenantId);
    expect(await c.history(tenantId)).toMatchObject([{ providerName: "open_meteo", changeReason: "copy from staging" }]);
    expect(await c.list("not-this-one")).toEqual([]);
  });

  test("MERGE creates and updates, keeps omitted fields and unnamed configs; REPLACE also deletes the unnamed ones", async () => {
    const [merged, replaced] = [tenant("merge"), tenant("replace")];
    const doc = document([
      { providerType: "MAP", providerName: "mapbox_streets", priority: "SECONDARY" },
      { providerType: "MAP", providerName: "openstreetmap", configData: { maxZoom: 17, style: "light" }, priority: "SECONDARY" },
      { providerType: "SATELLITE", providerName: "landsat" },
      { providerType: "SMS", providerName: "twilio", enabled: false },
    ]);
    for (const tenantId of [merged, replaced]) await c.seed(tenantId, SEED);

    const merge = await c.import(merged, doc);
    expect(merge).toMatchObject({ created: 1, updated: 1, deleted: 0, unchanged: 2 });
    expect(merge.changes).toEqual([
      { providerType: "MAP", providerName: "mapbox_streets", action: "UPDATE", changedFields: ["priority"] },
      { providerType: "MAP", providerName: "openstreetmap", action: "UNCHANGED", changedFields: [] },
      { providerType: "SATELLITE", providerName: "landsat", action: "CREATE", changedFields: ["priority", "enabled", "configData"] },
      { providerType: "SMS", providerName: "twilio", action: "UNCHANGED", changedFields: [] },
    ]);
    const afterMerge = await c.list(merged);
    expect(afterMerge.map((config) => config.providerName)).toEqual([
      "mapbox_streets",
      "openstreetmap",
      "open_meteo",
      "landsat",
      "twilio",
      "in_house_push",
    ]);
    expect(afterMerge.find((config) => config.providerName === "mapbox_streets")).toMatchObject({
      priority: "SECONDARY",
      hasApiKey: true,
      hasApiSecret: true,
      version: 2,
    });

    const replace = await c.import(replaced, doc, { mode: "REPLACE" });
    expect(replace).toMatchObject({ created: 1, updated: 1, deleted: 2, unchanged: 2 });
    expect(replace.changes.slice(4)).toEqual([
      { providerType: "WEATHER", providerName: "open_meteo", action: "DELETE", changedFields: [] },
      { providerType: "NOTIFICATION", providerName: "in_house_push", action: "DELETE", changedFields: [] },
    ]);
    expect((await c.list(replaced)).map((config) => config.providerName)).toEqual(["mapbox_streets", "openstreetmap", "landsat", "twilio"]);
    const deletions = (await c.history(replaced)).filter((entry) => entry.changeType === "DELETED");
    expect(deletions.map((entry) => [entry.providerName, entry.changeReason]).sort()).toEqual([
      ["in_house_push", "import"],
      ["open_meteo", "import"],
    ]);
  });

  test("null credentials remove them; a change of the enabled flag is ENABLED/DISABLED in history", async () => {
    const tenantId = tenant("creds");
    await c.seed(tenantId, SEED);
    const result = await c.import(
      tenantId,
      document([
        { providerType: "MAP", providerName: "mapbox_streets", enabled: false, apiKey: null, apiSecret: null },
        { providerType: "NOTIFICATION", providerName: "in_house_push", apiKey: "push-key-1" },
      ]),
    );
    expect(result.changes.map((change) => [change.action, change.changedFields])).toEqual([
      ["UPDATE", ["enabled", "apiKey", "apiSecret"]],
      ["UNCHANGED", []],
    ]);
    expect((await c.list(tenantId)).find((config) => config.providerName === "mapbox_streets")).toMatchObject({
      hasApiKey: false,
      enabled: false,
    });
    expect((await c.history(tenantId))[0]).toMatchObject({ providerName: "mapbox_streets", changeType: "DISABLED", version: 2 });
  });

  test("a dry run returns the same result and writes nothing", async () => {
    const tenantId = tenant("dry");
    await c.seed(tenantId, SEED);
    const doc = document([
      { providerType: "MAP", providerName: "openstreetmap", priority: "PRIMARY" },
      { providerType: "SATELLITE", providerName: "landsat" },
    ]);
    const [before, historyBefore] = [await c.list(tenantId), await c.history(tenantId)];
    const dry = await c.import(tenantId, doc, { mode: "REPLACE", dryRun: true });
    expect(await c.list(tenantId)).toEqual(before);
    expect(await c.history(tenantId)).toEqual(historyBefore);
    const osm = before.find((config) => config.providerName === "openstreetmap");
    expect(dry.configs).toEqual([
      {
        id: osm?.id,
        providerType: "MAP",
        providerName: "openstreetmap",
        priority: "PRIMARY",
        enabled: true,
        configData: osm?.configData,
        hasApiKey: false,
        version: 2,
      },
      {
        id: null,
        providerType: "SATELLITE",
        providerName: "landsat",
        priority: "PRIMARY",
        enabled: true,
        configData: {},
        hasApiKey: false,
        version: null,
      },
    ]);
    const real = await c.import(tenantId, doc, { mode: "REPLACE" });
    expect({ ...dry, dryRun: false, configs: null }).toEqual({ ...real, configs: null });
    expect(real.configs[0]).toEqual(dry.configs[0]);
    expect(real.configs[1]).toMatchObject({ ...dry.configs[1], id: expect.any(String), version: 1 });
    // A dry run is refused for the same reasons as the real import.
    expectBadInput(
      await c.importRaw(tenant("dry"), document([{ providerType: "MAP", providerName: "google_maps" }]), { dryRun: true }),
      "configs[0].apiKey",
    );
  });

  test("every problem is reported at once with its path, and nothing is written", async () => {
    const tenantId = tenant("problems");
    await c.seed(tenantId, [SEED[1] as Record<string, unknown>]);
    const historyBefore = await c.history(tenantId);
    const response = await c.importRaw(tenantId, {
      format: "provider-config/v0",
      configs: [
        { providerType: "MAP", providerName: "openstreetmap", priority: "FIRST" },
        { providerType: "WEATHER", providerName: "open_meteo", configData: "metric" },
        { providerType: "MAP", providerName: "openstreetmap" },
        { providerType: "MAP", providerName: "Bad Name" },
        { providerType: "RADIO", providerName: "fm", enabled: "yes" },
        { providerType: "SMS", providerName: "twilio", apiKey: 42, apiSecret: "", enabled: false },
        "not an object",
        { providerType: "MAP", providerName: "esri_streets", colour: "blue", priority: null },
        { providerType: "MAP", providerName: "google_maps" },
      ],
    });
    // The message lists the first ten; extensions.problems lists them all.
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    expect(response.data?.importTenantConfig ?? null).toBeNull();
    expect(response.errors?.[0]?.message).toMatch(/^Invalid input\. format: .*; and 3 more\.$/);
    const paths = response.errors?.[0]?.extensions?.problems?.map((problem) => problem.path);
    expect(paths).toEqual([
      "format",
      "configs[0].priority",
      "configs[1].configData",
      "configs[2]",
      "configs[3].providerName",
      "configs[4].providerType",
      "configs[4].enabled",
      "configs[5].apiKey",
      "configs[5].apiSecret",
      "configs[6]",
      "configs[7].colour",
      "configs[7].priority",
      "configs[8].apiKey",
    ]);
    for (const problem of response.errors?.[0]?.extensions?.problems ?? []) expect(problem.message.length).toBeGreaterThan(5);
    expect(await c.history(tenantId)).toEqual(historyBefore);
  });

  test("an unknown format, a missing config list, wrong types and more than 500 configs are refused", async () => {
    const tenantId = tenant("shape");
    expectBadInput(await c.importRaw(tenantId, document([], { format: "provider-config/v2" })), "format");
    expectBadInput(await c.importRaw(tenantId, { format: "provider-config/v1" }), "configs");
    expectError(await c.importRaw(tenantId, document([]).configs), "BAD_USER_INPUT");
    expectBadInput(await c.importRaw(tenantId, document([{ providerType: "MAP", providerName: 7 }])), "configs[0].providerName");
    const many = Array.from({ length: 501 }, (_, index) => ({ providerType: "MAP", providerName: `tiles-${index}` }));
    const refused = await c.importRaw(tenantId, document(many));
    expectBadInput(refused, "configs");
    expect(refused.errors?.[0]?.extensions?.problems).toEqual([{ path: "configs", message: "must hold at most 500 configs, not 501" }]);
    expectBadInput(await c.importRaw(tenantId, document([]), { reason: "x".repeat(1001) }), "changeReason");
    expectBadInput(await c.importRaw("bad tenant!", document([])), "tenantId");
    expect(await c.history(tenantId)).toEqual([]);
  });

  test("an empty document is valid: MERGE changes nothing, REPLACE empties the tenant", async () => {
    const tenantId = tenant("empty-doc");
    await c.seed(tenantId, SEED.slice(1, 3));
    expect(await c.import(tenantId, document([]))).toMatchObject({
      created: 0,
      updated: 0,
      deleted: 0,
      unchanged: 0,
      configs: [expect.anything(), expect.anything()],
    });
    expect(await c.import(tenantId, document([]), { mode: "REPLACE" })).toMatchObject({ deleted: 2, configs: [] });
    expect(await c.list(tenantId)).toEqual([]);
  });

  test("MAX_CONFIGS_PER_TENANT applies to the tenant after the import (REPLACE frees room first)", async () => {
    const tenantId = tenant("limit");
    await c.seed(tenantId, SEED); // 5 of 6
    const two = document([
      { providerType: "SATELLITE", providerName: "landsat" },
      { providerType: "MAP", providerName: "esri_streets" },
    ]);
    for (const dryRun of [false, true]) {
      const refused = await c.importRaw(tenantId, two, { dryRun });
      expectBadInput(refused, "configs");
      expect(refused.errors?.[0]?.message).toContain("at most 6 provider configs");
    }
    expect(await c.history(tenantId)).toHaveLength(5);
    expect(await c.import(tenantId, two, { mode: "REPLACE" })).toMatchObject({ created: 2, deleted: 5 });
  });
}

describe("on PGlite", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: "pglite", env: LIMIT_ENV });
  });
  afterAll(() => t.stop());
  rules(() => t);
});

describe.skipIf(!hasPostgres())("on PostgreSQL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: "postgresql", env: LIMIT_ENV });
  });
  afterAll(() => t.stop());
  rules(() => t);
});

describe("with authentication: scopes and tenants", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t.stop());

  test("secrets only with includeSecrets and secrets:read; import needs config:write; a token for A reaches nothing of B", async () => {
    const [a, b] = [tenant("auth-a"), tenant("auth-b")];
    const admin = transferClient(() => t, bearer(await tokenFor("admin", ["*"])));
    await admin.seed(a, SEED);
    await admin.seed(b, SEED.slice(0, 1));
    const doc = await admin.export(a, true);

    const readOnly = transferClient(() => t, bearer(await tokenFor("reader", [a], "config:read")));
    const plain = await readOnly.export(a);
    expect(JSON.stringify(plain)).not.toMatch(/apiKey|apiSecret|pk\.live/);
    expectError(await readOnly.exportRaw(a, true), "FORBIDDEN");
    expectError(await readOnly.importRaw(a, doc), "FORBIDDEN");

    const writerOfA = transferClient(() => t, bearer(await tokenFor("writer-a", [a])));
    expect((await writerOfA.export(a, true)).configs[0]).toMatchObject({ apiKey: "pk.live-0123456789" });
    expectError(await writerOfA.exportRaw(b), "FORBIDDEN");
    expectError(await writerOfA.exportRaw(b, true), "FORBIDDEN");
    expectError(await writerOfA.importRaw(b, doc), "FORBIDDEN");
    expectError(await writerOfA.importRaw(b, { format: "nonsense" }), "FORBIDDEN");
    expect((await writerOfA.import(a, doc, { dryRun: true })).unchanged).toBe(5);
    expect((await admin.history(b)).map((entry) => entry.changedBy)).toEqual(["admin"]);
    expect((await admin.list(b)).map((config) => config.providerName)).toEqual(["mapbox_streets"]);

    const writeWithoutSecrets = transferClient(() => t, bearer(await tokenFor("w", [b], "config:read config:write")));
    const copied = await writeWithoutSecrets.import(b, doc, { mode: "REPLACE" });
    expect(copied).toMatchObject({ created: 4, unchanged: 1 });
    expect((await admin.history(b))[0]?.changedBy).toBe("w");
  });

  test("without a token nothing is exported or imported", async () => {
    const anonymous = transferClient(() => t);
    expectError(await anonymous.exportRaw(tenant("anon")), "UNAUTHENTICATED");
    expectError(await anonymous.importRaw(tenant("anon"), document([])), "UNAUTHENTICATED");
  });
});

// configTemplates / applyConfigTemplate (SPEC.md §10.2), on PostgreSQL and on PGlite: every template applies to an
// empty tenant; on a tenant with configs, MERGE keeps credentials and enabled flags; REPLACE, dry runs, reasons,
// unknown names; and, with authentication on, tenants and scopes.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectError } from "./support/errors.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";
import { TEMPLATES, transferClient } from "./support/transfer.js";

interface Template {
  name: string;
  description: string;
  descriptionAr: string;
  entries: Array<{ providerType: string; providerName: string; priority: string; enabled: boolean; configData: Record<string, unknown> }>;
}

async function templatesOf(t: TestApp, headers?: Record<string, string>): Promise<Template[]> {
  const response = await t.gql<{ configTemplates: Template[] }>(TEMPLATES, {}, headers);
  expect(response.errors).toBeUndefined();
  return response.data?.configTemplates ?? [];
}

function rules(t: () => TestApp) {
  const c = transferClient(t);

  test("lists free, the budgets and the countries, each entry a catalog provider, described in English and Arabic", async () => {
    const templates = await templatesOf(t());
    const names = templates.map((template) => template.name);
    expect(names).toEqual(
      expect.arrayContaining(["free", "low", "medium", "high", "country-ye", "country-sa", "country-ae", "country-eg"]),
    );
    expect(templates.find((template) => template.name === "free")?.entries).toEqual([
      { providerType: "MAP", providerName: "openstreetmap", priority: "PRIMARY", enabled: true, configData: {} },
      { providerType: "MAP", providerName: "esri_satellite", priority: "SECONDARY", enabled: true, configData: {} },
      { providerType: "WEATHER", providerName: "open_meteo", priority: "PRIMARY", enabled: true, configData: {} },
      { providerType: "SATELLITE", providerName: "landsat", priority: "PRIMARY", enabled: true, configData: {} },
    ]);
    const catalog = await t().gql<{ providerCatalog: Array<{ id: string; providerType: string; requiresApiKey: boolean }> }>(
      "{ providerCatalog { id providerType requiresApiKey } }",
    );
    const needsKey = new Map(catalog.data?.providerCatalog.map((p) => [`${p.providerType}/${p.id}`, p.requiresApiKey]));
    for (const template of templates) {
      expect(template.description.length, template.name).toBeGreaterThan(10);
      expect(template.descriptionAr, template.name).toMatch(/[\u0600-\u06FF]/);
      for (const entry of template.entries) {
        const key = `${entry.providerType}/${entry.providerName}`;
        expect(needsKey.has(key), `${template.name}: ${key}`).toBe(true);
        expect(entry.enabled).toBe(!needsKey.get(key));
      }
    }
  });

  test("every template applies to an empty tenant, creating exactly its entries with reason template:<name>", async () => {
    for (const template of await templatesOf(t())) {
      const tenantId = tenant(`tpl-${template.name}`);
      const result = await c.apply(tenantId, template.name);
      expect(result, template.name).toMatchObject({
        tenantId,
        dryRun: false,
        created: template.entries.length,
        updated: 0,
        deleted: 0,
        unchanged: 0,
      });
      const stored = await c.list(tenantId);
      const shape = (e: { providerType: string; providerName: string; priority: string; enabled: boolean; configData: unknown }) =>
        `${e.providerType}/${e.providerName} ${e.priority} ${e.enabled} ${JSON.stringify(e.configData)}`;
      expect(stored.map(shape).sort(), template.name).toEqual(template.entries.map(shape).sort());
      expect(result.configs.map((config) => config.id).sort()).toEqual(stored.map((config) => config.id).sort());
      const history = await c.history(tenantId);
      expect(new Set(history.map((entry) => `${entry.changeType} ${entry.changeReason}`))).toEqual(
        new Set([`CREATED template:${template.name}`]),
      );
    }
  });

  test("MERGE onto existing configs sets priorities, keeps credentials, enabled flags and settings; again it changes nothing", async () => {
    const tenantId = tenant("tpl-merge");
    await c.seed(tenantId, [
      {
        providerType: "MAP",
        providerName: "mapbox_streets",
        priority: "TERTIARY",
        apiKey: "pk.key-123456789",
        configData: { style: "dark" },
      },
      { providerType: "WEATHER", providerName: "open_meteo", enabled: false },
      { providerType: "MAP", providerName: "my_tiles" },
    ]);
    const low = await c.apply(tenantId, "low");
    expect(low).toMatchObject({ created: 3, updated: 1, unchanged: 1, deleted: 0 });
    expect(low.changes.find((change) => change.providerName === "mapbox_streets")).toEqual({
      providerType: "MAP",
      providerName: "mapbox_streets",
      action: "UPDATE",
      changedFields: ["priority"],
    });
    const stored = await c.list(tenantId);
    const byName = (name: string) => stored.find((config) => config.providerName === name);
    expect(byName("mapbox_streets")).toMatchObject({ priority: "PRIMARY", enabled: true, hasApiKey: true, configData: { style: "dark" } });
    expect(byName("open_meteo")).toMatchObject({ priority: "PRIMARY", enabled: false });
    expect(byName("mapbox_satellite")).toMatchObject({ priority: "SECONDARY", enabled: false, hasApiKey: false });
    expect(byName("my_tiles")).toMatchObject({ priority: "PRIMARY", enabled: true });
    const historyCount = (await c.history(tenantId)).length;
    expect(await c.apply(tenantId, "low")).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 5 });
    expect(await c.history(tenantId)).toHaveLength(historyCount);
  });

  test("REPLACE also deletes the configs the template does not name; a dry run writes nothing", async () => {
    const tenantId = tenant("tpl-replace");
    await c.seed(tenantId, [
      { providerType: "MAP", providerName: "my_tiles" },
      { providerType: "MAP", providerName: "openstreetmap", priority: "SECONDARY", enabled: false },
    ]);
    const historyBefore = await c.history(tenantId);
    const dry = await c.apply(tenantId, "free", { mode: "REPLACE", dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, created: 3, updated: 1, deleted: 1, unchanged: 0 });
    expect(dry.configs.map((config) => [config.providerName, config.id === null, config.enabled])).toEqual([
      ["openstreetmap", false, false],
      ["esri_satellite", true, true],
      ["open_meteo", true, true],
      ["landsat", true, true],
    ]);
    expect(await c.history(tenantId)).toEqual(historyBefore);
    const real = await c.apply(tenantId, "free", { mode: "REPLACE", reason: "onboarding" });
    expect({ ...real, configs: null, dryRun: true }).toEqual({ ...dry, configs: null });
    expect((await c.list(tenantId)).map((config) => config.providerName)).toEqual([
      "openstreetmap",
      "esri_satellite",
      "open_meteo",
      "landsat",
    ]);
    expect((await c.history(tenantId)).find((entry) => entry.changeType === "DELETED")).toMatchObject({
      providerName: "my_tiles",
      changeReason: "onboarding",
    });
  });

  test("a country template applies with its providers disabled until keys are added", async () => {
    const tenantId = tenant("tpl-ye");
    const result = await c.apply(tenantId, "country-ye");
    expect(
      result.configs.filter((config) => config.providerType === "PAYMENT").map((config) => [config.providerName, config.priority]),
    ).toEqual([
      ["stripe", "PRIMARY"],
      ["tharwatt", "PRIMARY"],
      ["hyperpay", "SECONDARY"],
    ]);
    expect(result.configs.every((config) => config.enabled === false)).toBe(true);
  });

  test("an unknown template is NOT_FOUND and writes nothing", async () => {
    const tenantId = tenant("tpl-unknown");
    const response = await c.applyRaw(tenantId, "country-zz");
    expectError(response, "NOT_FOUND");
    expect(response.errors?.[0]?.message).toContain("country-zz");
    expectError(await c.applyRaw(tenantId, "x".repeat(5000)), "NOT_FOUND");
    expect(await c.history(tenantId)).toEqual([]);
  });
}

describe("on PGlite", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: "pglite" });
  });
  afterAll(() => t.stop());
  rules(() => t);
});

describe.skipIf(!hasPostgres())("on PostgreSQL", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: "postgresql" });
  });
  afterAll(() => t.stop());
  rules(() => t);
});

describe("with authentication", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t.stop());

  test("listing needs only a valid token; applying needs config:write for that tenant", async () => {
    const [a, b] = [tenant("tpl-a"), tenant("tpl-b")];
    expectError(await t.gql(TEMPLATES), "UNAUTHENTICATED");
    expect((await templatesOf(t, bearer(await tokenFor("nobody", [], "")))).length).toBeGreaterThan(4);
    const writerOfA = transferClient(() => t, bearer(await tokenFor("writer-a", [a])));
    expect((await writerOfA.apply(a, "free")).created).toBe(4);
    expect((await writerOfA.history(a))[0]?.changedBy).toBe("writer-a");
    expectError(await writerOfA.applyRaw(b, "free"), "FORBIDDEN");
    expectError(await writerOfA.applyRaw(b, "no-such-template"), "FORBIDDEN");
    const readerOfA = transferClient(() => t, bearer(await tokenFor("reader-a", [a], "config:read secrets:read")));
    expectError(await readerOfA.applyRaw(a, "free", { dryRun: true }), "FORBIDDEN");
    const admin = transferClient(() => t, bearer(await tokenFor("admin", ["*"])));
    expect(await admin.list(b)).toEqual([]);
  });
});

// Per-request batching of the history reads (issue 12, SPEC.md §5): configDiff for many configs, tenantConfigAt for
// many tenants, configHistory and credentialAccessLog for many tenants and filters, through aliases in one request,
// cost one statement per batch, on PostgreSQL and PGlite; each alias answers exactly what it answers alone.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`;
const PAGE = "items { configId version changeType changedBy } nextCursor";
const LOG_PAGE = "items { id configId operation } nextCursor";

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  const tenants: string[] = [];
  const ids: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ database, countQueries: true });
    for (let i = 0; i < 8; i++) {
      const tenantId = tenant(`hb${i}`);
      tenants.push(tenantId);
      const input = { tenantId, providerType: "WEATHER", providerName: "open_meteo", enabled: false };
      const created = await t.gql(UPSERT, { input });
      ids.push(created.data?.upsertProviderConfig.id);
      await t.gql(UPSERT, { input: { ...input, configData: { language: `l${i}` } } });
    }
  });
  afterAll(() => t?.stop());

  /** Statements that read config_versions while `run` ran (BEGIN, the tenant setting and COMMIT are not counted). */
  async function historyStatementsOf(run: () => Promise<unknown>): Promise<string[]> {
    return statementsOf("config_versions", run);
  }

  async function statementsOf(table: string, run: () => Promise<unknown>): Promise<string[]> {
    t.queries.length = 0;
    await run();
    return t.queries.filter((sql) => sql.includes(table));
  }

  /** Each field alone, then all of them aliased in one request: the same answers, from one statement. */
  async function expectBatched(table: string, fields: string[]): Promise<Record<string, unknown>> {
    const alone: Record<string, unknown> = {};
    for (const [i, field] of fields.entries()) {
      const response = await t.gql(`query { f: ${field} }`);
      expect(response.errors, field).toBeUndefined();
      alone[`f${i}`] = response.data?.f;
    }
    const statements = await statementsOf(table, async () => {
      const response = await t.gql(`query { ${fields.map((field, i) => `f${i}: ${field}`).join("\n")} }`);
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual(alone);
    });
    expect(statements).toHaveLength(1);
    return alone;
  }

  test.skipIf(skip)("configDiff for configs of many tenants: one statement", async () => {
    const fields = ids.map((id, i) => `d${i}: configDiff(configId: "${id}", fromVersion: 1, toVersion: 2) { changes { field after } }`);
    const statements = await historyStatementsOf(async () => {
      const response = await t.gql(`query { ${fields.join("\n")} }`);
      expect(response.errors).toBeUndefined();
      expect(response.data?.d7.changes).toEqual([{ field: "configData.language", after: "l7" }]);
    });
    expect(statements).toHaveLength(1);
  });

  test.skipIf(skip)("tenantConfigAt for many tenants and instants: one statement", async () => {
    const now = new Date(Date.now() + 60_000).toISOString();
    const fields = tenants.flatMap((id, i) => [
      `a${i}: tenantConfigAt(tenantId: "${id}", at: "${now}") { version }`,
      `b${i}: tenantConfigAt(tenantId: "${id}", at: "2000-01-01T00:00:00Z") { version }`,
    ]);
    const statements = await historyStatementsOf(async () => {
      const response = await t.gql(`query { ${fields.join("\n")} }`);
      expect(response.errors).toBeUndefined();
      expect(response.data?.a3).toEqual([{ version: 2 }]);
      expect(response.data?.b3).toEqual([]);
    });
    expect(statements).toHaveLength(1);
  });

  test.skipIf(skip)("configHistory for many tenants, filters, limits and cursors: one statement, each alias as alone", async () => {
    const first = await t.gql(`query { configHistory(tenantId: "${tenants[0]}", limit: 1) { nextCursor } }`);
    const cursor = first.data?.configHistory.nextCursor;
    expect(cursor).toBeTruthy();
    const answers = await expectBatched("config_versions", [
      ...tenants.map((id, i) => `configHistory(tenantId: "${id}", limit: ${1 + (i % 3)}) { ${PAGE} }`),
      `configHistory(tenantId: "${tenants[0]}", limit: 1, after: "${cursor}") { ${PAGE} }`,
      `configHistory(tenantId: "${tenants[1]}", providerType: WEATHER, changeTypes: [CREATED]) { ${PAGE} }`,
      `configHistory(tenantId: "${tenants[2]}", configId: "${ids[2]}", changeTypes: []) { ${PAGE} }`,
      `configHistory(tenantId: "${tenants[3]}", configId: "${ids[3]}", from: "2000-01-01T00:00:00Z") { ${PAGE} }`,
      `configHistory(tenantId: "${tenants[4]}", providerName: "open_meteo", changedBy: "nobody") { ${PAGE} }`,
    ]);
    // The answers are each alias's own: limits, the page after the cursor, filters.
    expect(answers.f0).toMatchObject({ items: [{ version: 2, changeType: "UPDATED" }], nextCursor: expect.any(String) });
    expect(answers.f1).toMatchObject({ items: [{ version: 2 }, { version: 1 }], nextCursor: null });
    expect(answers.f8).toMatchObject({ items: [{ configId: ids[0], version: 1, changeType: "CREATED" }], nextCursor: null });
    expect(answers.f9).toMatchObject({ items: [{ configId: ids[1], version: 1, changeType: "CREATED" }], nextCursor: null });
    expect(answers.f10).toEqual({ items: [], nextCursor: null });
    expect(answers.f11).toMatchObject({ items: [{ version: 2 }, { version: 1 }], nextCursor: null });
    expect(answers.f12).toEqual({ items: [], nextCursor: null });
  });

  test.skipIf(skip)("credentialAccessLog for many tenants, limits and cursors: one statement, each alias as alone", async () => {
    // Three credential reads in each of the first four tenants.
    for (const tenantId of tenants.slice(0, 4)) {
      const input = { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: "sk_test_batching_0000000000" };
      const created = await t.gql(UPSERT, { input });
      for (let n = 0; n < 3; n++) {
        const read = await t.gql(`query { providerCredentials(configId: "${created.data?.upsertProviderConfig.id}") { apiKey } }`);
        expect(read.errors).toBeUndefined();
      }
    }
    const first = await t.gql(`query { credentialAccessLog(tenantId: "${tenants[0]}", limit: 2) { nextCursor } }`);
    const cursor = first.data?.credentialAccessLog.nextCursor;
    const answers = await expectBatched("credential_access_log", [
      ...tenants.map((id, i) => `credentialAccessLog(tenantId: "${id}", limit: ${1 + (i % 3)}) { ${LOG_PAGE} }`),
      `credentialAccessLog(tenantId: "${tenants[0]}", limit: 2, after: "${cursor}") { ${LOG_PAGE} }`,
      `credentialAccessLog(tenantId: "${tenants[1]}") { ${LOG_PAGE} }`,
    ]);
    expect(answers.f0).toMatchObject({ items: [{ operation: "providerCredentials" }], nextCursor: expect.any(String) });
    expect(answers.f5).toEqual({ items: [], nextCursor: null });
    expect(answers.f8).toMatchObject({ items: [{}], nextCursor: null });
    expect(answers.f9).toMatchObject({ items: [{}, {}, {}], nextCursor: null });
  });
});

// Per-request batching of the history reads (issue 12, SPEC.md §5): configDiff for many configs and tenantConfigAt
// for many tenants, through aliases in one request, cost one statement per batch, on PostgreSQL and PGlite.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`;

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
    t.queries.length = 0;
    await run();
    return t.queries.filter((sql) => sql.includes("config_versions"));
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
});

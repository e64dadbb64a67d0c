// Per-request batching (SPEC.md §5): many tenants or configs in one request cost one database statement.
import { afterAll, beforeAll, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
const tenants: string[] = [];
const ids: string[] = [];

beforeAll(async () => {
  t = await startTestApp({ countQueries: true });
  for (let i = 0; i < 12; i++) {
    const tenantId = tenant(`batch${i}`);
    tenants.push(tenantId);
    for (const providerName of ["open_meteo", "openweathermap"]) {
      const created = await t.gql(`mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`, {
        input: { tenantId, providerType: "WEATHER", providerName, enabled: false },
      });
      ids.push(created.data?.upsertProviderConfig.id);
    }
  }
});
afterAll(() => t.stop());

/**
 * Data statements sent while `run` ran. Each database read is one transaction: BEGIN, the tenant setting for
 * row-level security, the statement itself, COMMIT; the first two and the last are not counted.
 */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  t.queries.length = 0;
  await run();
  return t.queries.filter((sql) => !/^(BEGIN|COMMIT)/.test(sql) && !sql.includes("set_config('app.tenant_id'"));
}

test("aliased providerConfigs and tenantConfig fields for many tenants: one statement cold, none warm", async () => {
  const fields = tenants.map(
    (id, i) => `c${i}: providerConfigs(tenantId: "${id}") { providerName } v${i}: tenantConfig(tenantId: "${id}") { isDefault }`,
  );
  const query = `query Many { ${fields.join("\n")} }`;
  const cold = await statementsOf(async () => {
    const response = await t.gql(query);
    expect(response.errors).toBeUndefined();
    expect(response.data?.c11).toEqual([{ providerName: "open_meteo" }, { providerName: "openweathermap" }]);
  });
  expect(cold).toHaveLength(1);
  expect(cold[0]).toContain("provider_configs");
  expect(await statementsOf(() => t.gql(query))).toEqual([]);
  // Another shape over the same tenants: no whole-response hit, but every tenant is in the config cache.
  expect(await statementsOf(() => t.gql(query.replace("Many", "Other")))).toEqual([]);
});

test("aliased providerConfig(id) fields for configs of many tenants: one statement", async () => {
  const fields = ids.map((id, i) => `c${i}: providerConfig(id: "${id}") { id tenantId }`);
  const statements = await statementsOf(async () => {
    const response = await t.gql(`query { ${fields.join("\n")} }`);
    expect(response.data?.c23).toEqual({ id: ids[23], tenantId: tenants[11] });
  });
  expect(statements).toHaveLength(1);
});

test("ProviderConfig.history for every config of many tenants: one history statement", async () => {
  const fields = tenants.map((id, i) => `c${i}: providerConfigs(tenantId: "${id}") { history(limit: 5) { version changeType } }`);
  const statements = await statementsOf(async () => {
    const response = await t.gql(`query { ${fields.join("\n")} }`);
    expect(response.data?.c0[0].history).toEqual([{ version: 1, changeType: "CREATED" }]);
  });
  expect(statements.filter((sql) => sql.includes("config_versions"))).toHaveLength(1);
});

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

/** Config values the cache answered or missed so far (pcs_cache_requests_total, configs). */
async function configCacheLookups(): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const count = (result: string) =>
    Number(text.match(new RegExp(`^pcs_cache_requests_total\\{cache="configs",result="${result}"\\} (\\d+)$`, "m"))?.[1] ?? 0);
  return { hit: count("hit"), miss: count("miss") };
}

/** Fresh tenants with an SMS config each (nothing of theirs is cached yet). */
async function seedSmsTenants(label: string, count: number): Promise<string[]> {
  const fresh = Array.from({ length: count }, (_, i) => tenant(`${label}${i}`));
  for (const tenantId of fresh) {
    const created = await t.gql(`mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`, {
      input: { tenantId, providerType: "SMS", providerName: "twilio", apiKey: "sk_test_batch_key_0000" },
    });
    expect(created.errors).toBeUndefined();
  }
  return fresh;
}

test("providerConfigs by type for many tenants: one statement cold, then one cached value per tenant and type", async () => {
  const fresh = await seedSmsTenants("bytype", 10);
  const query = (name: string, type: string) =>
    `query ${name} { ${fresh.map((id, i) => `c${i}: providerConfigs(tenantId: "${id}", providerType: ${type}, enabled: true) { providerName }`).join("\n")} }`;
  const cold = await statementsOf(async () => {
    const response = await t.gql(query("Cold", "SMS"));
    expect(response.errors).toBeUndefined();
    expect(response.data?.c9).toEqual([{ providerName: "twilio" }]);
  });
  expect(cold).toHaveLength(1);
  // Other shapes and another type: no whole-response hit, each tenant's type is one cached value.
  for (const [name, type] of [
    ["WarmSms", "SMS"],
    ["WarmMap", "MAP"],
  ]) {
    const before = await configCacheLookups();
    expect(await statementsOf(() => t.gql(query(name as string, type as string)))).toEqual([]);
    const after = await configCacheLookups();
    expect([after.hit - before.hit, after.miss - before.miss]).toEqual([fresh.length, 0]);
  }
});

test("aliased failoverChain(tenantId) fields: one batched read with the request's other config reads", async () => {
  const fresh = await seedSmsTenants("chain", 8);
  const fields = fresh.map(
    (id, i) =>
      `f${i}: failoverChain(providerType: SMS, tenantId: "${id}") { entries { providerName configured } } p${i}: providerConfigs(tenantId: "${id}") { providerName }`,
  );
  const statements = await statementsOf(async () => {
    const response = await t.gql(`query Chains { ${fields.join("\n")} }`);
    expect(response.errors).toBeUndefined();
    expect(response.data?.f7).toEqual({ entries: [{ providerName: "twilio", configured: true }] });
  });
  expect(statements.filter((sql) => sql.includes("provider_configs"))).toHaveLength(1);
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

// MAX_CONFIGS_PER_TENANT (SPEC.md §13) with a limit of 3: every way of adding a config (create, batch, rollback of
// a deleted config) is refused beyond it with nothing written, updates at the limit still work, and concurrent
// creates cannot overshoot it (they serialise on the tenant inside their transactions).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectBadInput } from "./support/errors.js";

const LIMIT_ENV = { MAX_CONFIGS_PER_TENANT: "3" };
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id providerName priority version } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) {
  upsertProviderConfigs(tenantId: $t, configs: $configs) { id providerName priority version } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`;
const ROLLBACK = `mutation($id: UUID!, $version: Int!) { rollbackProviderConfig(configId: $id, version: $version) { id version } }`;
const LIST = `query($t: String!) { providerConfigs(tenantId: $t) { providerName priority version } }`;

/** Names outside the catalog: no API key needed. */
const key = (tenantId: string, name: string) => ({ tenantId, providerType: "MAP", providerName: name });

/** Helpers bound to one running service. */
function clientOf(t: () => TestApp) {
  const upsert = (input: Record<string, unknown>) => t().gql(UPSERT, { input });
  async function created(tenantId: string, name: string, extra: Record<string, unknown> = {}) {
    const response = await upsert({ ...key(tenantId, name), ...extra });
    expect(response.errors).toBeUndefined();
    return response.data?.upsertProviderConfig as { id: string; version: number };
  }
  async function stored(tenantId: string) {
    const response = await t().gql(LIST, { t: tenantId });
    expect(response.errors).toBeUndefined();
    return response.data?.providerConfigs as Array<{ providerName: string; priority: string; version: number }>;
  }
  async function atLimit(tenantId: string) {
    return Promise.all(["a", "b", "c"].map((name) => created(tenantId, name)));
  }
  return { upsert, created, stored, atLimit };
}

/** The basic rule, run on PostgreSQL and on PGlite. */
function basicRule(t: () => TestApp) {
  const { upsert, created, stored, atLimit } = clientOf(t);

  test("creates up to the limit; the next create is refused, naming the limit, and writes nothing", async () => {
    const tenantId = tenant("limit");
    await atLimit(tenantId);
    const refused = await upsert(key(tenantId, "d"));
    expectBadInput(refused, "input.tenantId");
    expect(refused.errors?.[0]?.message).toContain("at most 3 provider configs");
    expect((await stored(tenantId)).map((config) => config.providerName)).toEqual(["a", "b", "c"]);
    const history = await t().gql(`query($t: String!) { configHistory(tenantId: $t) { items { providerName } } }`, { t: tenantId });
    expect(history.data?.configHistory.items).toHaveLength(3);
  });

  test("updates at the limit still work, one by one and in a batch", async () => {
    const tenantId = tenant("limit");
    await atLimit(tenantId);
    expect((await created(tenantId, "a", { priority: "SECONDARY" })).version).toBe(2);
    const batch = await t().gql(BATCH, {
      t: tenantId,
      configs: ["a", "b", "c"].map((name) => ({ providerType: "MAP", providerName: name, enabled: false })),
    });
    expect(batch.errors).toBeUndefined();
    expect(versions(await stored(tenantId))).toEqual({ a: 3, b: 2, c: 2 });
  });
}

const versions = (configs: Array<{ providerName: string; version: number }>) =>
  Object.fromEntries(configs.map((config) => [config.providerName, config.version]));

describe("on PGlite", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ database: "pglite", env: LIMIT_ENV });
  });
  afterAll(() => t.stop());
  basicRule(() => t);
});

describe("on the default database (PostgreSQL when it answers)", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: LIMIT_ENV });
  });
  afterAll(() => t.stop());
  basicRule(() => t);
  const { upsert, created, stored, atLimit } = clientOf(() => t);
  const batch = (tenantId: string, names: string[], extra: Record<string, unknown> = {}) =>
    t.gql(BATCH, { t: tenantId, configs: names.map((name) => ({ providerType: "MAP", providerName: name, ...extra })) });

  test("a batch that would cross the limit writes nothing, not even its updates; one that reaches it is applied", async () => {
    const tenantId = tenant("limit");
    await Promise.all(["a", "b"].map((name) => created(tenantId, name)));
    const refused = await batch(tenantId, ["a", "c", "d"], { priority: "TERTIARY" });
    expectBadInput(refused, "configs");
    expect(refused.errors?.[0]?.message).toContain("would make 4");
    const untouched = await stored(tenantId);
    expect(versions(untouched)).toEqual({ a: 1, b: 1 });
    expect(untouched.every((config) => config.priority === "PRIMARY")).toBe(true);

    const applied = await batch(tenantId, ["a", "c"], { priority: "TERTIARY" });
    expect(applied.errors).toBeUndefined();
    expect(versions(await stored(tenantId))).toEqual({ a: 2, b: 1, c: 1 });
  });

  test("after a delete there is room again", async () => {
    const tenantId = tenant("limit");
    const [first] = await atLimit(tenantId);
    expectBadInput(await upsert(key(tenantId, "d")), "input.tenantId");
    const deleted = await t.gql(DELETE, { id: first?.id });
    expect(deleted.errors).toBeUndefined();
    await created(tenantId, "d");
    expect(Object.keys(versions(await stored(tenantId))).sort()).toEqual(["b", "c", "d"]);
  });

  test("rolling back a deleted config re-creates it, so at the limit it is refused and writes nothing", async () => {
    const tenantId = tenant("limit");
    const [first] = await atLimit(tenantId);
    const id = first?.id as string;
    expect((await t.gql(DELETE, { id })).errors).toBeUndefined();
    await created(tenantId, "d");
    const refused = await t.gql(ROLLBACK, { id, version: 1 });
    expectBadInput(refused, "configId");
    expect(Object.keys(versions(await stored(tenantId))).sort()).toEqual(["b", "c", "d"]);
    const history = await t.gql(`query($t: String!, $c: UUID) { configHistory(tenantId: $t, configId: $c) { items { changeType } } }`, {
      t: tenantId,
      c: id,
    });
    expect(history.data?.configHistory.items.map((item: { changeType: string }) => item.changeType)).toEqual(["DELETED", "CREATED"]);

    // Rolling back a live config creates nothing: allowed at the limit.
    const d = await created(tenantId, "d", { priority: "SECONDARY" });
    const rolledBack = await t.gql(ROLLBACK, { id: d.id, version: 1 });
    expect(rolledBack.errors).toBeUndefined();
    expect(rolledBack.data?.rollbackProviderConfig.version).toBe(3);
  });

  test("concurrent creates at limit - 1: exactly one succeeds", async () => {
    for (let round = 0; round < 3; round++) {
      const tenantId = tenant("limit");
      await Promise.all(["a", "b"].map((name) => created(tenantId, name)));
      const responses = await Promise.all(["p", "q", "r", "s", "t"].map((name) => upsert(key(tenantId, name))));
      expect(responses.filter((response) => response.errors === undefined)).toHaveLength(1);
      for (const response of responses.filter((response) => response.errors !== undefined)) expectBadInput(response, "input.tenantId");
      expect(await stored(tenantId)).toHaveLength(3);
    }
  });

  test("concurrent batches and rollbacks cannot overshoot it either", async () => {
    const tenantId = tenant("limit");
    const gone = await created(tenantId, "gone");
    expect((await t.gql(DELETE, { id: gone.id })).errors).toBeUndefined();
    await created(tenantId, "a");
    const responses = await Promise.all([
      batch(tenantId, ["b", "c"]),
      batch(tenantId, ["d", "e"]),
      t.gql(ROLLBACK, { id: gone.id, version: 1 }),
      upsert(key(tenantId, "f")),
    ]);
    // Whatever order they run in, they fill the two free places exactly (1 + 2, or 1 + 1 + 1).
    expect(await stored(tenantId)).toHaveLength(3);
    expect(responses.filter((response) => response.errors === undefined).length).toBeGreaterThanOrEqual(1);
    expect(responses.every((response) => response.errors === undefined || response.errors[0]?.extensions?.code === "BAD_USER_INPUT")).toBe(
      true,
    );
  });

  test("a config that another writer creates meanwhile is updated, not counted twice", async () => {
    const tenantId = tenant("limit");
    await Promise.all(["a", "b"].map((name) => created(tenantId, name)));
    const responses = await Promise.all(Array.from({ length: 5 }, (_, i) => upsert({ ...key(tenantId, "c"), configData: { i } })));
    expect(responses.map((response) => response.errors)).toEqual(Array(5).fill(undefined));
    expect(versions(await stored(tenantId))).toEqual({ a: 1, b: 1, c: 5 });
  });
});

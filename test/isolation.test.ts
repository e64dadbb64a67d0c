// Tenant isolation (SPEC.md §6), end to end with real tokens: a caller of tenant A runs every query and mutation of
// contract.graphql against tenant B's data and ids. By tenantId → FORBIDDEN; by id → null / NOT_FOUND exactly as
// for an id that does not exist; B's configs, history and credentials are unchanged afterwards. Then the scopes:
// read-only callers cannot write, secrets need secrets:read, ["*"] sees every tenant, and the catalog, selection,
// recommendation, health and tenant-less failover chains need only a valid token.
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { buildSchema } from "graphql";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { codeOf, type GraphQLResponse, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const CONFIG_FIELDS = `id tenantId providerType providerName priority enabled configData hasApiKey hasApiSecret apiKeyHint version
  createdAt updatedAt createdBy updatedBy provider { id }`;
const VERSION_FIELDS =
  "id configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changedAt changedBy changeReason";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;

let upstream: FakeProviderServer;
let t: TestApp;
const A = tenant("iso-a");
const B = tenant("iso-b");
const as: Record<string, Record<string, string>> = {};
/** B's seeded data: a config with credentials changed twice, one with a key, and a deleted one. */
const b = { stripe: "", weather: "", deleted: "", apiKey: `sk_b_${randomUUID()}`, apiSecret: `whsec_b_${randomUUID()}` };
let aConfig = "";

// biome-ignore lint/suspicious/noExplicitAny: tests read response shapes freely; the assertions are the checks.
type Data = Record<string, any>;

async function gqlAs(who: string, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const headers = as[who];
  if (!headers) throw new Error(`no token for ${who}`);
  return t.gql(query, variables, headers);
}

async function must(who: string, query: string, variables?: Record<string, unknown>) {
  const response = await gqlAs(who, query, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data as Data;
}

beforeAll(async () => {
  upstream = await startFakeProvider();
  t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin } });
  const tokens: Record<string, [unknown, string?]> = {
    a: [[A]],
    b: [[B]],
    star: [["*"]],
    aReadOnly: [[A], "config:read"],
    aNoSecrets: [[A], "config:read config:write"],
    aWriteOnly: [[A], "config:write"],
    nobody: [[], ""],
  };
  for (const [who, [tenants, scope]] of Object.entries(tokens)) as[who] = bearer(await tokenFor(`user-${who}`, tenants, scope));

  const upsert = async (who: string, input: Record<string, unknown>) =>
    (await must(who, UPSERT, { input })).upsertProviderConfig as { id: string; version: number };
  b.stripe = (
    await upsert("b", { tenantId: B, providerType: "PAYMENT", providerName: "stripe", apiKey: b.apiKey, apiSecret: b.apiSecret })
  ).id;
  await upsert("b", {
    tenantId: B,
    providerType: "PAYMENT",
    providerName: "stripe",
    priority: "SECONDARY",
    changeReason: "b's own change",
  });
  b.weather = (
    await upsert("b", { tenantId: B, providerType: "WEATHER", providerName: "openweathermap", apiKey: `owm_${randomUUID()}` })
  ).id;
  b.deleted = (await upsert("b", { tenantId: B, providerType: "SMS", providerName: "twilio", apiKey: `tw_${randomUUID()}` })).id;
  await must("b", `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id } }`, { id: b.deleted });
  aConfig = (await upsert("a", { tenantId: A, providerType: "WEATHER", providerName: "open_meteo" })).id;
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

/** Everything B can see of itself, read as B; plus the raw rows of B in both tables. */
async function stateOfB() {
  const data = await must(
    "b",
    `query($t: String!) {
      providerConfigs(tenantId: $t) { ${CONFIG_FIELDS} history(limit: 20) { ${VERSION_FIELDS} } }
      tenantConfig(tenantId: $t) { tenantId isDefault paymentProviders { id providerName priority enabled version } weatherProviders { id providerName version } }
      configHistory(tenantId: $t, limit: 500) { items { ${VERSION_FIELDS} } nextCursor }
    }`,
    { t: B },
  );
  const credentials = [];
  for (const id of [b.stripe, b.weather]) {
    credentials.push(
      (await must("b", `query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey apiSecret } }`, { id }))
        .providerCredentials,
    );
  }
  const rows = await t.asAllTenants(async (tx) => {
    const configs = await tx.query<{ row: string }>(
      Prisma.sql`SELECT row_to_json(c)::text AS row FROM provider_configs c WHERE tenant_id = ${B} ORDER BY id`,
    );
    const versions = await tx.query<{ row: string }>(
      Prisma.sql`SELECT row_to_json(v)::text AS row FROM config_versions v WHERE tenant_id = ${B} ORDER BY seq`,
    );
    return { configs: configs.map((r) => r.row), versions: versions.map((r) => r.row) };
  });
  return { data, credentials, rows };
}

/** The error a request gets for an id nobody has: what another tenant's id must look like too. */
function asIfAbsent(response: GraphQLResponse, absent: GraphQLResponse, id: string, absentId: string): void {
  expect(response.status).toBe(absent.status);
  expect(codeOf(response)).toBe(codeOf(absent));
  expect(response.errors?.[0]?.message).toBe(absent.errors?.[0]?.message.replace(absentId, id));
  expect(response.data).toEqual(absent.data);
}

describe("a caller of tenant A against tenant B", () => {
  interface Case {
    field: string;
    query: string;
    variables: () => Record<string, unknown>;
    /** FORBIDDEN by tenantId; ABSENT: answers as for an unknown id (the id variable is `id`); EMPTY: an empty result. */
    expect: "FORBIDDEN" | "ABSENT" | "EMPTY";
  }
  const cases: Case[] = [
    {
      field: "providerConfigs",
      expect: "FORBIDDEN",
      query: `query($t: String!) { providerConfigs(tenantId: $t) { id apiKeyHint } }`,
      variables: () => ({ t: B }),
    },
    {
      field: "providerConfigs",
      expect: "FORBIDDEN",
      query: `query($t: String!) { providerConfigs(tenantId: $t, providerType: PAYMENT, enabled: true) { id } }`,
      variables: () => ({ t: B }),
    },
    {
      field: "providerConfig",
      expect: "ABSENT",
      query: `query($id: UUID!) { providerConfig(id: $id) { ${CONFIG_FIELDS} history { id } } }`,
      variables: () => ({ id: b.stripe }),
    },
    {
      field: "providerConfig",
      expect: "ABSENT",
      query: `query($id: UUID!) { providerConfig(id: $id) { id } }`,
      variables: () => ({ id: b.deleted }),
    },
    {
      field: "tenantConfig",
      expect: "FORBIDDEN",
      query: `query($t: String!) { tenantConfig(tenantId: $t) { isDefault paymentProviders { id } } }`,
      variables: () => ({ t: B }),
    },
    {
      field: "configHistory",
      expect: "FORBIDDEN",
      query: `query($t: String!) { configHistory(tenantId: $t) { items { id } } }`,
      variables: () => ({ t: B }),
    },
    {
      field: "configHistory",
      expect: "EMPTY",
      query: `query($t: String!, $id: UUID!) { configHistory(tenantId: $t, configId: $id) { items { id configId } nextCursor } }`,
      variables: () => ({ t: A, id: b.stripe }),
    },
    {
      field: "configHistory",
      expect: "EMPTY",
      query: `query($t: String!) { configHistory(tenantId: $t, providerType: PAYMENT, providerName: "stripe") { items { id } nextCursor } }`,
      variables: () => ({ t: A }),
    },
    {
      field: "failoverChain",
      expect: "FORBIDDEN",
      query: `query($t: String!) { failoverChain(providerType: PAYMENT, tenantId: $t, country: "YE") { entries { providerName configured } } }`,
      variables: () => ({ t: B }),
    },
    {
      field: "providerCredentials",
      expect: "ABSENT",
      query: `query($id: UUID!) { providerCredentials(configId: $id) { apiKey apiSecret } }`,
      variables: () => ({ id: b.stripe }),
    },
    {
      field: "providerCredentials",
      expect: "ABSENT",
      query: `query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`,
      variables: () => ({ id: b.deleted }),
    },
    {
      field: "upsertProviderConfig",
      expect: "FORBIDDEN",
      query: `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`,
      variables: () => ({ input: { tenantId: B, providerType: "PAYMENT", providerName: "stripe", apiKey: "sk_a_attack", enabled: false } }),
    },
    {
      field: "upsertProviderConfig",
      expect: "FORBIDDEN",
      query: `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`,
      variables: () => ({ input: { tenantId: B, providerType: "MAP", providerName: "openstreetmap", expectedVersion: 0 } }),
    },
    {
      field: "upsertProviderConfigs",
      expect: "FORBIDDEN",
      query: `mutation($t: String!, $c: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $c) { id } }`,
      variables: () => ({
        t: B,
        c: [
          { providerType: "PAYMENT", providerName: "stripe", apiKey: null },
          { providerType: "MAP", providerName: "openstreetmap" },
        ],
      }),
    },
    {
      field: "deleteProviderConfig",
      expect: "ABSENT",
      query: `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`,
      variables: () => ({ id: b.stripe }),
    },
    {
      field: "deleteProviderConfig",
      expect: "ABSENT",
      query: `mutation($id: UUID!) { deleteProviderConfig(id: $id, expectedVersion: 2, changeReason: "x") { id } }`,
      variables: () => ({ id: b.weather }),
    },
    {
      field: "resetTenantConfig",
      expect: "FORBIDDEN",
      query: `mutation($t: String!) { resetTenantConfig(tenantId: $t) }`,
      variables: () => ({ t: B }),
    },
    {
      field: "rollbackProviderConfig",
      expect: "ABSENT",
      query: `mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1) { id apiKeyHint } }`,
      variables: () => ({ id: b.stripe }),
    },
    {
      field: "rollbackProviderConfig",
      expect: "ABSENT",
      query: `mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1, changeReason: "resurrect") { id } }`,
      variables: () => ({ id: b.deleted }),
    },
    // v2 (SPEC.md §10): export, import and templates name their tenant.
    ...[false, true].map((secrets) => ({
      field: "exportTenantConfig",
      expect: "FORBIDDEN" as const,
      query: `query($t: String!, $s: Boolean) { exportTenantConfig(tenantId: $t, includeSecrets: $s) }`,
      variables: () => ({ t: B, s: secrets }),
    })),
    ...[false, true].map((dryRun) => ({
      field: "importTenantConfig",
      expect: "FORBIDDEN" as const,
      query: `mutation($t: String!, $doc: JSONObject!, $dry: Boolean) {
        importTenantConfig(tenantId: $t, document: $doc, mode: REPLACE, dryRun: $dry) { deleted configs { id } } }`,
      variables: () => ({
        t: B,
        dry: dryRun,
        doc: { format: "provider-config/v1", configs: [{ providerType: "MAP", providerName: "osm" }] },
      }),
    })),
    {
      field: "applyConfigTemplate",
      expect: "FORBIDDEN",
      query: `mutation($t: String!) { applyConfigTemplate(tenantId: $t, template: "free", mode: REPLACE) { deleted configs { id } } }`,
      variables: () => ({ t: B }),
    },
  ];

  let before: Awaited<ReturnType<typeof stateOfB>>;
  beforeAll(async () => {
    before = await stateOfB();
    expect(before.data.providerConfigs).toHaveLength(2);
    expect(before.credentials[0]).toMatchObject({ apiKey: b.apiKey, apiSecret: b.apiSecret });
  });

  test.each(cases.map((c, i) => [`${c.field} #${i} → ${c.expect}`, c] as const))("%s", async (_name, c) => {
    const response = await gqlAs("a", c.query, c.variables());
    const text = JSON.stringify(response);
    expect(text).not.toContain(b.apiKey);
    expect(text).not.toContain(b.apiSecret);
    if (c.expect === "FORBIDDEN") {
      expect(codeOf(response)).toBe("FORBIDDEN");
      expect(response.data ?? null).toBeNull();
    } else if (c.expect === "EMPTY") {
      expect(response.errors).toBeUndefined();
      expect(response.data?.configHistory).toEqual({ items: [], nextCursor: null });
    } else {
      const id = c.variables().id as string;
      const absentId = randomUUID();
      const absent = await gqlAs("a", c.query, { ...c.variables(), id: absentId });
      asIfAbsent(response, absent, id, absentId);
      if (c.field === "providerConfig") expect(response.data).toEqual({ providerConfig: null });
      else expect(codeOf(response)).toBe("NOT_FOUND");
    }
  });

  test("B's ids among A's own in one request (one batched load): A's are there, B's are null", async () => {
    const data = await must(
      "a",
      `query($mine: UUID!, $theirs: UUID!, $gone: UUID!) {
        mine: providerConfig(id: $mine) { id tenantId history { configId } }
        theirs: providerConfig(id: $theirs) { id }
        gone: providerConfig(id: $gone) { id }
      }`,
      { mine: aConfig, theirs: b.stripe, gone: b.deleted },
    );
    expect(data).toEqual({ mine: { id: aConfig, tenantId: A, history: [{ configId: aConfig }] }, theirs: null, gone: null });
  });

  test("B's tenant among A's in aliased reads: the whole request is refused, A's part included", async () => {
    const response = await gqlAs(
      "a",
      `query($a: String!, $b: String!) { mine: providerConfigs(tenantId: $a) { id } theirs: providerConfigs(tenantId: $b) { id } }`,
      {
        a: A,
        b: B,
      },
    );
    expect(codeOf(response)).toBe("FORBIDDEN");
    expect(JSON.stringify(response)).not.toContain(b.stripe);
  });

  test("the matrix covers every query and mutation of contract.graphql", async () => {
    const contract = buildSchema(await readFile(new URL("./fixtures/contract.graphql", import.meta.url), "utf8"));
    const tenantFree = ["providerCatalog", "selectProviders", "recommendProviders", "providerHealth", "checkProviderHealth"];
    const covered = new Set([...cases.map((c) => c.field), ...tenantFree]);
    const operations = [
      ...Object.keys(contract.getQueryType()?.getFields() ?? {}),
      ...Object.keys(contract.getMutationType()?.getFields() ?? {}),
    ];
    expect(operations.filter((name) => !covered.has(name))).toEqual([]);
  });

  test("afterwards B's configs, history, credentials and rows are exactly as before", async () => {
    const after = await stateOfB();
    expect(after).toEqual(before);
  });
});

describe("scopes", () => {
  const LIST = `query($t: String!) { providerConfigs(tenantId: $t) { id } }`;
  const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`;

  test("config:read only: reads work, every write is FORBIDDEN and changes nothing", async () => {
    expect((await must("aReadOnly", LIST, { t: A })).providerConfigs).toEqual([{ id: aConfig }]);
    const writes: Array<[string, Record<string, unknown>]> = [
      [UPSERT, { input: { tenantId: A, providerType: "WEATHER", providerName: "open_meteo", enabled: false } }],
      [
        `mutation($t: String!) { upsertProviderConfigs(tenantId: $t, configs: [{ providerType: MAP, providerName: "openstreetmap" }]) { id } }`,
        { t: A },
      ],
      [`mutation($id: UUID!) { deleteProviderConfig(id: $id) { id } }`, { id: aConfig }],
      [`mutation($t: String!) { resetTenantConfig(tenantId: $t) }`, { t: A }],
      [`mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1) { id } }`, { id: aConfig }],
    ];
    for (const [query, variables] of writes) expect(codeOf(await gqlAs("aReadOnly", query, variables))).toBe("FORBIDDEN");
    expect(await must("a", `query($id: UUID!) { providerConfig(id: $id) { version enabled } }`, { id: aConfig })).toEqual({
      providerConfig: { version: 1, enabled: true },
    });
  });

  test("without secrets:read, providerCredentials is FORBIDDEN even for the caller's own tenant", async () => {
    expect(codeOf(await gqlAs("aNoSecrets", CREDENTIALS, { id: aConfig }))).toBe("FORBIDDEN");
    expect(codeOf(await gqlAs("aReadOnly", CREDENTIALS, { id: aConfig }))).toBe("FORBIDDEN");
    expect((await must("a", CREDENTIALS, { id: aConfig })).providerCredentials).toEqual({ apiKey: null });
  });

  test("config:write without config:read: the write works, reads and the history under it are FORBIDDEN", async () => {
    const input = { tenantId: A, providerType: "NOTIFICATION", providerName: "fcm", enabled: false };
    const written = await gqlAs(
      "aWriteOnly",
      `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version history { version } } }`,
      { input },
    );
    expect(codeOf(written)).toBe("FORBIDDEN");
    expect(written.errors?.[0]?.path).toEqual(["upsertProviderConfig", "history"]);
    expect(codeOf(await gqlAs("aWriteOnly", LIST, { t: A }))).toBe("FORBIDDEN");
    expect(codeOf(await gqlAs("aWriteOnly", `query($id: UUID!) { providerConfig(id: $id) { id } }`, { id: aConfig }))).toBe("FORBIDDEN");
  });

  test('tenants ["*"] sees and may change every tenant, credentials included', async () => {
    const data = await must(
      "star",
      `query($a: String!, $b: String!) { a: providerConfigs(tenantId: $a) { id } b: providerConfigs(tenantId: $b) { id } }`,
      { a: A, b: B },
    );
    expect(data.a).toContainEqual({ id: aConfig });
    expect(data.b.map((c: { id: string }) => c.id).sort()).toEqual([b.stripe, b.weather].sort());
    expect((await must("star", CREDENTIALS, { id: b.stripe })).providerCredentials).toEqual({ apiKey: b.apiKey });
    const tenantC = tenant("iso-c");
    const created = await must("star", UPSERT, { input: { tenantId: tenantC, providerType: "MAP", providerName: "openstreetmap" } });
    expect(created.upsertProviderConfig.version).toBe(1);
  });

  test("catalog, selection, recommendation, health reads and a tenant-less failover chain need only a valid token", async () => {
    const data = await must(
      "nobody",
      `query {
        providerCatalog(providerType: SMS) { id }
        failoverChain(providerType: WEATHER) { entries { providerName configured } }
        selectProviders(providerType: PAYMENT, country: "YE") { selected { id } }
        recommendProviders(budget: FREE) { map { providerName } }
        providerHealth(providerType: MAP, providerName: "openstreetmap") { status }
      }`,
    );
    expect(data.providerCatalog.length).toBeGreaterThan(0);
    expect(data.failoverChain.entries.every((entry: { configured: boolean }) => !entry.configured)).toBe(true);
    // A live check sends a request to a third party: it takes config:write for some tenant (SPEC.md §13).
    const CHECK = `mutation { checkProviderHealth(input: { providerType: MAP, providerName: "openstreetmap" }) { status } }`;
    expect(codeOf(await gqlAs("nobody", CHECK))).toBe("FORBIDDEN");
    expect(codeOf(await gqlAs("aReadOnly", CHECK))).toBe("FORBIDDEN");
    expect((await must("aWriteOnly", CHECK)).checkProviderHealth.status).toBe("AVAILABLE");
    expect(
      codeOf(await gqlAs("nobody", `query($t: String!) { failoverChain(providerType: WEATHER, tenantId: $t) { tenantId } }`, { t: A })),
    ).toBe("FORBIDDEN");
    expect(codeOf(await gqlAs("nobody", `query($id: UUID!) { providerConfig(id: $id) { id } }`, { id: aConfig }))).toBe("FORBIDDEN");
  });

  test("changedBy is the token's sub", async () => {
    const data = await must("a", `query($id: UUID!) { providerConfig(id: $id) { createdBy history { changedBy } } }`, { id: aConfig });
    expect(data.providerConfig).toEqual({ createdBy: "user-a", history: [{ changedBy: "user-a" }] });
  });
});

// Limits and hardening (SPEC.md §8, §1): query depth 15 with introspection counted (GraphiQL's introspection query
// passes), at most 100 root fields, a cost limit for list fields, request bodies of 1 MiB, Apollo's CSRF
// prevention, and no introspection or GraphiQL in production unless enabled. Every limit answers with a clear
// error and executes nothing: each test proves it with a mutation that must not have been applied.
import { getIntrospectionQuery } from "graphql";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { MAX_QUERY_COST } from "../src/graphql/limits/cost-limit.plugin.js";
import { codeOf, type GraphQLResponse, startTestApp, type TestApp, tenant } from "./support/app.js";
import { mintToken, TEST_JWT_SECRET } from "./support/tokens.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const upsertField = (alias: string, tenantId: string, providerName = "openstreetmap") =>
  `${alias}: upsertProviderConfig(input: { tenantId: "${tenantId}", providerType: MAP, providerName: "${providerName}" }) { id }`;

async function configsOf(tenantId: string): Promise<unknown[]> {
  const response = await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { id } }`, { t: tenantId });
  expect(response.errors).toBeUndefined();
  return response.data?.providerConfigs as unknown[];
}

function expectRefused(response: GraphQLResponse, limit: RegExp): void {
  expect(response.status).toBe(400);
  expect(response.data).toBeUndefined();
  expect(codeOf(response)).toBe("GRAPHQL_VALIDATION_FAILED");
  expect(response.errors?.[0]?.message).toMatch(limit);
}

/** `{ __schema { types { fields { type { ofType { ... } } } } } }` with `depth` fields in the longest path. */
function introspectionOfDepth(depth: number): string {
  const ofTypes = depth - 5;
  return `{ __schema { types { fields { type { ${"ofType { ".repeat(ofTypes)}name${" }".repeat(ofTypes)} } } } } }`;
}

describe("query depth (15, introspection counted)", () => {
  test("GraphiQL's own introspection query (every option on) passes", async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const response = await t.gql(query);
    expect(response.errors).toBeUndefined();
    expect(response.data?.__schema.queryType).toEqual({ name: "Query", kind: "OBJECT" });
  });

  test("depth 15 passes, depth 16 is refused naming the limit", async () => {
    expect((await t.gql(introspectionOfDepth(15))).errors).toBeUndefined();
    expectRefused(await t.gql(introspectionOfDepth(16)), /depth 16 exceeds the limit of 15/);
  });

  test("depth reached through fragments counts the same", async () => {
    const query = `query { __schema { ...Types } }
      fragment Types on __Schema { types { ...Fields } }
      fragment Fields on __Type { fields { type { ...Deep } } }
      fragment Deep on __Type { ${"ofType { ".repeat(11)}name${" }".repeat(11)} }`;
    expectRefused(await t.gql(query), /depth 16/);
  });

  test("a mutation in a document whose other operation is too deep is not executed", async () => {
    const tenantId = tenant("depth");
    const query = `mutation Write { ${upsertField("w", tenantId)} } query Deep ${introspectionOfDepth(20)}`;
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query, operationName: "Write" }),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as GraphQLResponse).errors?.[0]?.message).toMatch(/depth 20/);
    expect(await configsOf(tenantId)).toEqual([]);
  });
});

describe("root fields (100, aliases and fragments included)", () => {
  test("100 aliased root fields pass, 101 are refused and nothing runs", async () => {
    const ok = await t.gql(`{ ${Array.from({ length: 100 }, (_, i) => `a${i}: __typename`).join(" ")} }`);
    expect(ok.errors).toBeUndefined();
    const tenantId = tenant("roots");
    const mutation = `mutation { ${Array.from({ length: 101 }, (_, i) => upsertField(`u${i}`, tenantId, `custom-${i}`)).join("\n")} }`;
    expectRefused(await t.gql(mutation), /101 root fields; the limit is 100/);
    expect(await configsOf(tenantId)).toEqual([]);
  });

  test("root fields in fragments and inline fragments count", async () => {
    const fields = (from: number, count: number) => Array.from({ length: count }, (_, i) => `f${from + i}: __typename`).join(" ");
    const query = `query { ...Roots ... on Query { ${fields(50, 30)} } ${fields(80, 21)} } fragment Roots on Query { ${fields(0, 50)} }`;
    expectRefused(await t.gql(query), /101 root fields/);
  });
});

describe(`cost of list fields (limit ${MAX_QUERY_COST})`, () => {
  test("many aliases of large history pages are refused before anything runs; small ones pass", async () => {
    const tenantId = tenant("cost");
    const pages = (limit: number) =>
      Array.from(
        { length: 30 },
        (_, i) => `p${i}: configHistory(tenantId: "${tenantId}", limit: ${limit}) { items { id version changeType configData } }`,
      ).join(" ");
    expect((await t.gql(`{ ${pages(20)} }`)).errors).toBeUndefined();
    expectRefused(await t.gql(`{ ${pages(500)} }`), /estimated cost \d+ exceeds the limit of 50000/);
  });

  test("a limit given in a variable counts", async () => {
    const tenantId = tenant("cost-var");
    const query = `query($t: String!, $n: Int) { providerConfigs(tenantId: $t) { id history(limit: $n) { version changeType changedBy configData } } }`;
    expect((await t.gql(query, { t: tenantId, n: 5 })).errors).toBeUndefined();
    expectRefused(await t.gql(query, { t: tenantId, n: 500 }), /estimated cost/);
  });

  test("an over-cost mutation is not applied", async () => {
    const tenantId = tenant("cost-mut");
    const response = await t.gql(
      `mutation($t: String!) { upsertProviderConfigs(tenantId: $t, configs: [{ providerType: MAP, providerName: "openstreetmap" }]) {
        id history(limit: 500) { id version changeType configData changedAt } } }`,
      { t: tenantId },
    );
    expectRefused(response, /estimated cost/);
    expect(await configsOf(tenantId)).toEqual([]);
  });
});

describe("request body (1 MiB)", () => {
  test("a larger body is refused with 413 and a JSON error; the mutation in it is not applied", async () => {
    const tenantId = tenant("body");
    const body = JSON.stringify({
      query: `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`,
      variables: { input: { tenantId, providerType: "MAP", providerName: "openstreetmap", configData: { pad: "x".repeat(1024 * 1024) } } },
    });
    const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": "application/json" }, body });
    expect(response.status).toBe(413);
    const json = (await response.json()) as GraphQLResponse;
    expect(json.errors?.[0]?.extensions?.code).toBe("PAYLOAD_TOO_LARGE");
    expect(json.errors?.[0]?.message).toMatch(/larger than the limit of 1048576 bytes/);
    expect(await configsOf(tenantId)).toEqual([]);
  });
});

describe("CSRF prevention", () => {
  test("a GET without a preflight header or JSON content type is refused", async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ __typename }")}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/i);
    const allowed = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(allowed.status).toBe(200);
  });

  test("a text/plain POST (a simple cross-site form request) is refused and not executed", async () => {
    const tenantId = tenant("csrf");
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify({ query: `mutation { ${upsertField("w", tenantId)} }` }),
    });
    expect(response.status).toBe(400);
    expect(await configsOf(tenantId)).toEqual([]);
  });
});

describe("production", () => {
  const production = { NODE_ENV: "production", AUTH_JWT_SECRET: TEST_JWT_SECRET };

  test("introspection and GraphiQL are off by default", async () => {
    const app = await startTestApp({ env: production });
    try {
      const token = await mintToken({ sub: "ops", tenants: [], scope: "" });
      const response = await app.gql(`{ __schema { queryType { name } } }`, undefined, { authorization: `Bearer ${token}` });
      expect(response.status).toBe(400);
      expect(codeOf(response)).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(response.errors?.[0]?.message).toMatch(/introspection/i);
      expect((await fetch(`${app.url}/graphiql`)).status).toBe(404);
      // Ordinary queries still work.
      expect(
        (await app.gql(`{ providerCatalog(providerType: MAP) { id } }`, undefined, { authorization: `Bearer ${token}` })).errors,
      ).toBeUndefined();
    } finally {
      await app.stop();
    }
  });

  test("INTROSPECTION_ENABLED and GRAPHIQL_ENABLED turn them on", async () => {
    const app = await startTestApp({ env: { ...production, INTROSPECTION_ENABLED: "true", GRAPHIQL_ENABLED: "true" } });
    try {
      const token = await mintToken({ sub: "ops", tenants: [], scope: "" });
      const response = await app.gql(getIntrospectionQuery(), undefined, { authorization: `Bearer ${token}` });
      expect(response.errors).toBeUndefined();
      expect((await fetch(`${app.url}/graphiql`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });
});

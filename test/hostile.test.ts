// Hostile input (SPEC.md §13, issue 9): each attack that once crashed, stalled or bloated the service, reproduced
// against the real HTTP server, then a seeded fuzz pass over request bodies, variables, documents and tokens. After
// every attack the process is alive, /healthz answers within 2 s and a valid query still works; no answer is a
// 5xx other than 503 and no connection is dropped.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectAlive, post } from "./support/hostile.js";
import { bearer, mintToken, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;

let open: TestApp;
let authed: TestApp;
let token: string;
beforeAll(async () => {
  [open, authed] = await Promise.all([
    startTestApp(),
    startTestApp({
      env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, ...(hasRedis() ? redisEnv(redisPrefix("hostile")) : {}) },
    }),
  ]);
  token = await tokenFor("attacker", ["*"]);
});
afterAll(async () => {
  await Promise.all([open?.stop(), authed?.stop()]);
});

describe("crash by nesting (attack 1)", () => {
  test.each([
    ["open mode, no token", () => open, () => ({})],
    ["a valid token", () => authed, () => bearer(token)],
  ])("50,000 levels of nested variables with %s: answered, process alive", async (_name, app, headers) => {
    const body = `{"query":"{__typename}","variables":{"v":${nested(50_000)}}}`;
    const response = await post(app().url, body, headers());
    expect(response.status).toBe(200);
    expect(response.json.data).toEqual({ __typename: "Query" });
    await expectAlive(app(), headers());
  });

  test("a declared variable nested 50,000 deep is a client error, not a crash", async () => {
    const body = `{"query":"query($t: String!) { providerConfigs(tenantId: $t) { id } }","variables":{"t":${nested(50_000)}}}`;
    const response = await post(open.url, body);
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe("BAD_USER_INPUT");
    await expectAlive(open);
  });

  test("unused variables never enter the response-cache key: varying them hits the same entry", async () => {
    const tenantId = tenant("unused");
    const query = "query Unused($t: String!) { providerConfigs(tenantId: $t) { id } }";
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [index, id] of ids.entries()) {
      const body = JSON.stringify({ query, variables: { t: tenantId, unused: `value-${index}`, deep: [[[index]]] } });
      expect((await post(open.url, body, { "x-request-id": id })).status).toBe(200);
    }
    const cached = ids.map((id) => open.logs.some((line) => line.requestId === id && line.cached === true));
    expect(cached).toEqual([false, true, true]);
  });
});

describe("event-loop stalls and deep selections (attack 2)", () => {
  test("a ~1 MiB document of 90,000 fields is refused at parse time by the token limit", async () => {
    const query = `{${" __typename".repeat(90_000)}}`;
    const response = await post(open.url, JSON.stringify({ query }));
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
    expect(response.json.errors[0].message).toMatch(/5000 tokens/);
  });

  test("300,000 fields under one field: refused with 400, not a stack overflow", async () => {
    const query = `{ providerCatalog {${" id".repeat(300_000)} } }`;
    const response = await post(open.url, JSON.stringify({ query }));
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe("GRAPHQL_PARSE_FAILED");
  });

  test("a field repeated hundreds of times within the token limit is refused before validation", async () => {
    const query = `{${" providerCatalog { id }".repeat(400)} }`;
    const response = await post(open.url, JSON.stringify({ query }));
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.json.errors[0].message).toMatch(/'providerCatalog' is selected 400 times in one selection set .*limit is 16/);
  });

  test("repetition through fragments counts the same, and a fragment bomb is refused in linear time", async () => {
    const fragments = Array.from({ length: 40 }, (_, i) => `fragment F${i} on Query { providerCatalog { id } }`).join(" ");
    const spreads = Array.from({ length: 40 }, (_, i) => `...F${i}`).join(" ");
    const many = await post(open.url, JSON.stringify({ query: `{ ${spreads} } ${fragments}` }));
    expect(many.status).toBe(400);
    expect(many.json.errors[0].message).toMatch(/selected 40 times/);

    // F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^30 fields if expanded naively.
    const bomb = Array.from({ length: 30 }, (_, i) => `fragment B${i} on ProviderInfo { id ...B${i + 1} ...B${i + 1} }`).join(" ");
    const response = await post(
      open.url,
      JSON.stringify({ query: `{ providerCatalog { ...B0 } } ${bomb} fragment B30 on ProviderInfo { id }` }),
    );
    expect(response.status).toBe(400);
    await expectAlive(open);
  });

  test("ordinary repetition (the same field through two fragments) still works", async () => {
    const query =
      "{ providerCatalog(providerType: SMS) { id ...A ...B } } fragment A on ProviderInfo { id name } fragment B on ProviderInfo { id }";
    const response = await post(open.url, JSON.stringify({ query }));
    expect(response.status).toBe(200);
    expect(response.json.errors).toBeUndefined();
  });

  test("several huge documents in parallel: /healthz keeps answering within 2 s", async () => {
    const query = JSON.stringify({ query: `{${" __typename".repeat(90_000)}}` });
    const attacks = Array.from({ length: 6 }, () => post(open.url, query));
    const health = await fetch(`${open.url}/healthz`, { signal: AbortSignal.timeout(2000) });
    expect(health.status).toBe(200);
    for (const response of await Promise.all(attacks)) expect(response.status).toBe(400);
  });
});

describe("client mistakes keep client-error codes (attack 8)", () => {
  test("a persisted query whose hash does not match its text is BAD_REQUEST", async () => {
    const body = JSON.stringify({ query: "{__typename}", extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    const response = await post(open.url, body);
    expect(response.status).toBe(400);
    expect(response.json.errors[0].extensions.code).toBe("BAD_REQUEST");
  });

  test("an unknown persisted query is PERSISTED_QUERY_NOT_FOUND", async () => {
    const body = JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "1".repeat(64) } } });
    const response = await post(open.url, body);
    expect(response.json.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });
});

describe("unbounded memory (attack 3)", () => {
  test("no response-cache work before authentication: a request without a valid token is refused, whatever its text", async () => {
    const query = `query Q${randomUUID().replaceAll("-", "")} { providerCatalog { id } }`;
    const response = await post(authed.url, JSON.stringify({ query }));
    expect(response.status).toBe(401);
    expect(codeOf({ status: 401, ...response.json })).toBe("UNAUTHENTICATED");
  });

  test("a response larger than the cacheable size is executed every time, never stored", async () => {
    const tenantId = tenant("big");
    const blob = "x".repeat(60_000);
    for (const name of ["openstreetmap", "mapbox", "google-maps", "here", "esri"]) {
      const response = await open.gql("mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id } }", {
        i: { tenantId, providerType: "MAP", providerName: name, configData: { blob } },
      });
      expect(response.errors).toBeUndefined();
    }
    const query = "query Big($t: String!) { providerConfigs(tenantId: $t) { id configData } }";
    const ids = [randomUUID(), randomUUID()];
    for (const id of ids) {
      const response = await post(open.url, JSON.stringify({ query, variables: { t: tenantId } }), { "x-request-id": id });
      expect(response.status).toBe(200);
      expect(response.text.length).toBeGreaterThan(256 * 1024);
    }
    expect(open.logs.filter((line) => ids.some((id) => line.requestId === id) && line.cached === true)).toEqual([]);
  });
});

describe("the process never dies of an exception in front of Apollo", () => {
  test("malformed bodies of every kind get a JSON client error", async () => {
    for (const body of ["", "{", "null", "[]", "1", '"x"', '{"query":1}', '{"query":null}', '{"query":"{ nope }"}']) {
      const response = await post(open.url, body);
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
      expect(response.json.errors[0].extensions.code, body).toMatch(/^[A-Z_]+$/);
    }
    await expectAlive(open);
  });

  test("a body with __proto__ and constructor keys in its variables does nothing special", async () => {
    const body =
      '{"query":"query($t: String!) { providerConfigs(tenantId: $t) { id } }","variables":{"t":"a","__proto__":{"x":1},"constructor":{"prototype":{"polluted":true}}}}';
    const response = await post(open.url, body);
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("tokens of every shape (authenticated instance)", () => {
  test("garbage, oversized and unsigned tokens are 401, never 5xx", async () => {
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"sub":"x"}').toString("base64url")}.`;
    for (const value of [
      "",
      "Bearer",
      "Bearer ",
      "Bearer a.b.c",
      `Bearer ${"a".repeat(10_000)}`,
      `Bearer ${unsigned}`,
      "Basic abc",
      `Bearer ${token}x`,
    ]) {
      const response = await post(authed.url, '{"query":"{__typename}"}', { authorization: value });
      expect(response.status, value.slice(0, 40)).toBe(401);
    }
    const weird = await mintToken({ sub: { nested: nested(10) }, tenants: "nope", scope: 7 } as never);
    expect((await post(authed.url, '{"query":"{__typename}"}', bearer(weird))).status).toBe(401);
    await expectAlive(authed, bearer(token));
  });
});

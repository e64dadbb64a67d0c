// A deterministic fuzz pass (SPEC.md §13, issue 9): fast-check, seeded, generates request bodies, documents,
// variables and tokens, and every one is sent to the real HTTP server. For each: no 5xx other than 503, no dropped
// connection (fetch would reject), a JSON answer. Throughout, a poller checks that /healthz answers within 2 s; at
// the end the process is alive and a valid query works. The seed and run counts are fixed, so CI tries the same
// 1,400 inputs every time (README, security section); FUZZ_SEED=<n> explores other ones locally.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp } from "./support/app.js";
import { expectAlive, post, type RawResponse } from "./support/hostile.js";
import { mintToken, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const RUNS = { bodies: 400, documents: 400, variables: 300, tokens: 300 };

let open: TestApp;
let authed: TestApp;
let token: string;
let slowestHealthMs = 0;
let healthFailures = 0;
let polling = true;
let poller: Promise<void>;

beforeAll(async () => {
  [open, authed] = await Promise.all([startTestApp(), startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } })]);
  token = await tokenFor("fuzzer", ["*"]);
  poller = (async () => {
    while (polling) {
      const started = performance.now();
      const ok = await fetch(`${open.url}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
        (response) => response.status === 200,
        () => false,
      );
      if (!ok) healthFailures += 1;
      slowestHealthMs = Math.max(slowestHealthMs, performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
});
afterAll(async () => {
  polling = false;
  await poller;
  await Promise.all([open?.stop(), authed?.stop()]);
});

function expectHandled(response: RawResponse, input: unknown): void {
  const shown = JSON.stringify(input)?.slice(0, 300);
  if (response.status >= 500) expect(response.status, shown).toBe(503);
  expect(response.json, shown).toBeTypeOf("object");
}

const run = <T>(property: fc.IAsyncPropertyWithHooks<[T]>, numRuns: number): Promise<void> =>
  fc.assert(property, { seed: SEED, numRuns, endOnFailure: true });

/** JSON of any shape, deep ones included. */
const anyJson = fc.jsonValue({ depthSize: "medium", maxDepth: 12 });

const WORDS = [
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ":",
  "=",
  "!",
  "...",
  "$v",
  "$t",
  "@include(if: $v)",
  "@skip(if: true)",
  "@deprecated",
  "query",
  "mutation",
  "subscription",
  "fragment F on Query",
  "fragment G on ProviderInfo",
  "...F",
  "...G",
  "on",
  "__typename",
  "__schema",
  '__type(name: "Query")',
  "types",
  "fields",
  "ofType",
  "name",
  "id",
  "kind",
  "providerCatalog",
  'providerConfigs(tenantId: "fuzz")',
  'tenantConfig(tenantId: "fuzz")',
  "providerType: MAP",
  "failoverChain(providerType: SMS)",
  "providers",
  "configHistory",
  "providerConfig(id: $v)",
  "history",
  "version",
  "upsertProviderConfig",
  "input:",
  "tenantId:",
  '"x"',
  '"""block"""',
  "1",
  "-1.5e3",
  "true",
  "null",
  "#c\n",
  "String!",
  "Int",
  "[String!]!",
  "MAP",
  "a:",
  "b:",
  ",",
];

const documents = fc.oneof(
  fc.array(fc.constantFrom(...WORDS), { maxLength: 300 }).map((words) => words.join(" ")),
  // Deep nesting and wide repetition, the two shapes that once stalled or crashed the service.
  fc.integer({ min: 1, max: 4000 }).map((depth) => `${"{ __typename a ".repeat(depth)}${"}".repeat(depth)}`),
  fc
    .tuple(fc.constantFrom("__typename", "providerCatalog { id }", "...F", "a: __typename"), fc.integer({ min: 1, max: 6000 }))
    .map(([field, times]) => `{ ${`${field} `.repeat(times)}} fragment F on Query { __typename }`),
  fc.string({ maxLength: 500 }),
);

const bodies = fc.oneof(
  fc.string({ maxLength: 2000 }),
  fc.json({ maxDepth: 8 }),
  anyJson.map((value) => JSON.stringify(value)),
  fc
    .record({ query: fc.oneof(anyJson, documents), operationName: anyJson, variables: anyJson, extensions: anyJson }, { requiredKeys: [] })
    .map((body) => JSON.stringify(body)),
  fc.integer({ min: 1, max: 60_000 }).map((depth) => `{"query":"{__typename}","variables":{"v":${"[".repeat(depth)}${"]".repeat(depth)}}}`),
);

const OPERATIONS = [
  "query Q($t: String!, $p: ProviderType, $e: Boolean) { providerConfigs(tenantId: $t, providerType: $p, enabled: $e) { id } }",
  "query Q($t: String!) { tenantConfig(tenantId: $t) { isDefault mapProviders { providerName } } }",
  "query Q($p: ProviderType!, $t: String, $c: String, $s: Boolean) { failoverChain(providerType: $p, tenantId: $t, country: $c, skipUnhealthy: $s) { providerType } }",
  "query Q($id: UUID!) { providerConfig(id: $id) { id } }",
  "query Q($t: String!, $l: Int, $a: String) { configHistory(tenantId: $t, limit: $l, after: $a) { items { version } nextCursor } }",
  "mutation M($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id } }",
];
const variables = fc.record({
  query: fc.constantFrom(...OPERATIONS),
  variables: fc.dictionary(fc.constantFrom("t", "p", "e", "c", "s", "id", "l", "a", "i", "unused", "__proto__"), anyJson, {
    maxKeys: 6,
  }),
});

const claims = fc.record(
  {
    sub: fc.oneof(fc.string({ maxLength: 300 }), anyJson),
    tenants: fc.oneof(fc.array(fc.string({ maxLength: 80 }), { maxLength: 50 }), anyJson),
    scope: fc.oneof(fc.constantFrom("config:read", "config:read config:write secrets:read", ""), anyJson),
    exp: fc.oneof(fc.integer(), fc.double(), anyJson),
    nbf: fc.oneof(fc.integer(), anyJson),
    iss: anyJson,
    aud: anyJson,
  },
  { requiredKeys: [] },
);
const authorizations = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.base64String({ maxLength: 400 }).map((value) => `Bearer ${value}`),
  fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => `Bearer ${parts.join(".")}`),
  claims.map((payload) => ({ payload })),
);

describe("seeded fuzz pass (no 5xx but 503, no dropped connection, /healthz within 2 s)", () => {
  test(`request bodies (${RUNS.bodies})`, async () => {
    await run(
      fc.asyncProperty(bodies, async (body) => expectHandled(await post(open.url, body), body)),
      RUNS.bodies,
    );
  });

  test(`documents (${RUNS.documents})`, async () => {
    await run(
      fc.asyncProperty(documents, async (query) => expectHandled(await post(open.url, JSON.stringify({ query })), query)),
      RUNS.documents,
    );
  });

  test(`variables (${RUNS.variables})`, async () => {
    await run(
      fc.asyncProperty(variables, async (body) => expectHandled(await post(open.url, JSON.stringify(body)), body)),
      RUNS.variables,
    );
  });

  test(`tokens (${RUNS.tokens})`, async () => {
    await run(
      fc.asyncProperty(authorizations, async (authorization) => {
        const header =
          typeof authorization === "string"
            ? authorization
            : `Bearer ${await mintToken(authorization.payload as never, { expiresIn: null })}`;
        const response = await post(authed.url, '{"query":"{ providerConfigs(tenantId: \\"fuzz\\") { id } }"}', { authorization: header });
        expectHandled(response, authorization);
        expect([200, 400, 401, 403, 503]).toContain(response.status);
      }),
      RUNS.tokens,
    );
  });

  test("afterwards: both instances alive, a valid query works, /healthz never took 2 s", async () => {
    await expectAlive(open);
    await expectAlive(authed, { authorization: `Bearer ${token}` });
    expect(healthFailures).toBe(0);
    expect(slowestHealthMs).toBeLessThan(2000);
  });
});

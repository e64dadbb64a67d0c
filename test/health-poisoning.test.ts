// SPEC.md §13 through HTTP with authentication on: one tenant's health checks cannot change what every tenant's
// failover chain shows (issue 9, attack 4), checkProviderHealth needs config:write for some tenant, and a request
// cannot carry more than 5 health checks. Every check goes to a local fake provider, never to the internet.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { CheckProviderHealthDocument, FailoverChainDocument, ProviderHealthDocument } from "./generated/graphql.js";
import { codeOf, type GraphQLResponse, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const STRIPE_PATH = "/v1";
const OSM_PATH = "/10/512/512.png";

let upstream: FakeProviderServer;
let t: TestApp;
const A = tenant("poison-a");
const B = tenant("poison-b");
const as: Record<string, Record<string, string>> = {};

beforeAll(async () => {
  upstream = await startFakeProvider();
  t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin } });
  as.a = bearer(await tokenFor("user-a", [A]));
  as.b = bearer(await tokenFor("user-b", [B]));
  as.aReadOnly = bearer(await tokenFor("reader-a", [A], "config:read secrets:read"));
  as.noTenant = bearer(await tokenFor("writer-of-nothing", [], "config:read config:write"));
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

const stripeCheck = (headers: Record<string, string> | undefined, apiKey?: string) =>
  t.run(CheckProviderHealthDocument, { input: { providerType: "PAYMENT", providerName: "stripe", apiKey } }, headers);

const paymentChainOfB = async () => {
  const response = await t.run(FailoverChainDocument, { providerType: "PAYMENT", tenantId: B, skipUnhealthy: true }, as.b);
  expect(response.errors).toBeUndefined();
  return response.data?.failoverChain.entries.map((entry) => [entry.providerName, entry.skipped, entry.health]);
};

const stripeHealth = async (headers: Record<string, string> | undefined) => {
  const response = await t.run(ProviderHealthDocument, { providerType: "PAYMENT", providerName: "stripe" }, headers);
  expect(response.errors).toBeUndefined();
  return response.data?.providerHealth;
};

describe("checks made by a caller are answered but not recorded for everyone", () => {
  test("a keyless check of stripe by tenant A leaves tenant B's failoverChain and providerHealth untouched", async () => {
    const before = await paymentChainOfB();
    expect(before?.[0]).toEqual(["stripe", false, null]);

    const checked = await stripeCheck(as.a);
    expect(checked.errors).toBeUndefined();
    expect(checked.data?.checkProviderHealth).toMatchObject({ status: "ERROR", errorMessage: "API key required" });

    expect(await paymentChainOfB()).toEqual(before);
    expect(await stripeHealth(as.b)).toBeNull();
    expect(await stripeHealth(as.a)).toBeNull();
  });

  test("a check with the caller's own (bogus) key is answered but not recorded either", async () => {
    const before = await paymentChainOfB();
    upstream.respond(STRIPE_PATH, 401);
    const checked = await stripeCheck(as.a, "sk_test_bogus_key_123456");
    expect(checked.data?.checkProviderHealth).toMatchObject({ status: "UNAVAILABLE", errorMessage: "HTTP 401" });
    expect(await paymentChainOfB()).toEqual(before);
    expect(await stripeHealth(as.b)).toBeNull();
    upstream.respond(STRIPE_PATH, 200);
  });

  test("a keyless check of a provider that needs no key is still recorded for everyone", async () => {
    upstream.respond(OSM_PATH, 200);
    const checked = await t.run(CheckProviderHealthDocument, { input: { providerType: "MAP", providerName: "openstreetmap" } }, as.a);
    expect(checked.data?.checkProviderHealth.status).toBe("AVAILABLE");
    const seenByB = await t.run(ProviderHealthDocument, { providerType: "MAP", providerName: "openstreetmap" }, as.b);
    expect(seenByB.data?.providerHealth).toEqual(checked.data?.checkProviderHealth);
  });
});

describe("checkProviderHealth needs config:write for some tenant", () => {
  test.each([
    ["config:read only", "aReadOnly"],
    ["config:write but no tenant", "noTenant"],
  ])("%s: FORBIDDEN, no request sent, nothing recorded", async (_label, who) => {
    const sent = upstream.requests.length;
    const response = await t.run(CheckProviderHealthDocument, { input: { providerType: "MAP", providerName: "esri_streets" } }, as[who]);
    expect(codeOf(response)).toBe("FORBIDDEN");
    expect(response.errors?.[0]?.message).toContain("config:write");
    expect(response.data).toBeNull();
    expect(upstream.requests.length).toBe(sent);
    expect(
      (await t.run(ProviderHealthDocument, { providerType: "MAP", providerName: "esri_streets" }, as.b)).data?.providerHealth,
    ).toBeNull();
  });
});

describe("at most 5 checkProviderHealth fields per operation", () => {
  const checks = (count: number, from = 0) =>
    Array.from(
      { length: count },
      (_, i) => `c${from + i}: checkProviderHealth(input: { providerType: MAP, providerName: "opentopomap" }) { status }`,
    ).join("\n");

  const expectRefused = (response: GraphQLResponse, count: number) => {
    expect(response.status).toBe(400);
    expect(response.data).toBeUndefined();
    expect(codeOf(response)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(response.errors?.[0]?.message).toBe(
      `The operation has ${count} checkProviderHealth fields; the limit is 5 (aliases included). Nothing was executed.`,
    );
  };

  test("6 aliased checks are refused naming the limit, and nothing is executed", async () => {
    const sent = upstream.requests.length;
    expectRefused(await t.gql(`mutation { ${checks(6)} }`, undefined, as.a), 6);
    expect(upstream.requests.length).toBe(sent);
  });

  test("checks reached through fragments count the same", async () => {
    const sent = upstream.requests.length;
    const query = `mutation { ${checks(3)} ...More ... on Mutation { ${checks(1, 10)} } }
      fragment More on Mutation { ${checks(2, 20)} }`;
    expectRefused(await t.gql(query, undefined, as.a), 6);
    expect(upstream.requests.length).toBe(sent);
  });

  test("5 aliased checks run", async () => {
    const response = await t.gql(`mutation { ${checks(5)} }`, undefined, as.a);
    expect(response.errors).toBeUndefined();
    expect(Object.values(response.data ?? {})).toEqual(Array(5).fill({ status: "AVAILABLE" }));
  });
});

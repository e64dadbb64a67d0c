// Authentication (SPEC.md §6): with AUTH_JWT_SECRET or AUTH_JWKS_URL every /graphql request needs a valid bearer
// token; anything else is UNAUTHENTICATED with HTTP 401, before anything is parsed or executed, also for queries
// the whole-response cache would answer. HS256 against the secret, RS256/ES256 against a JWKS endpoint (a tiny
// one runs here), algorithms pinned per key source: no alg confusion, no alg "none". Messages never hold the token.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type CryptoKey, exportJWK, exportSPKI, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, type GraphQLResponse, startTestApp, type TestApp, tenant } from "./support/app.js";
import { bearer, mintToken, TEST_JWT_SECRET, tokenFor, unsignedToken } from "./support/tokens.js";

const ISSUER = "https://id.example.test/";
const AUDIENCE = "provider-config-service";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version createdBy } }`;
const LIST = `query List($t: String!) { providerConfigs(tenantId: $t) { providerName version } }`;

/** Every response of this file, to check that no token ever comes back. */
const seen: Array<{ token: string; response: GraphQLResponse }> = [];

async function send(t: TestApp, token: string | undefined, query: string, variables?: Record<string, unknown>, scheme = "Bearer") {
  const response = await t.gql(query, variables, token === undefined ? {} : { authorization: `${scheme} ${token}` });
  if (token) seen.push({ token, response });
  return response;
}

function expectUnauthenticated(response: GraphQLResponse, message?: RegExp): void {
  expect(response.status).toBe(401);
  expect(response.data).toBeUndefined();
  expect(response.errors).toHaveLength(1);
  expect(codeOf(response)).toBe("UNAUTHENTICATED");
  if (message) expect(response.errors?.[0]?.message).toMatch(message);
}

describe("HS256 with issuer and audience", () => {
  let t: TestApp;
  const tenantId = tenant("auth");
  const claims = { issuer: ISSUER, audience: AUDIENCE };
  const valid = (sub = "alice", tenants: unknown = [tenantId], scope?: string) => tokenFor(sub, tenants, scope, claims);

  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET, AUTH_JWT_ISSUER: ISSUER, AUTH_JWT_AUDIENCE: AUDIENCE } });
  });
  afterAll(() => t?.stop());

  test("a valid token works; the caller is its sub", async () => {
    const created = await send(t, await valid(), UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
    expect(created.errors).toBeUndefined();
    expect(created.data?.upsertProviderConfig).toMatchObject({ version: 1, createdBy: "alice" });
  });

  test("no token → 401 UNAUTHENTICATED with WWW-Authenticate, and the mutation is not applied", async () => {
    const id = tenant("auth-none");
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: UPSERT, variables: { input: { tenantId: id, providerType: "MAP", providerName: "openstreetmap" } } }),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
    const body = (await response.json()) as GraphQLResponse;
    expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(body.errors?.[0]?.message).toMatch(/Authorization: Bearer/);
    const list = await send(t, await valid("alice", [id]), LIST, { t: id });
    expect(list.data?.providerConfigs).toEqual([]);
  });

  test("a GET request without a token → 401 too", async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "1" },
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as GraphQLResponse).errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  test.each<[string, () => Promise<string>, RegExp]>([
    ["expired", () => tokenFor("alice", [tenantId], undefined, { ...claims, expiresIn: -3600 }), /expired/],
    [
      "signed with another secret",
      () =>
        tokenFor("alice", [tenantId], undefined, { ...claims, key: new TextEncoder().encode("another-secret-of-32-characters-or-more!") }),
      /signature/,
    ],
    ["from another issuer", () => tokenFor("alice", [tenantId], undefined, { ...claims, issuer: "https://evil.example/" }), /'iss'/],
    ["without an issuer", () => tokenFor("alice", [tenantId], undefined, { audience: AUDIENCE }), /'iss'/],
    ["for another audience", () => tokenFor("alice", [tenantId], undefined, { ...claims, audience: "another-service" }), /'aud'/],
    [
      "unsigned (alg none)",
      async () => unsignedToken({ sub: "alice", tenants: ["*"], scope: "config:read", iss: ISSUER, aud: AUDIENCE }),
      /algorithm|not a valid/,
    ],
    ["HS512", () => tokenFor("alice", [tenantId], undefined, { ...claims, alg: "HS512" }), /algorithm/],
    ["with tenants as a string", () => tokenFor("alice", tenantId, undefined, claims), /'tenants'/],
    ["with tenants holding a non-string", () => tokenFor("alice", [tenantId, 7], undefined, claims), /'tenants'/],
    ["with a malformed tenant id", () => tokenFor("alice", ["has space"], undefined, claims), /'tenants'/],
    ["with '*' among other tenants", () => tokenFor("alice", ["*", tenantId], undefined, claims), /'tenants'/],
    ["without sub", () => mintToken({ tenants: [tenantId], scope: "config:read" }, claims), /'sub'/],
    ["with an empty sub", () => tokenFor("", [tenantId], undefined, claims), /'sub'/],
    ["with a sub of 256 characters", () => tokenFor("s".repeat(256), [tenantId], undefined, claims), /'sub'/],
    ["with scope as an array", () => mintToken({ sub: "alice", tenants: [tenantId], scope: ["config:read"] }, claims), /'scope'/],
    ["that is not a JWT", async () => "not-a-jwt", /not a valid JWT/],
    ["with a tampered payload", async () => tamper(await valid("alice", [tenantId])), /signature/],
  ])("a token %s → 401 UNAUTHENTICATED", async (_what, make, message) => {
    const token = await make();
    expectUnauthenticated(await send(t, token, LIST, { t: tenantId }), message);
  });

  test("an Authorization header that is not Bearer → 401", async () => {
    expectUnauthenticated(await send(t, await valid(), LIST, { t: tenantId }, "Basic"), /Bearer/);
    expectUnauthenticated(await t.gql(LIST, { t: tenantId }, { authorization: "Bearer" }), /Bearer/);
  });

  test("unknown scopes are ignored; a token without scope may use the catalog only", async () => {
    const odd = await valid("bob", [tenantId], "admin config:admin openid");
    expect(codeOf(await send(t, odd, LIST, { t: tenantId }))).toBe("FORBIDDEN");
    const noScope = await mintToken({ sub: "bob", tenants: [] }, claims);
    const catalog = await send(t, noScope, `{ providerCatalog(providerType: MAP) { id } }`);
    expect(catalog.errors).toBeUndefined();
  });

  test("exp is honoured when present: a token without exp is accepted; one without tenants grants no tenant", async () => {
    const noExp = await tokenFor("alice", [tenantId], undefined, { ...claims, expiresIn: null });
    expect((await send(t, noExp, LIST, { t: tenantId })).errors).toBeUndefined();
    const noTenants = await mintToken({ sub: "alice", scope: "config:read" }, claims);
    expect(codeOf(await send(t, noTenants, LIST, { t: tenantId }))).toBe("FORBIDDEN");
    expect((await send(t, noTenants, `{ providerCatalog(providerType: SMS) { id } }`)).errors).toBeUndefined();
  });

  test("a response the whole-response cache holds is still refused without a valid token", async () => {
    const token = await valid();
    const first = await send(t, token, LIST, { t: tenantId });
    const second = await send(t, token, LIST, { t: tenantId });
    expect(second.data).toEqual(first.data);
    expect(t.logs.some((line) => line.cached === true && line.operation === "List")).toBe(true);
    expectUnauthenticated(await t.gql(LIST, { t: tenantId }));
    expectUnauthenticated(
      await send(t, await tokenFor("alice", [tenantId], undefined, { ...claims, expiresIn: -60 }), LIST, { t: tenantId }),
    );
    expectUnauthenticated(await send(t, tamper(token), LIST, { t: tenantId }));
    // Another caller with another tenant list never shares the cached response.
    expect(codeOf(await send(t, await valid("mallory", [tenant("other")]), LIST, { t: tenantId }))).toBe("FORBIDDEN");
  });

  test("refused requests are logged and counted as UNAUTHENTICATED", async () => {
    const requestId = `auth-log-${Date.now()}`;
    await t.gql(LIST, { t: tenantId }, { "x-request-id": requestId });
    const line = t.logs.find((entry) => entry.requestId === requestId);
    expect(line).toMatchObject({ msg: "graphql request", outcome: "UNAUTHENTICATED", errorCodes: ["UNAUTHENTICATED"] });
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    expect(metrics).toMatch(/pcs_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
  });

  test("no token appears in any response, log line or metric", async () => {
    expect(seen.length).toBeGreaterThan(20);
    const logs = JSON.stringify(t.logs);
    const metrics = await (await fetch(`${t.url}/metrics`)).text();
    for (const { token, response } of seen) {
      const signature = token.split(".")[2] || token;
      expect(JSON.stringify(response)).not.toContain(signature);
      expect(logs).not.toContain(signature);
      expect(metrics).not.toContain(signature);
    }
  });
});

/** A token whose payload says something else, with the original signature. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString());
  const forged = Buffer.from(JSON.stringify({ ...claims, tenants: ["*"] })).toString("base64url");
  return `${header}.${forged}.${signature}`;
}

describe("JWKS (RS256 and ES256)", () => {
  let jwks: Server;
  let jwksUrl = "";
  let jwksRequests = 0;
  let t: TestApp;
  let both: TestApp;
  const keys: Record<string, { privateKey: CryptoKey; jwk: JWK; pem: string }> = {};
  const tenantId = tenant("jwks");

  beforeAll(async () => {
    for (const [kid, alg] of [
      ["rsa-1", "RS256"],
      ["ec-1", "ES256"],
    ] as const) {
      const pair = await generateKeyPair(alg, { extractable: true });
      keys[kid] = {
        privateKey: pair.privateKey,
        jwk: { ...(await exportJWK(pair.publicKey)), kid, alg, use: "sig" },
        pem: await exportSPKI(pair.publicKey),
      };
    }
    jwks = createServer((_request, response) => {
      jwksRequests++;
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify({ keys: Object.values(keys).map((key) => key.jwk) }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
    t = await startTestApp({ env: { AUTH_JWKS_URL: jwksUrl } });
    both = await startTestApp({ env: { AUTH_JWKS_URL: jwksUrl, AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(async () => {
    await t?.stop();
    await both?.stop();
    jwks?.closeAllConnections();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  const signed = (kid: "rsa-1" | "ec-1", sub = "svc") =>
    tokenFor(sub, [tenantId], undefined, { key: keys[kid]?.privateKey, alg: kid === "rsa-1" ? "RS256" : "ES256", kid });

  test("RS256 and ES256 tokens signed by the identity provider's keys are accepted; the key set is fetched once", async () => {
    for (const kid of ["rsa-1", "ec-1"] as const) {
      const response = await send(t, await signed(kid, `svc-${kid}`), UPSERT, {
        input: { tenantId, providerType: "WEATHER", providerName: "open_meteo", configData: { by: kid } },
      });
      expect(response.errors).toBeUndefined();
      expect(response.data?.upsertProviderConfig.createdBy).toBe("svc-rsa-1");
    }
    expect(jwksRequests).toBe(1);
  });

  test("an HS256 token naming the RSA key (signed with its public key as the HMAC secret) is refused", async () => {
    const pem = keys["rsa-1"]?.pem ?? "";
    const jwkText = JSON.stringify(keys["rsa-1"]?.jwk);
    for (const app of [t, both]) {
      for (const secret of [pem, jwkText]) {
        const forged = await tokenFor("eve", ["*"], undefined, { key: new TextEncoder().encode(secret), alg: "HS256", kid: "rsa-1" });
        expectUnauthenticated(await send(app, forged, LIST, { t: tenantId }));
      }
    }
  });

  test("HS256 needs AUTH_JWT_SECRET: refused by a JWKS-only service, accepted when the secret is configured too", async () => {
    const hs = await tokenFor("carol", [tenantId]);
    expectUnauthenticated(await send(t, hs, LIST, { t: tenantId }), /algorithm/);
    expect((await send(both, hs, LIST, { t: tenantId })).errors).toBeUndefined();
    expect((await send(both, await signed("ec-1"), LIST, { t: tenantId })).errors).toBeUndefined();
  });

  test("a token from an unknown key, or signed by one key and naming another, is refused", async () => {
    const stranger = await generateKeyPair("RS256");
    expectUnauthenticated(
      await send(t, await tokenFor("eve", ["*"], undefined, { key: stranger.privateKey, alg: "RS256", kid: "rsa-9" }), LIST, {
        t: tenantId,
      }),
    );
    expectUnauthenticated(
      await send(t, await tokenFor("eve", ["*"], undefined, { key: stranger.privateKey, alg: "RS256", kid: "rsa-1" }), LIST, {
        t: tenantId,
      }),
    );
    expectUnauthenticated(
      await send(t, await tokenFor("eve", ["*"], undefined, { key: keys["rsa-1"]?.privateKey, alg: "RS256", kid: "ec-1" }), LIST, {
        t: tenantId,
      }),
    );
    expectUnauthenticated(await send(t, unsignedToken({ sub: "eve", tenants: ["*"] }), LIST, { t: tenantId }));
  });

  test("an identity provider that does not answer → 503 SERVICE_UNAVAILABLE, nothing executed", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const down = await startTestApp({ env: { AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks` } });
    try {
      const response = await send(down, await signed("rsa-1"), UPSERT, {
        input: { tenantId, providerType: "MAP", providerName: "openstreetmap" },
      });
      expect(response.status).toBe(503);
      expect(codeOf(response)).toBe("SERVICE_UNAVAILABLE");
    } finally {
      await down.stop();
    }
  });
});

describe("production (SPEC.md §13): tokens must carry exp", () => {
  let t: TestApp;
  const tenantId = tenant("auth-prod");

  beforeAll(async () => {
    t = await startTestApp({ env: { NODE_ENV: "production", AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t?.stop());

  test("a valid token without exp → 401 UNAUTHENTICATED saying exp is missing; nothing executed", async () => {
    const noExp = await tokenFor("alice", [tenantId], undefined, { expiresIn: null });
    const input = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const refused = await send(t, noExp, UPSERT, { input });
    expectUnauthenticated(refused, /^The bearer token has no 'exp' claim: only tokens that expire are accepted\.$/);
    // The same token again (a remembered verification must not let it through), and a query.
    expectUnauthenticated(await send(t, noExp, LIST, { t: tenantId }), /'exp'/);
    const list = await send(t, await tokenFor("alice", [tenantId]), LIST, { t: tenantId });
    expect(list.data?.providerConfigs).toEqual([]);
  });

  test("the same token with exp works", async () => {
    const created = await send(t, await tokenFor("alice", [tenantId]), UPSERT, {
      input: { tenantId, providerType: "MAP", providerName: "openstreetmap" },
    });
    expect(created.errors).toBeUndefined();
    expect(created.data?.upsertProviderConfig).toMatchObject({ version: 1, createdBy: "alice" });
  });
});

describe("open mode (no auth configuration, not production)", () => {
  test("every request is anonymous, with or without a token, and start-up says so loudly", async () => {
    const t = await startTestApp();
    try {
      expect(t.logs.some((line) => line.level === 40 && String(line.msg).startsWith("AUTHENTICATION IS OFF"))).toBe(true);
      const tenantId = tenant("open");
      const input = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
      const response = await t.gql(UPSERT, { input }, bearer(await tokenFor("ignored", [])));
      expect(response.data?.upsertProviderConfig.createdBy).toBe("anonymous");
      expect(
        (await t.gql(`query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`, { id: response.data?.upsertProviderConfig.id }))
          .errors,
      ).toBeUndefined();
    } finally {
      await t.stop();
    }
  });
});

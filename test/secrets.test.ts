// No secret anywhere (SPEC.md §7): a known API key and secret go through every operation, every error path (bad
// input, variable coercion, literals in the document, syntax errors, conflicts, refused tokens, limits, oversized
// and malformed bodies) and failing health checks; then every log line, every response body, /metrics, a dump of
// both tables and (when Redis runs) every cache entry are searched for the plaintext. Only providerCredentials may
// return it.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const KEY = `sk_live_${randomBytes(16).toString("hex")}`;
const SECRET = `whsec_${randomBytes(16).toString("hex")}`;
const PLAINTEXTS = [KEY, SECRET];

const CONFIG = `id tenantId providerType providerName priority enabled configData hasApiKey hasApiSecret apiKeyHint version createdAt
  updatedAt createdBy updatedBy provider { id name details } history(limit: 50) { id configId version changeType configData hasApiKey changedBy changeReason }`;
const VERSION =
  "id configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changedAt changedBy changeReason";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { ${CONFIG} } }`;
const BATCH = `mutation($t: String!, $c: [ProviderConfigPatch!]!, $r: String) { upsertProviderConfigs(tenantId: $t, configs: $c, changeReason: $r) { ${CONFIG} } }`;
const CHECK = `mutation($input: ProviderCheckInput!) { checkProviderHealth(input: $input) { providerType providerName status checkedAt responseTimeMs errorMessage } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey apiSecret } }`;

let upstream: FakeProviderServer;
let t: TestApp;
const prefix = redisPrefix("secrets");
const tenantId = tenant("secrets");
const owner: Record<string, string> = {};
/** The raw text of every response except those of providerCredentials. */
const bodies: string[] = [];
const credentialBodies: string[] = [];

beforeAll(async () => {
  upstream = await startFakeProvider();
  t = await startTestApp({
    env: {
      AUTH_JWT_SECRET: TEST_JWT_SECRET,
      PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin,
      HEALTH_MONITOR_INTERVAL_SECONDS: "1",
      ...(hasRedis() ? redisEnv(prefix) : {}),
    },
  });
  Object.assign(owner, bearer(await tokenFor("secret-keeper", [tenantId])));
});
afterAll(async () => {
  await t?.stop();
  await upstream?.close();
});

// biome-ignore lint/suspicious/noExplicitAny: tests read response shapes freely; the assertions are the checks.
type Data = Record<string, any>;

/** Sends a raw body and records the response text. */
async function send(body: string, headers: Record<string, string> = owner, contentType = "application/json"): Promise<Data> {
  const response = await fetch(`${t.url}/graphql`, { method: "POST", headers: { "content-type": contentType, ...headers }, body });
  const text = await response.text();
  bodies.push(text);
  try {
    return { status: response.status, ...JSON.parse(text) };
  } catch {
    return { status: response.status, text };
  }
}

const gql = (query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) =>
  send(JSON.stringify({ query, variables }), headers);

async function ok(query: string, variables?: Record<string, unknown>) {
  const response = await gql(query, variables);
  expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
  return response.data;
}

async function failsWith(code: string | number, query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const response = await gql(query, variables, headers);
  if (typeof code === "number") expect(response.status).toBe(code);
  else expect(response.errors?.[0]?.extensions?.code).toBe(code);
}

async function dumpTables(): Promise<string[]> {
  return t.asAllTenants(async (tx) => {
    const configs = await tx.query<{ row: string }>(Prisma.sql`SELECT row_to_json(t)::text AS row FROM provider_configs t`);
    const versions = await tx.query<{ row: string }>(Prisma.sql`SELECT row_to_json(t)::text AS row FROM config_versions t`);
    return [...configs, ...versions].map((r) => r.row);
  });
}

async function dumpRedis(): Promise<string[]> {
  if (!hasRedis()) return [];
  const redis = new Redis(redisEnv(prefix).REDIS_URL as string);
  try {
    const values: string[] = [];
    for (const key of await redis.keys(`${prefix}*`)) {
      const type = await redis.type(key);
      if (type === "string") values.push(String(await redis.get(key)));
      else if (type === "hash") values.push(JSON.stringify(await redis.hgetall(key)));
      else values.push(`${type}:${key}`);
    }
    return values;
  } finally {
    redis.disconnect();
  }
}

test("a known key and secret never leave the service except through providerCredentials", async () => {
  // Writes that store and keep the credentials.
  const input = {
    tenantId,
    providerType: "PAYMENT",
    providerName: "stripe",
    apiKey: KEY,
    apiSecret: SECRET,
    configData: { currency: "YER" },
  };
  const stripe = (await ok(UPSERT, { input })).upsertProviderConfig;
  expect(stripe.apiKeyHint).toBe(`****${KEY.slice(-4)}`);
  await ok(UPSERT, { input });
  await ok(UPSERT, { input: { ...input, priority: "SECONDARY", changeReason: "cheaper" } });
  const batch = (
    await ok(BATCH, {
      t: tenantId,
      c: [
        { providerType: "WEATHER", providerName: "openweathermap", apiKey: KEY, apiSecret: SECRET },
        { providerType: "SMS", providerName: "twilio", apiKey: KEY, apiSecret: SECRET },
        { providerType: "MAP", providerName: "mapbox_streets", apiKey: KEY },
      ],
      r: "batch",
    })
  ).upsertProviderConfigs;

  // Every read.
  await ok(`query($t: String!) { providerConfigs(tenantId: $t) { ${CONFIG} } }`, { t: tenantId });
  await ok(`query($id: UUID!) { providerConfig(id: $id) { ${CONFIG} } }`, { id: stripe.id });
  const view = "id providerType providerName priority enabled configData hasApiKey version";
  await ok(
    `query($t: String!) { tenantConfig(tenantId: $t) { tenantId isDefault mapProviders { ${view} } weatherProviders { ${view} } satelliteProviders { ${view} }
      paymentProviders { ${view} } smsProviders { ${view} } notificationProviders { ${view} } } }`,
    { t: tenantId },
  );
  await ok(`query($t: String!) { configHistory(tenantId: $t, limit: 500) { items { ${VERSION} } nextCursor } }`, { t: tenantId });
  for (const type of ["PAYMENT", "WEATHER", "SMS", "MAP"]) {
    await ok(
      `query($t: String!, $type: ProviderType!) { failoverChain(providerType: $type, tenantId: $t, country: "YE") { providerType tenantId entries { order providerName priority configured provider { id details } health { status errorMessage } } } }`,
      { t: tenantId, type },
    );
  }
  await ok(
    `{ providerCatalog { id name details } selectProviders(providerType: SMS, country: "YE") { selected { id } fallbackProviders { id } } recommendProviders(budget: HIGH) { map { providerName reason } } }`,
  );

  // Health checks with the key: available, unavailable, rate limited; bad input carrying the key.
  upstream.respond("/data/2.5/weather", 500);
  await ok(CHECK, { input: { providerType: "WEATHER", providerName: "openweathermap", apiKey: KEY } });
  upstream.respond("/v1/current.json", 429);
  await ok(CHECK, { input: { providerType: "WEATHER", providerName: "weather_api", apiKey: KEY } });
  await ok(CHECK, { input: { providerType: "PAYMENT", providerName: "stripe", apiKey: KEY } });
  await ok(CHECK, { input: { providerType: "MAP", providerName: "mapbox_streets", apiKey: KEY } });
  await failsWith("BAD_USER_INPUT", CHECK, { input: { providerType: "WEATHER", providerName: "no-such-provider", apiKey: KEY } });
  await failsWith("BAD_USER_INPUT", CHECK, {
    input: { providerType: "WEATHER", providerName: "openweathermap", apiKey: `${KEY}${"x".repeat(4096)}` },
  });
  await ok(`query { providerHealth(providerType: WEATHER, providerName: "openweathermap") { status errorMessage } }`);
  expect(upstream.requests.some((request) => request.includes(KEY))).toBe(true);

  // Input errors carrying the key, in variables and in the document.
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, providerName: "Not A Name!" } });
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, apiKey: `${KEY}${"x".repeat(4096)}` } });
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, providerType: "NOPE" } });
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, priority: KEY } });
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, apiKey: { nested: KEY } } });
  await failsWith("BAD_USER_INPUT", UPSERT, { input: { ...input, configData: KEY } });
  await failsWith("BAD_USER_INPUT", CREDENTIALS, { id: KEY });
  await failsWith("BAD_USER_INPUT", BATCH, {
    t: tenantId,
    c: [
      { providerType: "SMS", providerName: "twilio", apiKey: KEY },
      { providerType: "SMS", providerName: "twilio", apiKey: SECRET },
    ],
  });
  await failsWith(
    "GRAPHQL_VALIDATION_FAILED",
    `mutation { upsertProviderConfig(input: { tenantId: "${tenantId}", providerType: PAYMENT, providerName: "stripe", apiKey: ${KEY} }) { id } }`,
  );
  await failsWith(
    "GRAPHQL_VALIDATION_FAILED",
    `mutation { upsertProviderConfig(input: { tenantId: "${tenantId}", providerType: PAYMENT, providerName: "stripe", priority: "${KEY}" }) { id } }`,
  );
  await failsWith(
    "GRAPHQL_VALIDATION_FAILED",
    `mutation { upsertProviderConfig(input: { tenantId: "${tenantId}", providerType: PAYMENT, providerName: "stripe", priority: ${KEY} }) { id } }`,
  );
  await failsWith("GRAPHQL_VALIDATION_FAILED", `query { providerCredentials(configId: "${KEY}") { apiKey } }`);
  await failsWith("GRAPHQL_PARSE_FAILED", `mutation { upsertProviderConfig(input: { apiKey "${KEY}" }) { id } }`);
  await failsWith("GRAPHQL_PARSE_FAILED", `mutation { upsertProviderConfig(input: { providerName: "stripe" }) { id } } ${KEY}`);
  await failsWith("CONFLICT", UPSERT, { input: { ...input, apiKey: SECRET, expectedVersion: 1 } });

  // Refused callers and limits, with the key in the request.
  await failsWith(401, UPSERT, { input }, {});
  await failsWith(401, UPSERT, { input }, { authorization: `Bearer ${KEY}` });
  await failsWith("FORBIDDEN", UPSERT, { input: { ...input, tenantId: tenant("elsewhere") } });
  await failsWith("FORBIDDEN", UPSERT, { input }, bearer(await tokenFor("reader", [tenantId], "config:read")));
  await failsWith("FORBIDDEN", CREDENTIALS, { id: stripe.id }, bearer(await tokenFor("reader", [tenantId], "config:read")));
  await failsWith(
    400,
    `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } } query Deep { __schema { types { fields { type { ${"ofType { ".repeat(12)}name${" }".repeat(12)} } } } } }`,
    { input },
  );
  const tooLarge = await send(
    JSON.stringify({ query: UPSERT, variables: { input: { ...input, configData: { pad: "x".repeat(1024 * 1024), key: KEY } } } }),
  );
  expect(tooLarge.status).toBe(413);
  expect((await send(`{"query": "${UPSERT}", "variables": {"input": {"apiKey": "${KEY}"`)).status).toBe(400);
  expect((await send(JSON.stringify({ query: UPSERT, variables: { input } }), owner, "text/plain")).status).toBe(400);

  // History moves: rollback (restores credentials), delete, rollback of the deleted config, reset.
  await ok(`mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1, changeReason: "back") { ${CONFIG} } }`, {
    id: stripe.id,
  });
  await ok(`mutation($id: UUID!) { deleteProviderConfig(id: $id, changeReason: "bye") { id version } }`, { id: stripe.id });
  await ok(`mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 2) { ${CONFIG} } }`, { id: stripe.id });

  // The one operation that returns them.
  for (const id of [stripe.id, ...batch.map((config: { id: string }) => config.id)]) {
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...owner },
      body: JSON.stringify({ query: CREDENTIALS, variables: { id } }),
    });
    credentialBodies.push(await response.text());
  }
  expect(credentialBodies[0]).toContain(KEY);
  expect(credentialBodies[0]).toContain(SECRET);

  // Let the background monitor check the stored configs (with their keys) at least once, then reset the tenant.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(t.logs.some((line) => line.msg === "provider health round done")).toBe(true);
  await ok(`mutation($t: String!) { resetTenantConfig(tenantId: $t, changeReason: "done") }`, { t: tenantId });

  const metrics = await (await fetch(`${t.url}/metrics`)).text();
  const logs = t.logs.map((line) => JSON.stringify(line));
  const tables = await dumpTables();
  const cache = await dumpRedis();
  expect(tables.some((row) => row.includes(tenantId))).toBe(true);
  expect(logs.length).toBeGreaterThan(40);
  for (const plaintext of PLAINTEXTS) {
    expect(bodies.filter((body) => body.includes(plaintext))).toEqual([]);
    expect(logs.filter((line) => line.includes(plaintext))).toEqual([]);
    expect(metrics).not.toContain(plaintext);
    expect(tables.filter((row) => row.includes(plaintext))).toEqual([]);
    expect(cache.filter((value) => value.includes(plaintext))).toEqual([]);
  }
});

// Credentials at rest and in flight (SPEC.md §3, §7): sealed in configs and snapshots, bound to their config,
// returned in plaintext only by providerCredentials, and never echoed in another response, an error or a log line.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { codeOf, startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const KEY_ID = "test1";
const FIELDS = "id tenantId providerType providerName priority enabled configData hasApiKey hasApiSecret apiKeyHint version";
const VERSION_FIELDS =
  "id configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changeReason";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { ${FIELDS} history { ${VERSION_FIELDS} } } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey apiSecret } }`;

/** A credential no other test and no fixture contains. */
const secret = (label: string): string => `${label}_${randomBytes(12).toString("hex")}`;

interface Sealed {
  apiKey: string | null;
  apiSecret: string | null;
}

async function storedConfig(id: string): Promise<Sealed> {
  const rows = await t.asAllTenants((db) =>
    db.query<Sealed>(Prisma.sql`SELECT api_key AS "apiKey", api_secret AS "apiSecret"
    FROM provider_configs WHERE id = ${id}::uuid`),
  );
  return rows[0] as Sealed;
}

async function storedSnapshots(id: string): Promise<Sealed[]> {
  return t.asAllTenants((db) =>
    db.query<Sealed>(Prisma.sql`SELECT api_key AS "apiKey", api_secret AS "apiSecret"
    FROM config_versions WHERE config_id = ${id}::uuid ORDER BY version`),
  );
}

function expectSealed(value: string | null, ...plaintexts: string[]): void {
  expect(value?.startsWith(`v1.${KEY_ID}.`)).toBe(true);
  for (const plaintext of plaintexts) expect(value).not.toContain(plaintext);
}

function expectNoPlaintext(what: unknown, ...plaintexts: string[]): void {
  const text = JSON.stringify(what);
  for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
}

async function createWithCredentials(tenantId: string, providerName = "stripe") {
  const apiKey = secret("sk_live");
  const apiSecret = secret("whsec");
  // SAR: a currency both stripe and paypal take (their configData schemas hold them to the catalog's lists).
  const input = { tenantId, providerType: "PAYMENT", providerName, apiKey, apiSecret, configData: { currency: "SAR" } };
  const response = await t.gql(UPSERT, { input });
  expect(response.errors).toBeUndefined();
  return { id: response.data?.upsertProviderConfig.id as string, apiKey, apiSecret, input, response };
}

describe("at rest", () => {
  test("api_key and api_secret are sealed in provider_configs and in every snapshot", async () => {
    const { id, apiKey, apiSecret, input } = await createWithCredentials(tenant("cred"));
    await t.gql(UPSERT, { input: { ...input, priority: "SECONDARY" } });

    const row = await storedConfig(id);
    expectSealed(row.apiKey, apiKey, apiSecret);
    expectSealed(row.apiSecret, apiKey, apiSecret);
    const snapshots = await storedSnapshots(id);
    expect(snapshots).toHaveLength(2);
    for (const snapshot of snapshots) {
      expectSealed(snapshot.apiKey, apiKey, apiSecret);
      expectSealed(snapshot.apiSecret, apiKey, apiSecret);
    }
  });

  test("re-sending the same credentials is not a change: no version, same sealed value", async () => {
    const { id, input } = await createWithCredentials(tenant("cred"));
    const before = await storedConfig(id);
    const again = await t.gql(UPSERT, { input });
    expect(again.data?.upsertProviderConfig.version).toBe(1);
    expect(await storedConfig(id)).toEqual(before);
    expect(await storedSnapshots(id)).toHaveLength(1);

    const changed = await t.gql(UPSERT, { input: { ...input, apiKey: secret("sk_live") } });
    expect(changed.data?.upsertProviderConfig.version).toBe(2);
    expect((await storedConfig(id)).apiSecret).toBe(before.apiSecret);
  });

  test("a value sealed for one config cannot be opened for another, and the error reveals nothing", async () => {
    const tenantId = tenant("cred");
    const a = await createWithCredentials(tenantId, "stripe");
    const b = await createWithCredentials(tenantId, "paypal");
    const sealedA = (await storedConfig(a.id)).apiKey;
    await t.asAllTenants((db) =>
      db.query(Prisma.sql`UPDATE provider_configs SET api_key = ${sealedA} WHERE id = ${b.id}::uuid RETURNING 1`),
    );

    const response = await t.gql(CREDENTIALS, { id: b.id });
    expect(codeOf(response)).toBe("INTERNAL_SERVER_ERROR");
    expect(response.data).toBeNull();
    expect(response.errors?.[0]?.message).toBe("Internal server error.");
    expectNoPlaintext(response, a.apiKey, b.apiKey, b.apiSecret, sealedA ?? "", KEY_ID);
    expectNoPlaintext(t.logs, a.apiKey, b.apiKey, b.apiSecret);
    // The original is untouched and still opens.
    expect((await t.gql(CREDENTIALS, { id: a.id })).data?.providerCredentials.apiKey).toBe(a.apiKey);
  });
});

describe("in responses and logs", () => {
  test("only providerCredentials returns the plaintext", async () => {
    const tenantId = tenant("cred");
    const { id, apiKey, apiSecret, response: created } = await createWithCredentials(tenantId);
    const batchKey = secret("AC");
    const batchSecret = secret("tok");
    const plaintexts = [apiKey, apiSecret, batchKey, batchSecret];

    const batch = await t.gql(
      `mutation($t: String!, $configs: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $configs) { ${FIELDS} history { ${VERSION_FIELDS} } } }`,
      {
        t: tenantId,
        configs: [
          { providerType: "SMS", providerName: "twilio", apiKey: batchKey, apiSecret: batchSecret },
          { providerType: "PAYMENT", providerName: "stripe", priority: "SECONDARY" },
        ],
      },
    );
    const responses = [
      created,
      batch,
      await t.gql(`query($id: UUID!) { providerConfig(id: $id) { ${FIELDS} history { ${VERSION_FIELDS} } } }`, { id }),
      await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { ${FIELDS} } }`, { t: tenantId }),
      await t.gql(`query($t: String!) { configHistory(tenantId: $t, limit: 500) { items { ${VERSION_FIELDS} } nextCursor } }`, {
        t: tenantId,
      }),
      await t.gql(
        `query($t: String!) { tenantConfig(tenantId: $t) { tenantId isDefault mapProviders { id providerName configData hasApiKey version }
          paymentProviders { id providerName configData hasApiKey version } smsProviders { id providerName configData hasApiKey version } } }`,
        { t: tenantId },
      ),
      await t.gql(`mutation($id: UUID!) { rollbackProviderConfig(configId: $id, version: 1) { ${FIELDS} } }`, { id }),
    ];
    for (const response of responses) {
      expect(response.errors).toBeUndefined();
      expectNoPlaintext(response, ...plaintexts, `v1.${KEY_ID}.`);
    }
    expect(batch.data?.upsertProviderConfigs[0]).toMatchObject({
      hasApiKey: true,
      hasApiSecret: true,
      apiKeyHint: `****${batchKey.slice(-4)}`,
    });

    const credentials = await t.gql(CREDENTIALS, { id });
    expect(credentials.data?.providerCredentials).toEqual({ configId: id, apiKey, apiSecret });
    const smsId = batch.data?.upsertProviderConfigs[0].id;
    expect((await t.gql(CREDENTIALS, { id: smsId })).data?.providerCredentials).toEqual({
      configId: smsId,
      apiKey: batchKey,
      apiSecret: batchSecret,
    });
    expectNoPlaintext(t.logs, ...plaintexts);
  });

  test("rejected writes do not echo the credential in the error or the logs", async () => {
    const tenantId = tenant("cred");
    const apiKey = secret("sk_live");
    const invalid = [
      // Our own validation (BAD_USER_INPUT from the service).
      { tenantId, providerType: "PAYMENT", providerName: "Not Valid", apiKey },
      { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: `${apiKey}${"x".repeat(4096)}` },
      // graphql-js variable coercion, whose messages repeat the offending value.
      { tenantId, providerName: "stripe", apiKey },
      { tenantId, providerType: "NOPE", providerName: "stripe", apiKey },
      { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: { nested: apiKey } },
      { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey: [apiKey] },
      { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey, unknownField: apiKey },
    ];
    for (const input of invalid) {
      const response = await t.gql(UPSERT, { input });
      expect(codeOf(response), JSON.stringify(response.errors)).toBe("BAD_USER_INPUT");
      expect(response.errors?.[0]?.message).toContain("input");
      expectNoPlaintext(response, apiKey);
    }
    expectNoPlaintext(t.logs, apiKey);
  });

  test("a missing providerType is reported with its path and reason, without the key", async () => {
    const apiKey = secret("sk_live");
    const response = await t.gql(UPSERT, { input: { tenantId: tenant("cred"), providerName: "stripe", apiKey } });
    expect(codeOf(response)).toBe("BAD_USER_INPUT");
    const message = response.errors?.[0]?.message ?? "";
    expect(message).toContain("$input");
    expect(message).toContain("providerType");
    expect(message).not.toContain(apiKey);
  });
});

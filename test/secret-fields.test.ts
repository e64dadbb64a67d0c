// Secret configData fields (SPEC.md §10.3): the fields a provider's schema marks "x-secret" (PAYMENT webhookSecret,
// NOTIFICATION serviceAccountJson) are sealed like API keys in configs and snapshots, never returned in configData
// (reads, history, change events, NATS payloads, errors, logs), listed in secretFields and returned in clear only by
// providerCredentials (audited) and exports with secrets. Omitted keeps, null removes, the same plaintext is no
// change; rollback restores them, configDiff names them, key rotation re-seals them, and values stored in clear
// before they were sealed are moved into the sealed map by the start-up step without a new version.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { parseKeyring } from "../src/infra/crypto/keyring.js";
import { SecretBox } from "../src/infra/crypto/secret-box.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { loadCatalog } from "../src/modules/catalog/catalog.js";
import { SecretFields } from "../src/modules/catalog/secret-fields.js";
import { toChangeEventMessage } from "../src/modules/change-events/change-event.message.js";
import { ChangeEventRepository } from "../src/modules/change-events/change-event.repository.js";
import { KeyRotationService } from "../src/modules/provider-config/key-rotation.js";
import { secretFieldContext } from "../src/modules/provider-config/secret-data.js";
import { codeOf, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { callerOf } from "./support/audit.js";
import { expectBadInput } from "./support/errors.js";
import { TEST_JWT_SECRET } from "./support/tokens.js";
import { transferClient } from "./support/transfer.js";

const FIELDS = "id version configData secretFields hasApiKey";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { ${FIELDS} } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $configs) { ${FIELDS} } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey secretFields } }`;
const VERSION = "version changeType configData hasApiKey";
const READS = `query($t: String!, $id: UUID!, $at: DateTime!) {
  providerConfigs(tenantId: $t) { ${FIELDS} history { ${VERSION} } }
  providerConfig(id: $id) { ${FIELDS} }
  tenantConfig(tenantId: $t) { paymentProviders { configData } notificationProviders { configData } }
  configHistory(tenantId: $t) { items { ${VERSION} } }
  tenantConfigAt(tenantId: $t, at: $at) { ${VERSION} }
  configChanges(tenantId: $t) { items { change { ${VERSION} } } }
}`;
const ROLLBACK = `mutation($id: UUID!, $v: Int!) { rollbackProviderConfig(configId: $id, version: $v) { ${FIELDS} } }`;
const DIFF = `query($id: UUID!, $from: Int!, $to: Int!) { configDiff(configId: $id, fromVersion: $from, toVersion: $to) { changes { field before after } } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { version } }`;

/** A plaintext no other test contains. */
const plain = (label: string): string => `${label}_${randomBytes(12).toString("hex")}`;

interface Stored {
  configData: Record<string, unknown>;
  secretData: Record<string, string>;
  version: number;
}

// biome-ignore lint/suspicious/noExplicitAny: tests read response shapes freely; the assertions are the checks.
type Data = Record<string, any>;

function helpers(t: () => TestApp) {
  const must = async (query: string, variables: Record<string, unknown>): Promise<Data> => {
    const response = await t().gql(query, variables);
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data as Data;
  };
  return {
    must,
    upsert: async (input: Record<string, unknown>) => (await must(UPSERT, { input })).upsertProviderConfig,
    credentials: async (id: string) => (await must(CREDENTIALS, { id })).providerCredentials,
    row: async (id: string): Promise<Stored> =>
      (
        await t().asAllTenants((db) =>
          db.query<Stored>(Prisma.sql`SELECT config_data AS "configData", secret_data AS "secretData", version
          FROM provider_configs WHERE id = ${id}::uuid`),
        )
      )[0] as Stored,
    snapshots: (id: string): Promise<Stored[]> =>
      t().asAllTenants((db) =>
        db.query<Stored>(Prisma.sql`SELECT config_data AS "configData", secret_data AS "secretData", version
          FROM config_versions WHERE config_id = ${id}::uuid ORDER BY version`),
      ),
  };
}

function expectNoPlaintext(what: unknown, ...plaintexts: string[]): void {
  const text = JSON.stringify(what);
  for (const plaintext of plaintexts) expect(text).not.toContain(plaintext);
}

function expectSealed(value: string | undefined, ...plaintexts: string[]): void {
  expect(value?.startsWith("v1.test1.")).toBe(true);
  expectNoPlaintext(value, ...plaintexts);
}

const payment = (tenantId: string, configData: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  tenantId,
  providerType: "PAYMENT",
  providerName: "stripe",
  apiKey: "sk_test_0123456789",
  configData,
  ...extra,
});

for (const database of ["postgresql", "pglite"] as const) {
  describe.skipIf(database === "postgresql" && !hasPostgres())(`secret configData fields on ${database}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(() => t.stop());
    const { must, upsert, credentials, row, snapshots } = helpers(() => t);

    test("sealed in the config and its snapshots; no read returns them; providerCredentials does, audited", async () => {
      const tenantId = tenant("secret");
      const webhookSecret = plain("whsec");
      const serviceAccountJson = JSON.stringify({ private_key: plain("pk") });
      const created = await upsert(payment(tenantId, { currency: "SAR", webhookSecret }));
      expect(created).toMatchObject({ version: 1, configData: { currency: "SAR" }, secretFields: ["webhookSecret"] });
      const [batch] = (
        await must(BATCH, {
          t: tenantId,
          configs: [
            { providerType: "NOTIFICATION", providerName: "onesignal", apiKey: "k", configData: { appId: "a", serviceAccountJson } },
          ],
        })
      ).upsertProviderConfigs;
      expect(batch).toMatchObject({ configData: { appId: "a" }, secretFields: ["serviceAccountJson"] });

      const stored = await row(created.id);
      expect(stored.configData).toEqual({ currency: "SAR" });
      expectSealed(stored.secretData.webhookSecret, webhookSecret);
      expectSealed((await row(batch.id)).secretData.serviceAccountJson, serviceAccountJson);
      const [snapshot] = await snapshots(created.id);
      expect(snapshot?.configData).toEqual({ currency: "SAR" });
      expect(snapshot?.secretData).toEqual(stored.secretData);

      const reads = await must(READS, { t: tenantId, id: created.id, at: new Date(Date.now() + 60_000).toISOString() });
      expect(reads.providerConfig.secretFields).toEqual(["webhookSecret"]);
      expect(reads.configHistory.items).toHaveLength(2);
      await expect
        .poll(async () => (await must(READS, { t: tenantId, id: created.id, at: new Date().toISOString() })).configChanges.items.length)
        .toBe(2);
      const again = await must(READS, { t: tenantId, id: created.id, at: new Date(Date.now() + 60_000).toISOString() });
      expectNoPlaintext([reads, again], webhookSecret, serviceAccountJson, 'webhookSecret":', 'serviceAccountJson":');

      // The NATS payloads are built from the same change-stream rows.
      const events = await t.asAllTenants((db) =>
        new ChangeEventRepository(new SecretFields(loadCatalog().list())).tenantEvents(db, tenantId, undefined, undefined, 10),
      );
      expect(events.events).toHaveLength(2);
      const payloads = events.events.map((event) => toChangeEventMessage(event).payload);
      expect(payloads[0]?.configData).toEqual({ currency: "SAR" });
      expectNoPlaintext(payloads, webhookSecret, serviceAccountJson, "secretData");

      expect(await credentials(created.id)).toEqual({
        configId: created.id,
        apiKey: "sk_test_0123456789",
        secretFields: { webhookSecret },
      });
      expect((await credentials(batch.id)).secretFields).toEqual({ serviceAccountJson });
      const audited = await t.asAllTenants((db) =>
        db.query<{ operation: string }>(Prisma.sql`SELECT operation FROM credential_access_log WHERE tenant_id = ${tenantId}`),
      );
      expect(audited).toHaveLength(2);
      expectNoPlaintext(t.logs, webhookSecret, serviceAccountJson);
    });

    test("omitted keeps, the same plaintext is no change, null removes; other fields stay as they are", async () => {
      const tenantId = tenant("secret");
      const webhookSecret = plain("whsec");
      const { id } = await upsert(payment(tenantId, { currency: "SAR", webhookSecret }));
      const sealed = (await row(id)).secretData.webhookSecret;

      // configData without the field (or no configData at all) keeps it.
      expect(await upsert(payment(tenantId, { currency: "USD" }))).toMatchObject({ version: 2, secretFields: ["webhookSecret"] });
      expect(await upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", priority: "SECONDARY" })).toMatchObject({
        version: 3,
      });
      expect((await row(id)).secretData.webhookSecret).toBe(sealed);
      // The same plaintext again: no version, the same sealed value.
      expect(await upsert(payment(tenantId, { currency: "USD", webhookSecret }))).toMatchObject({ version: 3 });
      expect((await row(id)).secretData.webhookSecret).toBe(sealed);
      expect(await snapshots(id)).toHaveLength(3);
      // A new value is sealed anew.
      const next = plain("whsec");
      expect(await upsert(payment(tenantId, { currency: "USD", webhookSecret: next }))).toMatchObject({ version: 4 });
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret: next });
      // null removes it (and is not held to the field's schema type).
      expect(await upsert(payment(tenantId, { currency: "USD", webhookSecret: null }))).toMatchObject({
        version: 5,
        configData: { currency: "USD" },
        secretFields: [],
      });
      expect((await row(id)).secretData).toEqual({});
      expect((await credentials(id)).secretFields).toEqual({});
    });

    test("a secret value the schema refuses is reported by path, never echoed", async () => {
      const tenantId = tenant("secret");
      const value = plain("whsec");
      const response = await t.gql(UPSERT, { input: payment(tenantId, { currency: "SAR", webhookSecret: [value] }) });
      expectBadInput(response, "input.configData.webhookSecret");
      expectNoPlaintext(response, value);
      expectNoPlaintext(t.logs, value);
    });

    test("a provider outside the catalog has no secret fields", async () => {
      const tenantId = tenant("secret");
      const configData = { webhookSecret: "not-a-secret-here" };
      const created = await upsert({ tenantId, providerType: "PAYMENT", providerName: "own_gateway", configData });
      expect(created).toMatchObject({ configData, secretFields: [] });
      expect((await row(created.id)).secretData).toEqual({});
    });

    test("configDiff names a changed secret field without values; rollback restores it, also into a deleted config", async () => {
      const tenantId = tenant("secret");
      const first = plain("whsec");
      const second = plain("whsec");
      const { id } = await upsert(payment(tenantId, { currency: "SAR", webhookSecret: first }));
      await upsert(payment(tenantId, { currency: "SAR", webhookSecret: second }));
      await upsert(payment(tenantId, { currency: "USD" }));
      await upsert(payment(tenantId, { currency: "USD", webhookSecret: null }));

      const diff = async (from: number, to: number) => (await must(DIFF, { id, from, to })).configDiff.changes;
      expect(await diff(1, 2)).toEqual([{ field: "configData.webhookSecret", before: null, after: null }]);
      expect(await diff(2, 3)).toEqual([{ field: "configData.currency", before: "SAR", after: "USD" }]);
      expect(await diff(4, 1)).toEqual([
        { field: "configData.currency", before: "USD", after: "SAR" },
        { field: "configData.webhookSecret", before: null, after: null },
      ]);

      expect((await must(ROLLBACK, { id, v: 1 })).rollbackProviderConfig).toMatchObject({ version: 5, secretFields: ["webhookSecret"] });
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret: first });
      // The same state again: no new version.
      expect((await must(ROLLBACK, { id, v: 1 })).rollbackProviderConfig.version).toBe(5);
      expect(await diff(1, 5)).toEqual([]);

      await must(DELETE, { id });
      expect((await must(ROLLBACK, { id, v: 2 })).rollbackProviderConfig).toMatchObject({ version: 7, secretFields: ["webhookSecret"] });
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret: second });
      const all = await snapshots(id);
      for (const snapshot of all) expectNoPlaintext(snapshot, first, second);
    });

    test("export with secrets puts them back in configData (audited); import seals them; a MERGE that omits one keeps it", async () => {
      const transfer = transferClient(() => t);
      const source = tenant("secret");
      const webhookSecret = plain("whsec");
      await upsert(payment(source, { currency: "SAR", webhookSecret }));

      const without = await transfer.export(source);
      expect(without.configs[0]?.configData).toEqual({ currency: "SAR" });
      expectNoPlaintext(without, webhookSecret);
      const withSecrets = await transfer.export(source, true);
      expect(withSecrets.configs[0]?.configData).toEqual({ currency: "SAR", webhookSecret });
      const audited = await t.asAllTenants((db) =>
        db.query<{ operation: string }>(Prisma.sql`SELECT operation FROM credential_access_log WHERE tenant_id = ${source}`),
      );
      expect(audited.map((entry) => entry.operation)).toEqual(["exportTenantConfig"]);

      const target = tenant("secret");
      expect(await transfer.import(target, withSecrets)).toMatchObject({ created: 1 });
      const [imported] = await must(`query($t: String!) { providerConfigs(tenantId: $t) { ${FIELDS} } }`, { t: target }).then(
        (data) => data.providerConfigs,
      );
      expect(imported).toMatchObject({ configData: { currency: "SAR" }, secretFields: ["webhookSecret"] });
      expectSealed((await row(imported.id)).secretData.webhookSecret, webhookSecret);
      expect((await credentials(imported.id)).secretFields).toEqual({ webhookSecret });
      // Importing it again changes nothing; a MERGE without the secrets keeps them.
      expect(await transfer.import(target, withSecrets)).toMatchObject({ unchanged: 1 });
      expect(await transfer.import(target, without)).toMatchObject({ unchanged: 1 });
      expect((await credentials(imported.id)).secretFields).toEqual({ webhookSecret });
    });

    test("values stored in clear before sealing: never read back; the start-up step seals them without a new version", async () => {
      const tenantId = tenant("clear");
      const webhookSecret = plain("whsec");
      const { id } = await upsert(payment(tenantId, { currency: "SAR" }));
      await upsert(payment(tenantId, { currency: "USD" }));
      const other = await upsert({
        tenantId,
        providerType: "PAYMENT",
        providerName: "own_gateway",
        configData: { webhookSecret: "plain" },
      });
      // As a release before sealing wrote them: in config_data, in the config and in its snapshots.
      await t.asAllTenants(async (db) => {
        for (const table of ["provider_configs", "config_versions"]) {
          const key = table === "provider_configs" ? "id" : "config_id";
          await db.query(
            Prisma.sql`UPDATE ${Prisma.raw(table)} SET config_data = config_data || ${JSON.stringify({ webhookSecret })}::jsonb
              WHERE ${Prisma.raw(key)} = ${id}::uuid RETURNING 1`,
          );
        }
      });
      const before = await must(READS, { t: tenantId, id, at: new Date(Date.now() + 60_000).toISOString() });
      expect(before.providerConfig).toMatchObject({ version: 2, configData: { currency: "USD" }, secretFields: ["webhookSecret"] });
      expectNoPlaintext(before, webhookSecret);
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret });
      // A write that changes nothing is still no change while the value is in clear.
      expect(await upsert(payment(tenantId, { currency: "USD", webhookSecret }))).toMatchObject({ version: 2 });
      expect(await upsert(payment(tenantId, { currency: "USD" }))).toMatchObject({ version: 2 });
      expect((await row(id)).secretData).toEqual({});

      const sealed = await t.app.clearSecrets.run();
      expect(sealed.configs).toBeGreaterThanOrEqual(1);
      expect(sealed.snapshots).toBeGreaterThanOrEqual(2);
      const stored = await row(id);
      expect(stored).toMatchObject({ configData: { currency: "USD" }, version: 2 });
      expectSealed(stored.secretData.webhookSecret, webhookSecret);
      const history = await snapshots(id);
      expect(history.map((snapshot) => snapshot.version)).toEqual([1, 2]);
      for (const snapshot of history) {
        expect(snapshot.configData).not.toHaveProperty("webhookSecret");
        expectSealed(snapshot.secretData.webhookSecret, webhookSecret);
      }
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret });
      expect(await diff(id, 1, 2)).toEqual([{ field: "configData.currency", before: "SAR", after: "USD" }]);
      // Outside the catalog the field is plain data and stays; a second run finds nothing of this tenant.
      expect((await row(other.id)).configData).toEqual({ webhookSecret: "plain" });
      await t.app.clearSecrets.run();
      expect((await row(id)).secretData).toEqual(stored.secretData);

      async function diff(configId: string, from: number, to: number) {
        return (await must(DIFF, { id: configId, from, to })).configDiff.changes;
      }
    });

    // The second shape (no credential, no configData) is the one-statement update's for other providers: a provider
    // with secret fields must take the transaction, which seals, rather than copy the clear value into a snapshot.
    test.each([
      ["with credentials and configData", (tenantId: string) => payment(tenantId, { currency: "SAR" }, { priority: "SECONDARY" })],
      [
        "with only a priority",
        (tenantId: string) => ({ tenantId, providerType: "PAYMENT", providerName: "stripe", priority: "SECONDARY" }),
      ],
    ])("a write that changes the config (%s) seals values stored in clear", async (_, change) => {
      const tenantId = tenant("clear");
      const webhookSecret = plain("whsec");
      const { id } = await upsert(payment(tenantId, { currency: "SAR" }));
      await t.asAllTenants((db) =>
        db.query(Prisma.sql`UPDATE provider_configs SET config_data = config_data || ${JSON.stringify({ webhookSecret })}::jsonb
          WHERE id = ${id}::uuid RETURNING 1`),
      );
      expect(await upsert(change(tenantId))).toMatchObject({
        version: 2,
        configData: { currency: "SAR" },
        secretFields: ["webhookSecret"],
      });
      const stored = await row(id);
      expect(stored.configData).toEqual({ currency: "SAR" });
      expectSealed(stored.secretData.webhookSecret, webhookSecret);
      expect((await snapshots(id))[1]?.secretData).toEqual(stored.secretData);
      expect((await credentials(id)).secretFields).toEqual({ webhookSecret });
    });
  });
}

describe("access", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
  });
  afterAll(() => t.stop());

  test("another tenant's secret fields are NOT_FOUND; without secrets:read they are not returned", async () => {
    const mine = tenant("secret");
    const theirs = tenant("secret");
    const webhookSecret = plain("whsec");
    const owner = await callerOf(() => t, "owner", [theirs]);
    const { id } = await owner.upsert(payment(theirs, { currency: "SAR", webhookSecret }));

    const stranger = await callerOf(() => t, "stranger", [mine]);
    const foreign = await stranger.gql(CREDENTIALS, { id });
    expect(codeOf(foreign)).toBe("NOT_FOUND");
    expectNoPlaintext(foreign, webhookSecret);

    const reader = await callerOf(() => t, "reader", [theirs], "config:read");
    const refused = await reader.gql(CREDENTIALS, { id });
    expect(codeOf(refused)).toBe("FORBIDDEN");
    expectNoPlaintext(refused, webhookSecret);
    expect((await reader.must(`query($id: UUID!) { providerConfig(id: $id) { secretFields configData } }`, { id })).providerConfig).toEqual(
      {
        secretFields: ["webhookSecret"],
        configData: { currency: "SAR" },
      },
    );
  });
});

describe("key rotation", () => {
  const OLD = `old:${Buffer.alloc(32, 11).toString("base64")}`;
  const NEW = `new:${Buffer.alloc(32, 22).toString("base64")}`;
  let t: TestApp;
  beforeAll(async () => {
    // A private PGlite: rotation covers every tenant of the database.
    t = await startTestApp({ database: "pglite", env: { CONFIG_ENCRYPTION_KEYS: OLD } });
  });
  afterAll(() => t.stop());

  test("re-seals secret fields in configs and snapshots under the new key; no version, same plaintext", async () => {
    const { upsert, row, snapshots } = helpers(() => t);
    const tenantId = tenant("rotate");
    const webhookSecret = plain("whsec");
    const { id } = await upsert(payment(tenantId, { currency: "SAR", webhookSecret }));
    await upsert(payment(tenantId, { currency: "USD" }));

    const rotation = new KeyRotationService({
      unitOfWork: new UnitOfWork(t.app.database.adapter),
      sealer: new SecretBox(parseKeyring(`${NEW},${OLD}`)),
    });
    expect((await rotation.countRemaining()).valuesByKeyId).toEqual({ old: 6 });
    const report = await rotation.rotate();
    expect(report).toMatchObject({ configs: { rotated: 1, failed: 0 }, snapshots: { rotated: 2, failed: 0 }, remaining: 0 });

    const onlyNew = new SecretBox(parseKeyring(NEW));
    const opened = (sealed: string | undefined) => JSON.parse(onlyNew.open(sealed as string, secretFieldContext(id, "webhookSecret")));
    const stored = await row(id);
    expect(stored.version).toBe(2);
    expect(opened(stored.secretData.webhookSecret)).toBe(webhookSecret);
    for (const snapshot of await snapshots(id)) expect(opened(snapshot.secretData.webhookSecret)).toBe(webhookSecret);
  });
});

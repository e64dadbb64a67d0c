// Group commit of the one-statement updates (issue 15, provider-config.update-batch.ts), on PostgreSQL and PGlite:
// updates asked for together are one statement; each keeps its own tenants, its own outcome (written, no-op,
// CONFLICT, no such config) and its own failure; updates of one key apply in the order asked, versions contiguous.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { onlyTenants } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { loadCatalog } from "../src/modules/catalog/catalog.js";
import { SecretFields } from "../src/modules/catalog/secret-fields.js";
import type { ConfigKey } from "../src/modules/provider-config/provider-config.model.js";
import { ProviderConfigRepository, type StoredChange } from "../src/modules/provider-config/provider-config.repository.js";
import { ConfigUpdateBatch, MAX_UPDATE_BATCH, type UpdateRequest } from "../src/modules/provider-config/provider-config.update-batch.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;
const HISTORY = `query($t: String!) { configHistory(tenantId: $t, limit: 100) { items { version changeType configData } } }`;
const FEED = `query($t: String!) { configChanges(tenantId: $t, limit: 1000) { items { change { version } } } }`;

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  let statements: string[];
  let batch: ConfigUpdateBatch;
  const tenants: string[] = [];

  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ database });
    statements = [];
    const unitOfWork = new UnitOfWork(t.app.database.adapter, (sql) => statements.push(sql), t.app.database.transactionRole);
    batch = new ConfigUpdateBatch(unitOfWork, new ProviderConfigRepository(new SecretFields(loadCatalog().list())));
    for (let i = 0; i < 6; i++) {
      const tenantId = tenant(`ub${i}`);
      tenants.push(tenantId);
      expect((await t.gql(UPSERT, { input: { ...weather(tenantId) } })).errors).toBeUndefined();
    }
  });
  afterAll(() => t?.stop());

  const weather = (tenantId: string): ConfigKey => ({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
  const audit = { changedBy: "batch-test", changeReason: null };
  const request = (tenantId: string, change: Partial<StoredChange> & Pick<StoredChange, "changes">, scope = tenantId): UpdateRequest => ({
    tenants: onlyTenants(scope),
    key: weather(tenantId),
    change: { requiresApiKey: false, ...change },
    audit,
  });
  /** Read from the database (the API's cache is not told of writes made here, outside the service). */
  const versionOf = async (tenantId: string): Promise<number> => {
    const rows = await new UnitOfWork(t.app.database.adapter, undefined, t.app.database.transactionRole).read(onlyTenants(tenantId), (db) =>
      db.query<{ version: number }>(Prisma.sql`SELECT version FROM provider_configs WHERE tenant_id = ${tenantId}`),
    );
    return rows[0]?.version as number;
  };

  test.skipIf(skip)("updates asked for together are one statement, each with its own outcome", async () => {
    const [a, b, c, d, e] = tenants as [string, string, string, string, string];
    const before = await Promise.all([a, b, c, d].map(versionOf));
    statements.length = 0;
    const results = await Promise.all([
      batch.update(request(a, { changes: { configData: { language: "de" } } })),
      // Nothing changes: returned unwritten.
      batch.update(request(b, { changes: { enabled: true } })),
      // Another version expected: returned unwritten (the service answers CONFLICT).
      batch.update(request(c, { changes: { enabled: false }, expectedVersion: 99 })),
      // Asked with the tenants of another: that config is not there for it. The call just before it in key order
      // (d's SMS config, which does not exist) takes d's tenants: a call that did not take its own guard would see d.
      batch.update({ ...request(d, { changes: {} }), key: { tenantId: d, providerType: "SMS", providerName: "twilio" } }),
      batch.update(request(d, { changes: { enabled: false } }, e)),
      // No such config: null (the service creates it in a transaction).
      batch.update({ ...request(e, { changes: {} }), key: { tenantId: e, providerType: "SMS", providerName: "twilio" } }),
    ]);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain("update_provider_config(");
    expect(results.map((result) => result && { written: result.written, version: result.config.version })).toEqual([
      { written: true, version: (before[0] as number) + 1 },
      { written: false, version: before[1] },
      { written: false, version: before[2] },
      null,
      null,
      null,
    ]);
    expect(results[0]?.config.configData).toEqual({ language: "de" });
    expect(await versionOf(d)).toBe(before[3]);
  });

  test.skipIf(skip)("updates of one key apply in the order asked: every one written, versions contiguous", async () => {
    const tenantId = tenants[5] as string;
    const first = await versionOf(tenantId);
    statements.length = 0;
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, n) => batch.update(request(tenantId, { changes: { configData: { units: `u${n}` } } }))),
    );
    expect(statements).toHaveLength(1);
    expect(results.map((result) => result?.config.version)).toEqual(Array.from({ length: 10 }, (_, n) => first + n + 1));
    const history = (await t.gql(HISTORY, { t: tenantId })).data?.configHistory.items;
    expect(history.slice(0, 10).map((item: { configData: { units: string } }) => item.configData.units)).toEqual(
      Array.from({ length: 10 }, (_, n) => `u${9 - n}`),
    );
    // The change feed (SPEC.md §9) has each of them once, in version order, though they committed in one transaction.
    await expect
      .poll(async () => {
        const feed = await t.gql(FEED, { t: tenantId });
        return feed.data?.configChanges.items.map((item: { change: { version: number } }) => item.change.version);
      })
      .toEqual(Array.from({ length: first + 10 }, (_, n) => n + 1));
  });

  test.skipIf(skip)("a burst larger than a batch takes several statements", async () => {
    statements.length = 0;
    const count = MAX_UPDATE_BATCH + 3;
    const results = await Promise.all(
      Array.from({ length: count }, (_, n) => batch.update(request(tenants[n % 5] as string, { changes: { configData: { n } } }))),
    );
    expect(results.every((result) => result?.written)).toBe(true);
    expect(statements).toHaveLength(2);
  });

  test.skipIf(skip)("a change that fails fails alone: the others of its batch are written", async () => {
    const [a, b] = tenants as [string, string];
    const before = await versionOf(b);
    statements.length = 0;
    const [bad, good] = await Promise.allSettled([
      // Not a priority: the database refuses the statement (the service never sends this; validation stops it first).
      batch.update(request(a, { changes: { priority: "URGENT" as never } })),
      batch.update(request(b, { changes: { configData: { after: "failure" } } })),
    ]);
    expect(bad.status).toBe("rejected");
    expect(good).toMatchObject({ status: "fulfilled", value: { written: true, config: { version: before + 1 } } });
    // The batch, then each change alone.
    expect(statements).toHaveLength(3);
  });
});

test.skipIf(!hasPostgres())("a change blocked by a row lock does not hold up the others of its batch", async () => {
  const t = await startTestApp();
  const holder = new pg.Client({ connectionString: inject("databaseUrl") as string, options: "-c role=pcs_app" });
  try {
    const [blocked, free] = [tenant("ubl-held"), tenant("ubl-free")];
    for (const tenantId of [blocked, free])
      await t.gql(UPSERT, { input: { tenantId, providerType: "WEATHER", providerName: "open_meteo" } });
    const unitOfWork = new UnitOfWork(t.app.database.adapter, undefined, t.app.database.transactionRole);
    const batch = new ConfigUpdateBatch(unitOfWork, new ProviderConfigRepository(new SecretFields(loadCatalog().list())));
    const change = (tenantId: string): UpdateRequest => ({
      tenants: onlyTenants(tenantId),
      key: { tenantId, providerType: "WEATHER", providerName: "open_meteo" },
      change: { changes: { configData: { units: "metric" } }, requiresApiKey: false },
      audit: { changedBy: "batch-test", changeReason: null },
    });
    // Another transaction holds the first config's row lock.
    await holder.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT set_config('app.tenant_id', $1, true)", [blocked]);
    await holder.query("SELECT id FROM provider_configs WHERE tenant_id = $1 FOR UPDATE", [blocked]);
    const held = batch.update(change(blocked));
    const other = await batch.update(change(free));
    expect(other).toMatchObject({ written: true, config: { version: 2 } });
    // The blocked change waits for the lock, alone, and is written once it is released.
    let settled = false;
    void held.finally(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await holder.query("COMMIT");
    expect(await held).toMatchObject({ written: true, config: { version: 2 } });
  } finally {
    await holder.end().catch(() => {});
    await t.stop();
  }
});

test.skipIf(!hasPostgres())("concurrent upserts through the API: each written once, none in a transaction", async () => {
  const t = await startTestApp({ countQueries: true });
  try {
    const ids = Array.from({ length: 16 }, (_, i) => tenant(`ubh${i}`));
    for (const tenantId of ids) await t.gql(UPSERT, { input: { tenantId, providerType: "WEATHER", providerName: "open_meteo" } });
    t.queries.length = 0;
    const responses = await Promise.all(
      ids.map((tenantId) =>
        t.gql(UPSERT, { input: { tenantId, providerType: "WEATHER", providerName: "open_meteo", configData: { n: 1 } } }),
      ),
    );
    expect(responses.every((response) => response.errors === undefined && response.data?.upsertProviderConfig.version === 2)).toBe(true);
    // Every write took the one-statement path (however the requests fell into batches), none a transaction.
    expect(t.queries.filter((sql) => sql.includes("update_provider_config(")).length).toBeGreaterThanOrEqual(1);
    expect(t.queries.filter((sql) => sql === "BEGIN")).toEqual([]);
    // Each written exactly once: one UPDATED snapshot after its CREATED one.
    for (const tenantId of ids) {
      const history = (await t.gql(HISTORY, { t: tenantId })).data?.configHistory.items;
      expect(history.map((item: { version: number; changeType: string }) => `${item.version}:${item.changeType}`)).toEqual([
        "2:UPDATED",
        "1:CREATED",
      ]);
    }
  } finally {
    await t.stop();
  }
});

// The credential access log (SPEC.md §11) on PostgreSQL and PGlite: every successful providerCredentials call
// appends an entry (time, actor, operation, config, request id) before the secrets leave; when the entry cannot be
// written no secret is returned; the application's role can insert and read entries but never change or delete
// them; credentialAccessLog needs audit:read for the tenant, is newest first and pages with tenant-bound cursors.
import { randomBytes, randomUUID } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { clonePGliteTemplate, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type AuditCaller, callerOf } from "./support/audit.js";
import { expectBadInput, expectError } from "./support/errors.js";
import { bearer, TEST_JWT_SECRET, tokenFor } from "./support/tokens.js";

const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { configId apiKey apiSecret } }`;
const LOG = `query($tenantId: String!, $limit: Int, $after: String) {
  credentialAccessLog(tenantId: $tenantId, limit: $limit, after: $after) {
    items { id at actor operation configId providerType providerName requestId } nextCursor } }`;

const secret = (label: string) => `${label}_${randomBytes(12).toString("hex")}`;

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  let pglite: PGlite | undefined;
  const tenantId = tenant("cal");
  const other = tenant("cal-other");
  const apiKey = secret("sk_live");
  let admin: AuditCaller;
  let reader: AuditCaller;
  let auditor: AuditCaller;
  let outsider: AuditCaller;
  let stripe = "";
  let twilio = "";
  let othersConfig = "";

  /** Runs SQL as the database owner (not the application role), for faults a test injects. */
  async function asOwner(sql: string): Promise<void> {
    if (pglite) {
      await pglite.exec(`RESET ROLE; ${sql}; SET ROLE pcs_app;`);
      return;
    }
    const client = new pg.Client({ connectionString: inject("databaseUrl") as string });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    if (skip) return;
    pglite = database === "pglite" ? await clonePGliteTemplate() : undefined;
    t = await startTestApp({ database, pglite, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    admin = await callerOf(() => t, "admin", [tenantId], "config:read config:write");
    reader = await callerOf(() => t, "payments-svc", [tenantId], "config:read secrets:read");
    auditor = await callerOf(() => t, "auditor", [tenantId], "audit:read");
    outsider = await callerOf(() => t, "outsider", [other]);
    stripe = (await admin.upsert({ tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey, apiSecret: secret("whsec") })).id;
    twilio = (await admin.upsert({ tenantId, providerType: "SMS", providerName: "twilio", apiKey: secret("tw") })).id;
    othersConfig = (await outsider.upsert({ tenantId: other, providerType: "PAYMENT", providerName: "stripe", apiKey: secret("sk") })).id;
  });
  afterAll(() => t?.stop());

  const log = async (variables: Record<string, unknown> = {}, who = () => auditor) =>
    (await who().must(LOG, { tenantId, ...variables })).credentialAccessLog as {
      items: Array<Record<string, unknown>>;
      nextCursor: string | null;
    };

  test.skipIf(skip)("providerCredentials appends who, when, what and in which request", async () => {
    const requestId = `req-${randomUUID()}`;
    const before = Date.now();
    const headers = { ...bearer(await tokenFor("payments-svc", [tenantId], "secrets:read")), "x-request-id": requestId };
    const response = await t.gql(CREDENTIALS, { id: stripe }, headers);
    expect(response.data?.providerCredentials.apiKey).toBe(apiKey);
    const [entry] = (await log({ limit: 1 })).items;
    expect(entry).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      at: expect.any(String),
      actor: "payments-svc",
      operation: "providerCredentials",
      configId: stripe,
      providerType: "PAYMENT",
      providerName: "stripe",
      requestId,
    });
    expect(Date.parse(entry?.at as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(JSON.stringify(await log())).not.toContain(apiKey);
  });

  test.skipIf(skip)("only successful reads are logged: not found, forbidden and other tenants' configs write nothing", async () => {
    const count = async () => (await log({ limit: 500 })).items.length;
    const start = await count();
    expectError(await reader.gql(CREDENTIALS, { id: randomUUID() }), "NOT_FOUND");
    expectError(await reader.gql(CREDENTIALS, { id: othersConfig }), "NOT_FOUND");
    expectError(await admin.gql(CREDENTIALS, { id: stripe }), "FORBIDDEN");
    expect(await count()).toBe(start);
    await reader.must(CREDENTIALS, { id: twilio });
    expect(await count()).toBe(start + 1);
  });

  test.skipIf(skip)("when the entry cannot be written, no secret is returned", async () => {
    const refused = tenant("cal-refuse");
    const name = `pcs_test_refuse_${randomBytes(4).toString("hex")}`;
    const owner = await callerOf(() => t, "owner", [refused]);
    const key = secret("sk_refused");
    const { id } = await owner.upsert({ tenantId: refused, providerType: "PAYMENT", providerName: "stripe", apiKey: key });
    await asOwner(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.tenant_id = '${refused}' THEN RAISE EXCEPTION 'audit storage unavailable'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER ${name} BEFORE INSERT ON credential_access_log FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    try {
      const response = await owner.gql(CREDENTIALS, { id });
      expectError(response, "INTERNAL_SERVER_ERROR");
      expect(JSON.stringify(response)).not.toContain(key);
      expect((await owner.must(LOG, { tenantId: refused })).credentialAccessLog.items).toEqual([]);
    } finally {
      await asOwner(`DROP TRIGGER ${name} ON credential_access_log; DROP FUNCTION ${name}()`);
    }
    expect((await owner.must(CREDENTIALS, { id })).providerCredentials.apiKey).toBe(key);
    expect((await owner.must(LOG, { tenantId: refused })).credentialAccessLog.items).toHaveLength(1);
  });

  test.skipIf(skip)("exportTenantConfig with secrets appends one entry per exported config; without secrets, none", async () => {
    const EXPORT = `query($t: String!, $s: Boolean) { exportTenantConfig(tenantId: $t, includeSecrets: $s) }`;
    const exporter = await callerOf(() => t, "exporter", [tenantId], "config:read secrets:read");
    const start = (await log({ limit: 500 })).items.length;
    const plain = await exporter.must(EXPORT, { t: tenantId, s: false });
    expect(JSON.stringify(plain)).not.toContain(apiKey);
    expect((await log({ limit: 500 })).items.length).toBe(start);

    const requestId = `req-${randomUUID()}`;
    const headers = { ...bearer(await tokenFor("exporter", [tenantId], "config:read secrets:read")), "x-request-id": requestId };
    const withSecrets = await t.gql(EXPORT, { t: tenantId, s: true }, headers);
    expect(JSON.stringify(withSecrets.data)).toContain(apiKey);
    const entries = (await log({ limit: 500 })).items.filter((entry) => entry.requestId === requestId);
    expect(entries.map((entry) => [entry.operation, entry.actor, entry.providerName]).sort()).toEqual([
      ["exportTenantConfig", "exporter", "stripe"],
      ["exportTenantConfig", "exporter", "twilio"],
    ]);
  });

  test.skipIf(skip)("an export with secrets whose entry cannot be written returns no document", async () => {
    const refused = tenant("cal-export-refuse");
    const name = `pcs_test_refuse_${randomBytes(4).toString("hex")}`;
    const owner = await callerOf(() => t, "owner", [refused]);
    const key = secret("sk_export");
    await owner.upsert({ tenantId: refused, providerType: "PAYMENT", providerName: "stripe", apiKey: key });
    await asOwner(`CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.tenant_id = '${refused}' THEN RAISE EXCEPTION 'audit storage unavailable'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER ${name} BEFORE INSERT ON credential_access_log FOR EACH ROW EXECUTE FUNCTION ${name}()`);
    try {
      const response = await owner.gql(`query($t: String!) { exportTenantConfig(tenantId: $t, includeSecrets: true) }`, { t: refused });
      expectError(response, "INTERNAL_SERVER_ERROR");
      expect(JSON.stringify(response)).not.toContain(key);
    } finally {
      await asOwner(`DROP TRIGGER ${name} ON credential_access_log; DROP FUNCTION ${name}()`);
    }
  });

  test.skipIf(skip)("the application's database role can append and read entries, never change or delete them", async () => {
    await reader.must(CREDENTIALS, { id: stripe });
    const statements = [
      Prisma.sql`UPDATE credential_access_log SET actor = 'someone-else' WHERE tenant_id = ${tenantId}`,
      Prisma.sql`DELETE FROM credential_access_log WHERE tenant_id = ${tenantId}`,
      Prisma.sql`TRUNCATE credential_access_log`,
    ];
    for (const statement of statements) {
      await expect(t.asAllTenants((db) => db.query(statement))).rejects.toThrow(/permission denied/);
    }
    const rows = await t.asAllTenants((db) =>
      db.query<{ n: number }>(
        Prisma.sql`SELECT count(*)::int AS n FROM credential_access_log WHERE tenant_id = ${tenantId} AND actor = 'payments-svc'`,
      ),
    );
    expect(rows[0]?.n).toBeGreaterThan(0);
    // Row-level security: a transaction of another tenant sees none of them.
    const [row] = await t.outsideTransaction<{ n: number }>("SELECT count(*)::int AS n FROM credential_access_log");
    expect(Number(row?.n)).toBe(0);
  });

  test.skipIf(skip)("credentialAccessLog is newest first and pages with cursors bound to the tenant", async () => {
    const paged = tenant("cal-paged");
    const owner = await callerOf(() => t, "owner", [paged, other]);
    const { id: a } = await owner.upsert({ tenantId: paged, providerType: "PAYMENT", providerName: "stripe", apiKey: secret("k") });
    const { id: b } = await owner.upsert({ tenantId: paged, providerType: "SMS", providerName: "twilio", apiKey: secret("k") });
    for (const id of [a, b, a]) await owner.must(CREDENTIALS, { id });
    const seen: unknown[] = [];
    let after: string | null = null;
    do {
      const data = await owner.must(LOG, { tenantId: paged, limit: 2, after });
      seen.push(...data.credentialAccessLog.items.map((item: Record<string, unknown>) => item.configId));
      after = data.credentialAccessLog.nextCursor;
      if (after) {
        expectBadInput(await owner.gql(LOG, { tenantId: other, limit: 2, after }), "after");
      }
    } while (after);
    expect(seen).toEqual([a, b, a]);
    const history = await owner.must(`query($t: String!) { configHistory(tenantId: $t, limit: 1) { nextCursor } }`, { t: paged });
    expectBadInput(await owner.gql(LOG, { tenantId: paged, after: history.configHistory.nextCursor }), "after");
    expectBadInput(await owner.gql(LOG, { tenantId: paged, after: "garbage" }), "after");
  });

  test.skipIf(skip)("needs audit:read for the tenant; limit 1-500", async () => {
    expectError(await reader.gql(LOG, { tenantId }), "FORBIDDEN");
    expectError(await admin.gql(LOG, { tenantId }), "FORBIDDEN");
    expectError(await outsider.gql(LOG, { tenantId }), "FORBIDDEN");
    const own = await outsider.must(LOG, { tenantId: other });
    expect(own.credentialAccessLog.items).toEqual([]);
    for (const limit of [0, -1, 501]) expectBadInput(await auditor.gql(LOG, { tenantId, limit }), "limit");
    expectBadInput(await auditor.gql(LOG, { tenantId: "no spaces allowed" }), "tenantId");
    expect((await log({ limit: 500 })).items.length).toBeGreaterThan(0);
  });
});

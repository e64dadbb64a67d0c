// Row-level security (SPEC.md §6): the database keeps tenants apart by itself. A statement without the tenant
// setting sees nothing, a transaction sees only its tenants, a repository bug cannot cross tenants, and a pooled
// connection never carries one request's tenants into the next.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { ALL_TENANTS, onlyTenants } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { loadCatalog } from "../src/modules/catalog/catalog.js";
import { SecretFields } from "../src/modules/catalog/secret-fields.js";
import { ProviderConfigRepository } from "../src/modules/provider-config/provider-config.repository.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id } }`;

async function seed(t: TestApp, tenantId: string): Promise<string> {
  const response = await t.gql(UPSERT, { input: { tenantId, providerType: "MAP", providerName: "openstreetmap" } });
  return response.data?.upsertProviderConfig.id;
}

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  let t: TestApp;
  const a = tenant("rls-a");
  const b = tenant("rls-b");
  let idOfB: string;

  beforeAll(async () => {
    if (database === "postgresql" && !hasPostgres()) return;
    // One pooled connection, so that every request reuses the previous request's connection.
    t = await startTestApp({ database, env: { DATABASE_POOL_MAX: "1" } });
    await seed(t, a);
    idOfB = await seed(t, b);
  });
  afterAll(() => t?.stop());

  const skip = database === "postgresql" && !hasPostgres();

  test.skipIf(skip)("is enforced, through the application role", async () => {
    expect(t.app.database.rowLevelSecurity).toBe("enforced");
    const [row] = await t.outsideTransaction<{ role: string }>("SELECT current_user AS role");
    expect(row?.role).toBe("pcs_app");
  });

  test.skipIf(skip)("a statement outside a tenant transaction sees no rows, after requests reused the connection", async () => {
    await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { id } }`, { t: a });
    const [setting] = await t.outsideTransaction<{ value: string | null }>("SELECT current_setting('app.tenant_id', true) AS value");
    expect(setting?.value ?? "").toBe("");
    const [configs] = await t.outsideTransaction<{ n: number }>("SELECT count(*)::int AS n FROM provider_configs");
    expect(configs?.n).toBe(0);
    const [versions] = await t.outsideTransaction<{ n: number }>("SELECT count(*)::int AS n FROM config_versions");
    expect(versions?.n).toBe(0);
  });

  test.skipIf(skip)("a transaction sees only its tenants, whatever the query asks for", async () => {
    const unitOfWork = new UnitOfWork(t.app.database.adapter);
    const repository = new ProviderConfigRepository(new SecretFields(loadCatalog().list()));
    // A repository call that forgot its tenant filter (scope "all") still cannot read tenant B as tenant A.
    expect(await unitOfWork.read(onlyTenants(a), (db) => repository.findById(db, idOfB, ALL_TENANTS))).toBeNull();
    expect(await unitOfWork.read(onlyTenants(b), (db) => repository.findById(db, idOfB, ALL_TENANTS))).not.toBeNull();
    const visible = await unitOfWork.read(onlyTenants(a), (db) => repository.listByTenants(db, [a, b]));
    expect(new Set(visible.map((config) => config.tenantId))).toEqual(new Set([a]));
    expect(await unitOfWork.read(onlyTenants(), (db) => repository.listByTenants(db, [a, b]))).toEqual([]);
  });

  test.skipIf(skip)("a one-statement read sees only its tenants, as the application role, and leaves no setting", async () => {
    const unitOfWork = new UnitOfWork(t.app.database.adapter);
    const tenantsOf = async (tenants: string[]) => {
      const rows = await unitOfWork.readStatement<{ tenantId: string; role: string }>(
        onlyTenants(...tenants),
        Prisma.sql`SELECT tenant_id AS "tenantId", current_user AS role FROM config_versions WHERE tenant_id IN (${a}, ${b}) ORDER BY seq DESC LIMIT 10`,
      );
      for (const row of rows) expect(row.role).toBe("pcs_app");
      return new Set(rows.map((row) => row.tenantId));
    };
    expect(await tenantsOf([a])).toEqual(new Set([a]));
    expect(await tenantsOf([b])).toEqual(new Set([b]));
    expect(await tenantsOf([a, b])).toEqual(new Set([a, b]));
    expect(await tenantsOf([])).toEqual(new Set());
    // The setting ended with the statement: the (only) pooled connection carries no tenant into the next statement.
    await t.gql(`query($t: String!) { configHistory(tenantId: $t) { items { id } } }`, { t: a });
    const [setting] = await t.outsideTransaction<{ value: string | null }>("SELECT current_setting('app.tenant_id', true) AS value");
    expect(setting?.value ?? "").toBe("");
  });

  test.skipIf(skip)("a transaction cannot write another tenant's rows", async () => {
    const unitOfWork = new UnitOfWork(t.app.database.adapter);
    const insert = unitOfWork.read(onlyTenants(a), (db) =>
      db.query(Prisma.sql`INSERT INTO provider_configs (id, tenant_id, provider_type, provider_name, priority, enabled, config_data, version, created_at, updated_at)
        VALUES (gen_random_uuid(), ${b}, 'SMS', 'twilio', 'PRIMARY', false, '{}', 1, now(), now())`),
    );
    await expect(insert).rejects.toThrow();
    const updated = await unitOfWork.read(onlyTenants(a), (db) =>
      db.query(Prisma.sql`UPDATE provider_configs SET enabled = false WHERE id = ${idOfB}::uuid RETURNING id`),
    );
    expect(updated).toEqual([]);
  });

  test.skipIf(skip)("the one-statement update is guarded by the tenants it is given, and leaves no setting behind", async () => {
    const unitOfWork = new UnitOfWork(t.app.database.adapter);
    const repository = new ProviderConfigRepository(new SecretFields(loadCatalog().list()));
    const change = { changes: { enabled: false }, requiresApiKey: false };
    const audit = { changedBy: "rls-test", changeReason: null };
    const keyOf = (tenantId: string) => ({ tenantId, providerType: "MAP", providerName: "openstreetmap" }) as const;
    // Tenant A's statement asked to change tenant B's config: it sees no such config and writes nothing.
    expect(
      await unitOfWork.autocommit((db) =>
        repository.updateInOneStatement(db, [{ guard: unitOfWork.guard(onlyTenants(a)), key: keyOf(b), change, audit }]),
      ),
    ).toEqual([null]);
    const ofB = await unitOfWork.read(onlyTenants(b), (db) => repository.findById(db, idOfB, ALL_TENANTS));
    expect(ofB).toMatchObject({ enabled: true, version: 1 });
    // Called directly with a forged patch: identity, version and audit columns are never taken from it.
    const guard = unitOfWork.guard(onlyTenants(a));
    const [forged] = await unitOfWork.autocommit((db) =>
      db.query<{ written: boolean; tenantId: string; version: number; updatedBy: string }>(Prisma.sql`SELECT written,
          (config).tenant_id AS "tenantId", (config).version, (config).updated_by AS "updatedBy"
        FROM update_provider_config(${guard.tenants}, ${guard.role}::text, ${a}, 'MAP', 'openstreetmap', NULL,
          ${JSON.stringify({ tenant_id: b, version: 99, updated_by: "forged", priority: "TERTIARY" })}::jsonb, false, 'rls-test', NULL)`),
    );
    expect(forged).toEqual({ written: true, tenantId: a, version: 2, updatedBy: "rls-test" });
    // The tenant setting ended with the statement (one pooled connection: the next statement reuses it).
    const [setting] = await t.outsideTransaction<{ value: string | null }>("SELECT current_setting('app.tenant_id', true) AS value");
    expect(setting?.value ?? "").toBe("");
  });
});

describe.skipIf(!hasPostgres())("a direct connection as the application role", () => {
  let client: pg.Client;
  const direct = tenant("rls-direct");
  beforeAll(async () => {
    const t = await startTestApp();
    await seed(t, direct);
    await t.stop();
    client = new pg.Client({ connectionString: inject("databaseUrl") as string, options: "-c role=pcs_app" });
    await client.connect();
  });
  afterAll(() => client?.end());

  test("sees no rows without the tenant setting", async () => {
    expect((await client.query("SELECT count(*)::int AS n FROM provider_configs")).rows[0].n).toBe(0);
    expect((await client.query("SELECT count(*)::int AS n FROM config_versions")).rows[0].n).toBe(0);
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.tenant_id', '*', true)");
    expect((await client.query("SELECT count(*)::int AS n FROM provider_configs")).rows[0].n).toBeGreaterThan(0);
    await client.query("COMMIT");
    expect((await client.query("SELECT count(*)::int AS n FROM provider_configs")).rows[0].n).toBe(0);
  });

  test("cannot reach another tenant's config through update_provider_config", async () => {
    const { rows: written } = await client.query(
      `SELECT written FROM update_provider_config($1, NULL, $2, 'MAP', 'openstreetmap', NULL, '{"enabled": false}', false, 'direct', NULL)`,
      [tenant("rls-other"), direct],
    );
    expect(written).toEqual([]);
    await client.query("BEGIN");
    await client.query("SELECT set_config('app.tenant_id', '*', true)");
    const { rows } = await client.query("SELECT enabled, version FROM provider_configs WHERE tenant_id = $1", [direct]);
    await client.query("COMMIT");
    expect(rows).toEqual([{ enabled: true, version: 1 }]);
  });

  test("cannot read the migrations table or change the schema", async () => {
    await expect(client.query(`SELECT count(*) FROM "_prisma_migrations"`)).rejects.toThrow(/permission denied/);
    await expect(client.query("ALTER TABLE provider_configs DISABLE ROW LEVEL SECURITY")).rejects.toThrow(/must be owner/);
  });
});

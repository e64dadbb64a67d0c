// PostgreSQL through PgBouncer in transaction mode (SPEC.md §14, issue 14): two instances share one database
// through a real PgBouncer 1.18 (DATABASE_PGBOUNCER=true, migrations over DATABASE_DIRECT_URL). Each transaction
// may land on any server connection, so nothing may depend on session state: the tenant setting and the
// application role are taken inside every transaction, statements are unnamed, locks are transaction-scoped.
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { onlyTenants } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { SecretFields } from "../src/modules/catalog/secret-fields.js";
import { ProviderConfigRepository } from "../src/modules/provider-config/provider-config.repository.js";
import { hasPostgres, hasRedis, redisEnv, redisPrefix, startTestApp, type TestApp, tenant } from "./support/app.js";
import { hasPgBouncer, type PgBouncer, startPgBouncer } from "./support/pgbouncer.js";

const UPSERT = `mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id version } }`;
const READ = `query($t: String!) { providerConfigs(tenantId: $t) { providerName version configData } }`;

describe.skipIf(!hasPostgres() || !hasPgBouncer())("two instances through PgBouncer in transaction mode", () => {
  let bouncer: PgBouncer;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    bouncer = await startPgBouncer();
    const direct = inject("databaseUrl") as string;
    const env = {
      DATABASE_URL: bouncer.via(direct),
      DATABASE_DIRECT_URL: direct,
      DATABASE_PGBOUNCER: "true",
      DATABASE_POOL_MAX: "10",
      ...(hasRedis() ? redisEnv(redisPrefix("bouncer")) : {}),
    };
    [a, b] = await Promise.all([startTestApp({ env }), startTestApp({ env })]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await bouncer?.stop();
  });

  test("a write on one instance is read fresh on the other, every time", async () => {
    const tenantId = tenant("bouncer");
    for (let n = 1; n <= 20; n++) {
      const writer = n % 2 ? a : b;
      const reader = n % 2 ? b : a;
      const written = await writer.gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName: "openstreetmap", configData: { n } } });
      expect(written.errors).toBeUndefined();
      const read = await reader.gql(READ, { t: tenantId });
      expect(read.data?.providerConfigs).toEqual([{ providerName: "openstreetmap", version: n, configData: { n } }]);
    }
  });

  test("concurrent writers on both instances lose nothing and keep versions contiguous", async () => {
    const tenantId = tenant("bouncer-race");
    const writes = Array.from({ length: 30 }, (_, n) =>
      (n % 2 ? a : b).gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName: "openstreetmap", configData: { n } } }),
    );
    const results = await Promise.all(writes);
    for (const result of results) expect(result.errors).toBeUndefined();
    const versions = results.map((result) => result.data?.upsertProviderConfig.version as number).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    const history = await a.gql(`query($t: String!) { configHistory(tenantId: $t, limit: 100) { items { version } } }`, { t: tenantId });
    expect(history.data?.configHistory.items).toHaveLength(30);
  });

  test("row-level security holds: every transaction works as pcs_app and sees only its tenants", async () => {
    const mine = tenant("bouncer-mine");
    const theirs = tenant("bouncer-theirs");
    for (const tenantId of [mine, theirs]) {
      expect((await a.gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName: "openstreetmap" } })).errors).toBeUndefined();
    }
    const unitOfWork = new UnitOfWork(a.app.database.adapter, undefined, a.app.database.transactionRole);
    expect(a.app.database.transactionRole).toBe("pcs_app");
    // Many transactions, so that they land on different server connections.
    const seen = await Promise.all(
      Array.from({ length: 20 }, () =>
        unitOfWork.read(onlyTenants(mine), (db) =>
          db.query<{ user: string; tenants: string[] }>(
            Prisma.sql`SELECT current_user AS "user", array_agg(DISTINCT tenant_id) AS tenants FROM provider_configs WHERE tenant_id IN (${mine}, ${theirs})`,
          ),
        ),
      ),
    );
    for (const [row] of seen) expect(row).toEqual({ user: "pcs_app", tenants: [mine] });
  });

  test("the one-statement update takes the role itself: it cannot reach another tenant's config", async () => {
    const mine = tenant("bouncer-one-mine");
    const theirs = tenant("bouncer-one-theirs");
    for (const tenantId of [mine, theirs]) {
      expect((await a.gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName: "openstreetmap" } })).errors).toBeUndefined();
    }
    const unitOfWork = new UnitOfWork(a.app.database.adapter, undefined, a.app.database.transactionRole);
    const repository = new ProviderConfigRepository(new SecretFields([]));
    const change = { changes: { configData: { n: 1 } }, requiresApiKey: false };
    const audit = { changedBy: "bouncer-test", changeReason: null };
    // The login user bypasses row-level security: only the role taken inside the statement keeps tenants apart.
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        unitOfWork.autocommit((db) =>
          repository.updateInOneStatement(db, [
            {
              guard: unitOfWork.guard(onlyTenants(mine)),
              key: { tenantId: theirs, providerType: "MAP", providerName: "openstreetmap" },
              change,
              audit,
            },
          ]),
        ),
      ),
    );
    expect(results).toEqual(Array.from({ length: 10 }, () => [null]));
    const read = await b.gql(READ, { t: theirs });
    expect(read.data?.providerConfigs).toEqual([{ providerName: "openstreetmap", version: 1, configData: {} }]);
  });

  test("the change feed and the per-tenant config limit (transaction-scoped locks) work through the pooler", async () => {
    const tenantId = tenant("bouncer-feed");
    for (const name of ["openstreetmap", "mapbox"]) {
      expect((await b.gql(UPSERT, { i: { tenantId, providerType: "MAP", providerName: name } })).errors).toBeUndefined();
    }
    const feed = await a.gql(`query($t: String!) { configChanges(tenantId: $t) { items { change { providerName } } } }`, { t: tenantId });
    expect(feed.data?.configChanges.items.map((item: { change: { providerName: string } }) => item.change.providerName)).toEqual([
      "openstreetmap",
      "mapbox",
    ]);
  });
});

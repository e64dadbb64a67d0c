// A database that goes away gives SERVICE_UNAVAILABLE (never a crash, never a stack trace), /readyz turns 503,
// and the service recovers by itself when the database comes back (SPEC.md §1, §8, §13): whether the network
// drops or the server refuses new connections for a reason of its own.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectError } from "./support/errors.js";
import { adminUrl, createScratchDatabase, TEST_PG_URL } from "./support/postgres.js";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy.js";

describe.skipIf(!hasPostgres())("database outage", () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await createScratchDatabase("pcs_outage");
    drop = scratch.drop;
    const target = new URL(TEST_PG_URL);
    proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const url = new URL(scratch.url);
    url.host = `127.0.0.1:${proxy.port}`;
    t = await startTestApp({ env: { DATABASE_URL: url.toString() } });
  });

  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
    await drop?.();
  });

  test("requests fail with SERVICE_UNAVAILABLE while it is gone, and succeed again after", async () => {
    const tenantId = tenant();
    const write = () =>
      t.gql(
        `mutation($t: String!) { upsertProviderConfig(input: {tenantId: $t, providerType: WEATHER, providerName: "open_meteo", enabled: false}) { version } }`,
        {
          t: tenantId,
        },
      );
    expect((await write()).data?.upsertProviderConfig.version).toBe(1);

    await proxy.cut();
    for (const response of [
      await write(),
      await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { id } }`, { t: tenantId }),
      await t.gql(`query($t: String!) { configHistory(tenantId: $t) { items { version } } }`, { t: tenantId }),
    ]) {
      expect(codeOf(response)).toBe("SERVICE_UNAVAILABLE");
      expect(response.errors?.[0]?.message).toBe("The database is unavailable; try again shortly.");
    }
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: "down" });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);

    await proxy.restore();
    await expect.poll(async () => (await fetch(`${t.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    const after = await t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { version enabled } }`, { t: tenantId });
    expect(after.data?.providerConfigs).toEqual([{ version: 1, enabled: false }]);
    expect(t.logs.some((line) => line.level === 50)).toBe(false);
  });
});

describe.skipIf(!hasPostgres())("a database that does not accept connections", () => {
  let t: TestApp;
  let admin: pg.Client;
  let name: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const scratch = await createScratchDatabase("pcs_allowconn");
    drop = scratch.drop;
    name = new URL(scratch.url).pathname.slice(1);
    admin = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
    await admin.connect();
    t = await startTestApp({ env: { DATABASE_URL: scratch.url } });
  });

  afterAll(async () => {
    await admin?.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`).catch(() => {});
    await t?.stop();
    await admin?.end();
    await drop?.();
  });

  const allowConnections = async (allow: boolean) => {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${allow}`);
  };

  test("every request is SERVICE_UNAVAILABLE and /readyz 503 while connections are refused (SQLSTATE 55000); all works after", async () => {
    const tenantId = tenant();
    const write = (enabled: boolean) =>
      t.gql(
        `mutation($t: String!, $e: Boolean!) { upsertProviderConfig(input: {tenantId: $t, providerType: WEATHER, providerName: "open_meteo", enabled: $e}) { version } }`,
        { t: tenantId, e: enabled },
      );
    const read = () => t.gql(`query($t: String!) { providerConfigs(tenantId: $t) { version enabled } }`, { t: tenantId });
    expect((await write(false)).data?.upsertProviderConfig.version).toBe(1);

    await allowConnections(false);
    await admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name]);
    // The pool has dropped every terminated connection: the next statement needs a new one, which the server refuses.
    await expect.poll(() => t.app.database.poolStats()?.total, { timeout: 5_000 }).toBe(0);

    for (const response of [await write(true), await read()]) {
      expect(response.status).toBe(200);
      expectError(response, "SERVICE_UNAVAILABLE");
      expect(response.errors?.[0]?.message).toBe("The database is unavailable; try again shortly.");
    }
    // Logged as a warning with the server's reason (the client's message above names nothing).
    expect(t.logs).toContainEqual(
      expect.objectContaining({
        msg: "database unavailable",
        error: expect.objectContaining({
          cause: expect.objectContaining({ message: expect.stringContaining("not currently accepting connections") }),
        }),
      }),
    );
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ database: "down" });

    await allowConnections(true);
    await expect.poll(async () => (await fetch(`${t.url}/readyz`)).status, { timeout: 10_000 }).toBe(200);
    expect((await write(true)).data?.upsertProviderConfig.version).toBe(2);
    expect((await read()).data?.providerConfigs).toEqual([{ version: 2, enabled: true }]);
    expect(t.logs.some((line) => line.level === 50)).toBe(false);
  });
});

// A database that goes away gives SERVICE_UNAVAILABLE (never a crash, never a stack trace), /readyz turns 503,
// and the service recovers by itself when the database comes back (SPEC.md §1, §8).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { codeOf, hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { createScratchDatabase, TEST_PG_URL } from "./support/postgres.js";
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

// Data, history and credentials survive a restart: on PostgreSQL, and on embedded PGlite with the generated
// development key (SPEC.md §1, §7).
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;
const READ = `query($t: String!) {
  providerConfigs(tenantId: $t) { id providerName version priority apiKeyHint history { version changeType } }
  configHistory(tenantId: $t) { items { version changeType } } }`;

/** Writes a little history, restarts, and returns what was read before and after. */
async function writeRestartRead(start: () => Promise<TestApp>) {
  const tenantId = tenant();
  const first = await start();
  const created = await first.gql(UPSERT, {
    input: { tenantId, providerType: "PAYMENT", providerName: "moyasar", apiKey: "sk_live_restart_1234" },
  });
  const id = created.data?.upsertProviderConfig.id as string;
  await first.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: "moyasar", priority: "SECONDARY" } });
  await first.gql(UPSERT, { input: { tenantId, providerType: "SMS", providerName: "unifonic", enabled: false } });
  const before = await first.gql(READ, { t: tenantId });
  await first.stop();

  const second = await start();
  try {
    const after = await second.gql(READ, { t: tenantId });
    const credentials = await second.gql(`query($id: UUID!) { providerCredentials(configId: $id) { apiKey } }`, { id });
    return { before, after, credentials };
  } finally {
    await second.stop();
  }
}

describe.skipIf(!hasPostgres())("on PostgreSQL", () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(() => drop?.());

  test("configs, history and credentials survive", async () => {
    const scratch = await createScratchDatabase("pcs_restart");
    drop = scratch.drop;
    const { before, after, credentials } = await writeRestartRead(() => startTestApp({ env: { DATABASE_URL: scratch.url } }));
    expect(before.data?.providerConfigs).toHaveLength(2);
    expect(after.data).toEqual(before.data);
    expect(credentials.data?.providerCredentials.apiKey).toBe("sk_live_restart_1234");
  });
});

describe("on embedded PGlite with the development key", () => {
  let dataDir: string | undefined;
  afterAll(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));

  test("configs, history and credentials survive; the key file is created once, private", async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pcs-restart-"));
    const env = { DATA_DIR: dataDir, CONFIG_ENCRYPTION_KEYS: undefined };
    const { before, after, credentials } = await writeRestartRead(() => startTestApp({ database: "pglite", pgliteOnDisk: true, env }));
    expect(before.data?.providerConfigs).toHaveLength(2);
    expect(after.data).toEqual(before.data);
    expect(credentials.data?.providerCredentials.apiKey).toBe("sk_live_restart_1234");
    expect((await stat(join(dataDir, "encryption-key"))).mode & 0o777).toBe(0o600);
  });
});

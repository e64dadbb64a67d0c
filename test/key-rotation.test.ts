// Key rotation (SPEC.md §7, README "Key rotation"): credentials sealed under an old key, in configs and in history
// snapshots, are re-sealed under the new primary key in batches while the service runs. A run stopped after one
// batch resumes; a write racing a batch is not lost; a row a writer holds locked is skipped, not waited for; a
// value no key opens is reported and does not stop the rest; versions and history stay as they were; afterwards an
// instance with only the new key reads every credential and rolls back to old versions. Each backend gets a
// database of its own (rotation covers every tenant, so it must not touch other test files' rows).
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { parseKeyring } from "../src/infra/crypto/keyring.js";
import { SecretBox } from "../src/infra/crypto/secret-box.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { KeyRotationService, type RotationReport } from "../src/modules/provider-config/key-rotation.js";
import { type CredentialField, credentialContext } from "../src/modules/provider-config/provider-config.rules.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

const keySpec = (id: string, fill: number): string => `${id}:${Buffer.alloc(32, fill).toString("base64")}`;
const OLD = keySpec("old", 11);
const NEW = keySpec("new", 22);
/** A key no instance and no rotation is given: values sealed with it cannot be opened. */
const LOST = keySpec("lost", 33);

const FIELDS = ["apiKey", "apiSecret"] as const satisfies readonly CredentialField[];
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`;
const ROLLBACK = `mutation($id: UUID!, $v: Int!) { rollbackProviderConfig(configId: $id, version: $v) { id version } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { apiKey apiSecret } }`;

/** A plaintext no other test contains. */
const plain = (label: string): string => `${label}_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;

interface Store {
  start(keys: string): Promise<TestApp>;
  url?: string;
  drop(): Promise<void>;
}

async function openStore(kind: "postgresql" | "pglite"): Promise<Store> {
  if (kind === "postgresql") {
    const scratch = await createScratchDatabase("pcs_rotation");
    return {
      url: scratch.url,
      start: (keys) => startTestApp({ database: "postgresql", env: { DATABASE_URL: scratch.url, CONFIG_ENCRYPTION_KEYS: keys } }),
      drop: scratch.drop,
    };
  }
  // PGlite on disk, so that instances with other keys can open the same data one after the other.
  const dataDir = await mkdtemp(join(tmpdir(), "pcs-rotation-"));
  return {
    start: (keys) => startTestApp({ database: "pglite", pgliteOnDisk: true, env: { DATA_DIR: dataDir, CONFIG_ENCRYPTION_KEYS: keys } }),
    drop: () => rm(dataDir, { recursive: true, force: true }),
  };
}

const rotationOn = (t: TestApp, keys: string): KeyRotationService =>
  new KeyRotationService({
    unitOfWork: new UnitOfWork(t.app.database.adapter),
    sealer: new SecretBox(parseKeyring(keys)),
    logger: t.app.logger,
  });

interface ConfigRow {
  id: string;
  version: number;
  updatedAt: string;
  apiKeyHint: string | null;
  apiKey: string | null;
  apiSecret: string | null;
}

interface SnapshotRow {
  seq: string;
  configId: string;
  version: number;
  changeType: string;
  changedAt: string;
  apiKeyHint: string | null;
  apiKey: string | null;
  apiSecret: string | null;
}

interface Stored {
  configs: ConfigRow[];
  snapshots: SnapshotRow[];
}

async function stored(t: TestApp): Promise<Stored> {
  return t.asAllTenants(async (db) => ({
    configs: await db.query<ConfigRow>(Prisma.sql`SELECT id::text AS id, version, updated_at::text AS "updatedAt",
      api_key_hint AS "apiKeyHint", api_key AS "apiKey", api_secret AS "apiSecret" FROM provider_configs ORDER BY provider_configs.id`),
    snapshots: await db.query<SnapshotRow>(Prisma.sql`SELECT seq::text AS seq, config_id::text AS "configId", version,
      change_type::text AS "changeType", changed_at::text AS "changedAt", api_key_hint AS "apiKeyHint", api_key AS "apiKey",
      api_secret AS "apiSecret" FROM config_versions ORDER BY config_versions.seq`),
  }));
}

/** Every stored value opened with `keys`: `configs:<id>:<field>` / `snapshots:<seq>:<field>` → plaintext. */
function opened(state: Stored, keys: string): Map<string, string> {
  const box = new SecretBox(parseKeyring(keys));
  const result = new Map<string, string>();
  const add = (name: string, configId: string, row: ConfigRow | SnapshotRow) => {
    for (const field of FIELDS) {
      const value = row[field];
      if (value === null) continue;
      let plaintext: string;
      try {
        plaintext = box.open(value, credentialContext(configId, field));
      } catch {
        plaintext = `<unopenable ${value}>`;
      }
      result.set(`${name}:${field}`, plaintext);
    }
  };
  for (const row of state.configs) add(`configs:${row.id}`, row.id, row);
  for (const row of state.snapshots) add(`snapshots:${row.seq}`, row.configId, row);
  return result;
}

/** Everything but the sealed values: what rotation must leave alone. */
function unsealed(state: Stored) {
  return {
    configs: state.configs.map(({ apiKey, apiSecret, ...rest }) => rest),
    snapshots: state.snapshots.map(({ apiKey, apiSecret, ...rest }) => rest),
  };
}

const sealedValues = (state: Stored): string[] =>
  [...state.configs, ...state.snapshots].flatMap((row) => [row.apiKey, row.apiSecret]).filter((value) => value !== null);

const fullyUnder = (keyId: string, row: { apiKey: string | null; apiSecret: string | null }): boolean =>
  FIELDS.every((field) => row[field] === null || row[field]?.startsWith(`v1.${keyId}.`));

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  const tenantId = tenant("rotation");
  let store: Store;
  let current: TestApp | undefined;
  const ids: Record<string, string> = {};
  /** Plaintexts as written, per config name. */
  const written: Record<string, { apiKey?: string; apiSecret?: string; v1Key?: string; v1Secret?: string }> = {};
  /** State and plaintexts right after seeding, before any rotation. */
  let before: Stored;
  let plaintextsBefore: Map<string, string>;
  const raced = { id: "", apiKey: plain("sk_raced") };

  async function upsert(t: TestApp, name: string, input: Record<string, unknown>): Promise<{ id: string; version: number }> {
    const response = await t.gql(UPSERT, { input: { tenantId, providerType: "PAYMENT", providerName: name, ...input } });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data?.upsertProviderConfig;
  }

  async function credentials(t: TestApp, id: string): Promise<{ apiKey: string | null; apiSecret: string | null }> {
    const response = await t.gql(CREDENTIALS, { id });
    expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
    return response.data?.providerCredentials;
  }

  async function switchTo(keys: string): Promise<TestApp> {
    await current?.stop();
    current = await store.start(keys);
    return current;
  }

  beforeAll(async () => {
    if (skip) return;
    store = await openStore(database);
    const t = await switchTo(OLD);
    // Several versions each: history snapshots hold old keys and secrets too.
    for (const name of ["rot-a", "rot-b", "rot-e", "rot-f", "rot-g"]) {
      const apiKey = plain(`sk_${name}`);
      const apiSecret = plain(`whsec_${name}`);
      ids[name] = (await upsert(t, name, { apiKey, apiSecret })).id;
      written[name] = { apiKey, apiSecret, v1Key: apiKey, v1Secret: apiSecret };
    }
    written["rot-a"] = { ...written["rot-a"], apiKey: plain("sk_rot-a2") };
    await upsert(t, "rot-a", { apiKey: written["rot-a"].apiKey });
    await upsert(t, "rot-a", { priority: "SECONDARY" });
    await upsert(t, "rot-b", { apiSecret: null });
    await upsert(t, "rot-e", { configData: { region: "ye" } });
    // A deleted config: only its history holds its key.
    written["rot-c"] = { v1Key: plain("sk_rot-c") };
    ids["rot-c"] = (await upsert(t, "rot-c", { apiKey: written["rot-c"].v1Key })).id;
    expect((await t.gql(DELETE, { id: ids["rot-c"] })).errors).toBeUndefined();
    // No credentials at all: nothing to rotate.
    ids["rot-d"] = (await upsert(t, "rot-d", { configData: { plain: true } })).id;
    // Values sealed under a key nobody has any more (the current secret of rot-e, and the key of its version 1).
    const lost = new SecretBox(parseKeyring(LOST));
    await t.asAllTenants(async (db) => {
      await db.query(Prisma.sql`UPDATE provider_configs SET api_secret = ${lost.seal("gone", credentialContext(ids["rot-e"] as string, "apiSecret"))}
        WHERE id = ${ids["rot-e"]}::uuid`);
      await db.query(Prisma.sql`UPDATE config_versions SET api_key = ${lost.seal("gone", credentialContext(ids["rot-e"] as string, "apiKey"))}
        WHERE config_id = ${ids["rot-e"]}::uuid AND version = 1`);
    });
    before = await stored(t);
    plaintextsBefore = opened(before, OLD);
    expect(sealedValues(before).every((value) => value.startsWith("v1.old.") || value.startsWith("v1.lost."))).toBe(true);
    expect(before.snapshots).toHaveLength(12);
    // The service restarts with the new key first and the old one still listed; rotation runs while it serves.
    await switchTo(`${NEW},${OLD}`);
  }, 120_000);

  afterAll(async () => {
    await current?.stop();
    await store?.drop();
  });

  test.skipIf(skip)("a run stopped after one batch re-seals that batch only, and changes nothing else", async () => {
    const t = current as TestApp;
    const report = await rotationOn(t, `${NEW},${OLD}`).rotate({ batchSize: 2, maxBatches: 1 });
    expect(report.configs.rotated + report.configs.failed).toBe(2);
    expect(report.snapshots).toEqual({ rotated: 0, failed: 0, skipped: 0 });
    const after = await stored(t);
    expect(after.configs.filter((row) => fullyUnder("new", row))).toHaveLength(report.configs.rotated + 1); // rot-d: nothing sealed
    expect(after.snapshots.every((row) => !row.apiKey?.startsWith("v1.new.") && !row.apiSecret?.startsWith("v1.new."))).toBe(true);
    // Five configs and eleven snapshots held old-key values (rot-c is deleted; rot-d has none).
    expect(report.remaining).toBe(5 - report.configs.rotated + 11);
    expect(unsealed(after)).toEqual(unsealed(before));
    expect(opened(after, `${NEW},${OLD}`)).toEqual(plaintextsBefore);
    const batches = t.logs.filter((line) => line.msg === "key rotation batch");
    expect(batches).toEqual([expect.objectContaining({ table: "configs", batch: 1, rows: 2 })]);
  });

  test.skipIf(skip)(
    "the next run resumes; a write racing a batch is kept; a row a writer holds locked is skipped, not waited for",
    async () => {
      const t = current as TestApp;
      const pending = (await stored(t)).configs.filter((row) => !fullyUnder("new", row) && row.id !== ids["rot-e"]).map((row) => row.id);
      expect(pending.length).toBeGreaterThanOrEqual(2);
      // On PostgreSQL, another session holds one pending config locked for the whole run.
      let locker: pg.Client | undefined;
      const locked = database === "postgresql" ? pending[0] : undefined;
      if (locked) {
        locker = new pg.Client({ connectionString: store.url });
        await locker.connect();
        await locker.query("BEGIN");
        await locker.query("SELECT id FROM provider_configs WHERE id = $1 FOR UPDATE", [locked]);
      }
      let report: RotationReport;
      try {
        report = await rotationOn(t, `${NEW},${OLD}`).rotate({
          batchSize: 2,
          // Between reading a batch and writing it back, the running service stores a new key for one of its configs.
          beforeWrite: async (table, configIds) => {
            const target = configIds.find((id) => id !== locked && id !== ids["rot-e"]);
            if (table !== "configs" || raced.id !== "" || !target) return;
            raced.id = target;
            const name = Object.keys(ids).find((name) => ids[name] === target) as string;
            await upsert(t, name, { apiKey: raced.apiKey });
            written[name] = { ...written[name], apiKey: raced.apiKey };
          },
        });
        if (locked) {
          // The run ended while the lock was still held: the row was skipped, and is still under the old key.
          expect(report.configs.skipped).toBe(1);
          const row = (await stored(t)).configs.find((config) => config.id === locked);
          expect(row?.apiKey?.startsWith("v1.old.")).toBe(true);
        } else expect(report.configs.skipped).toBe(0);
      } finally {
        await locker?.query("ROLLBACK");
        await locker?.end();
      }
      expect(raced.id).not.toBe("");
      // Eleven snapshots, less rot-e's version 1 (its key is lost), plus the racing write's own snapshot, which
      // kept the config's secret as stored (under the old key) unless the config has none.
      expect(report.snapshots.rotated).toBe(raced.id === ids["rot-b"] ? 10 : 11);
      expect(report.snapshots.skipped).toBe(0);
      // The racing write's key is the one stored, sealed under the new key; the rest of its row was re-sealed too.
      expect(await credentials(t, raced.id)).toMatchObject({ apiKey: raced.apiKey });
      const racedRow = (await stored(t)).configs.find((row) => row.id === raced.id) as ConfigRow;
      expect(fullyUnder("new", racedRow)).toBe(true);
      expect(racedRow.version).toBe((before.configs.find((row) => row.id === raced.id)?.version ?? 0) + 1);
    },
  );

  test.skipIf(skip)("a last run finishes; only the values no key opens are left, reported by config and field", async () => {
    const t = current as TestApp;
    const report = await rotationOn(t, `${NEW},${OLD}`).rotate();
    expect(report.configs).toEqual({ rotated: database === "postgresql" ? 1 : 0, failed: 1, skipped: 0 });
    expect(report.snapshots).toEqual({ rotated: 0, failed: 1, skipped: 0 });
    expect(report.failures).toEqual([
      { table: "configs", configId: ids["rot-e"], field: "apiSecret", reason: expect.stringContaining("'lost'") },
      { table: "snapshots", configId: ids["rot-e"], version: 1, field: "apiKey", reason: expect.stringContaining("'lost'") },
    ]);
    expect(report.remaining).toBe(2);
    expect(await rotationOn(t, `${NEW},${OLD}`).countRemaining()).toMatchObject({ configs: 1, snapshots: 1, remaining: 2 });

    const after = await stored(t);
    expect(sealedValues(after).filter((value) => !value.startsWith("v1.new."))).toEqual([
      before.configs.find((row) => row.id === ids["rot-e"])?.apiSecret,
      before.snapshots.find((row) => row.configId === ids["rot-e"] && row.version === 1)?.apiKey,
    ]);
    // Same plaintexts everywhere, now opened with the new key alone; the racing write added its one version.
    const racedSnapshot = after.snapshots.at(-1) as SnapshotRow;
    expect(racedSnapshot).toMatchObject({ configId: raced.id, changeType: "UPDATED" });
    const expected = new Map(plaintextsBefore);
    expected.set(`configs:${raced.id}:apiKey`, raced.apiKey);
    expected.set(`snapshots:${racedSnapshot.seq}:apiKey`, raced.apiKey);
    if (racedSnapshot.apiSecret !== null) {
      expected.set(`snapshots:${racedSnapshot.seq}:apiSecret`, expected.get(`configs:${raced.id}:apiSecret`) as string);
    }
    expect(opened(after, NEW)).toEqual(expected);
    // No version, no history entry, no timestamp from the rotation itself.
    const untouched = unsealed(before);
    const racedIndex = untouched.configs.findIndex((row) => row.id === raced.id);
    const racedNow = unsealed(after).configs[racedIndex];
    expect(unsealed(after)).toEqual({
      configs: untouched.configs.map((row, i) => (i === racedIndex ? racedNow : row)),
      snapshots: [...untouched.snapshots, unsealed({ configs: [], snapshots: [racedSnapshot] }).snapshots[0]],
    });
    // Progress and failures are logged with counts and ids only.
    const logged = JSON.stringify(t.logs);
    for (const value of [...sealedValues(before), ...sealedValues(after), ...expected.values()]) {
      if (!value.startsWith("<unopenable")) expect(logged).not.toContain(value);
    }
    expect(t.logs.filter((line) => String(line.msg).startsWith("key rotation: a stored credential cannot be opened"))).toContainEqual(
      expect.objectContaining({ table: "configs", configId: ids["rot-e"], field: "apiSecret" }),
    );
  });

  test.skipIf(skip)("with only the new key, every credential reads and rollbacks restore old keys and secrets", async () => {
    const t = await switchTo(NEW);
    for (const name of ["rot-a", "rot-b", "rot-f", "rot-g"]) {
      const expected = written[name] as { apiKey: string; apiSecret: string };
      expect(await credentials(t, ids[name] as string)).toEqual({
        apiKey: expected.apiKey,
        apiSecret: name === "rot-b" ? null : expected.apiSecret,
      });
    }
    // Back to version 1 of rot-a (first key) and rot-b (secret removed since), and the deleted rot-c.
    for (const name of ["rot-a", "rot-b", "rot-c"]) {
      const response = await t.gql(ROLLBACK, { id: ids[name], v: 1 });
      expect(response.errors, JSON.stringify(response.errors)).toBeUndefined();
      expect(await credentials(t, ids[name] as string)).toEqual({
        apiKey: written[name]?.v1Key,
        apiSecret: written[name]?.v1Secret ?? null,
      });
    }
    const history = await t.gql(`query($t: String!) { configHistory(tenantId: $t, limit: 100) { items { configId version } } }`, {
      t: tenantId,
    });
    const versionsOfA = history.data?.configHistory.items
      .filter((item: { configId: string }) => item.configId === ids["rot-a"])
      .map((item: { version: number }) => item.version);
    expect(versionsOfA).toEqual(raced.id === ids["rot-a"] ? [5, 4, 3, 2, 1] : [4, 3, 2, 1]);
    const rotation = rotationOn(t, NEW);
    expect(await rotation.countRemaining()).toMatchObject({ remaining: 2, valuesByKeyId: { lost: 2, new: expect.any(Number) } });
  });
});

interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCommand(script: string, args: string[], env: Record<string, string>): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? "", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!hasPostgres())("the built command (node dist/scripts/rotate-keys.js) on PostgreSQL", () => {
  const script = join(import.meta.dirname, "..", "dist", "scripts", "rotate-keys.js");
  let drop: (() => Promise<void>) | undefined;
  afterAll(() => drop?.());

  test("--dry-run counts what is left under old keys; a run rotates it; then nothing is left", { timeout: 180_000 }, async () => {
    // CI builds before testing; build here only when the command was never built.
    if (!existsSync(script)) await promisify(execFile)("npm", ["run", "build"], { cwd: join(import.meta.dirname, "..") });
    const scratch = await createScratchDatabase("pcs_rotate_cli");
    drop = scratch.drop;
    const tenantId = tenant("rotate-cli");
    const apiKey = plain("sk_cli");
    const apiSecret = plain("whsec_cli");
    const t = await startTestApp({ database: "postgresql", env: { DATABASE_URL: scratch.url, CONFIG_ENCRYPTION_KEYS: OLD } });
    try {
      const input = { tenantId, providerType: "SMS", providerName: "rot-cli", apiKey, apiSecret };
      expect((await t.gql(UPSERT, { input })).errors).toBeUndefined();
      expect((await t.gql(UPSERT, { input: { ...input, priority: "SECONDARY" } })).errors).toBeUndefined();
    } finally {
      await t.stop();
    }
    const env = { DATABASE_URL: scratch.url, CONFIG_ENCRYPTION_KEYS: `${NEW},${OLD}`, LOG_LEVEL: "info" };

    const dryRun = await runCommand(script, ["--dry-run"], env);
    expect(dryRun.code, dryRun.stderr).toBe(2);
    expect(JSON.parse(dryRun.stdout)).toEqual({
      dryRun: true,
      primaryKeyId: "new",
      configs: 1,
      snapshots: 2,
      remaining: 3,
      valuesByKeyId: { old: 6 },
    });

    const run = await runCommand(script, ["--batch-size", "1"], env);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      primaryKeyId: "new",
      configs: { rotated: 1, failed: 0, skipped: 0 },
      snapshots: { rotated: 2, failed: 0, skipped: 0 },
      failures: [],
      remaining: 0,
    });
    const batchLines = run.stderr
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.msg === "key rotation batch");
    expect(batchLines).toHaveLength(3);
    for (const output of [dryRun.stdout, dryRun.stderr, run.stdout, run.stderr]) {
      expect(output).not.toContain(apiKey);
      expect(output).not.toContain(apiSecret);
    }

    const verify = await runCommand(script, ["--dry-run"], { ...env, CONFIG_ENCRYPTION_KEYS: NEW });
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ remaining: 0, valuesByKeyId: { new: 6 } });

    const bad = await runCommand(script, ["--batch-size", "0"], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("--batch-size");
  });
});

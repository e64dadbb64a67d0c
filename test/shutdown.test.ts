// Graceful shutdown (SPEC.md §1; main.ts): stop() lets in-flight requests finish, refuses new connections, and closes
// the PostgreSQL pool, PGlite and Redis; the built server exits 0 on SIGTERM and says "stopped".
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, describe, expect, inject, test } from "vitest";
import { REDIS_CONNECTION_NAME } from "../src/infra/cache/redis.js";
import { clonePGliteTemplate, hasPostgres, startTestApp, TEST_ENCRYPTION_KEYS, type TestApp, tenant } from "./support/app.js";
import { adminUrl, createScratchDatabase, TEST_PG_URL } from "./support/postgres.js";

const APPLICATION_NAME = "provider-config-service";
const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version enabled } }`;
const redisUrl = inject("redisUrl");

/** Resolves with the error code of a TCP connection attempt ("connected" when it succeeds). */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** Tracks whether a promise has settled, without awaiting it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  return { promise, settled: () => settled };
}

/** Names of the Redis clients this test process opened through the service. */
async function ourRedisClients(): Promise<string[]> {
  const admin = new Redis(redisUrl as string, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await admin.connect();
    const list = (await admin.client("LIST")) as string;
    const ours = `${REDIS_CONNECTION_NAME}:${process.pid}`;
    return list.split("\n").filter((line) => line.includes(` name=${ours} `));
  } finally {
    admin.disconnect();
  }
}

describe.skipIf(!hasPostgres())("stop() on PostgreSQL (and Redis when there is one)", () => {
  let drop: (() => Promise<void>) | undefined;
  let t: TestApp | undefined;
  let locker: pg.Client | undefined;
  let admin: pg.Client | undefined;
  afterAll(async () => {
    await locker?.end().catch(() => {});
    await admin?.end().catch(() => {});
    await t?.stop();
    await drop?.();
  });

  test("an in-flight write finishes, new connections are refused, the pool and Redis are closed", async () => {
    const scratch = await createScratchDatabase("pcs_shutdown");
    drop = scratch.drop;
    const database = new URL(scratch.url).pathname.slice(1);
    t = await startTestApp({ env: { DATABASE_URL: scratch.url, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) } });
    const app = t;
    admin = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
    await admin.connect();
    const appConnections = async (where = "") =>
      Number(
        (
          await (admin as pg.Client).query(
            `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 ${where}`,
            [database, APPLICATION_NAME],
          )
        ).rows[0].n,
      );

    const input = { tenantId: tenant("stop"), providerType: "WEATHER", providerName: "open_meteo", enabled: false };
    const created = await app.gql(UPSERT, { input });
    expect(created.data?.upsertProviderConfig.version).toBe(1);
    expect(await appConnections()).toBeGreaterThan(0);
    if (redisUrl) await expect.poll(async () => (await ourRedisClients()).length, { timeout: 5000 }).toBeGreaterThan(0);

    // Hold the config's row lock from outside, so that the next write waits for it.
    locker = new pg.Client({ connectionString: scratch.url });
    await locker.connect();
    await locker.query("BEGIN");
    await locker.query("SELECT id FROM provider_configs WHERE id = $1 FOR UPDATE", [created.data?.upsertProviderConfig.id]);
    const slow = track(app.gql(UPSERT, { input: { ...input, enabled: true } }));
    await expect.poll(() => appConnections("AND wait_event_type = 'Lock'"), { timeout: 5000 }).toBe(1);

    const stopping = track(app.stop());
    await expect.poll(() => tryConnect(app.url), { timeout: 5000 }).toBe("ECONNREFUSED");
    await sleep(300);
    expect(slow.settled()).toBe(false);
    expect(stopping.settled()).toBe(false);

    await locker.query("COMMIT");
    const response = await slow.promise;
    expect(response.errors).toBeUndefined();
    expect(response.data?.upsertProviderConfig).toMatchObject({ version: 2, enabled: true });
    await stopping.promise;

    // A backend leaves pg_stat_activity a moment after its client disconnects.
    await expect.poll(() => appConnections(), { timeout: 5000 }).toBe(0);
    if (redisUrl) expect(await ourRedisClients()).toEqual([]);
  });
});

describe("stop() on PGlite", () => {
  test("closes the embedded database and the listener", async () => {
    const pglite = await clonePGliteTemplate();
    const t = await startTestApp({ database: "pglite", pglite });
    expect((await t.gql(`{ __typename }`)).data).toEqual({ __typename: "Query" });
    await t.stop();
    expect(pglite.closed).toBe(true);
    expect(await tryConnect(t.url)).toBe("ECONNREFUSED");
  });
});

describe("the built server (node dist/main.js, PGlite on disk)", () => {
  const main = join(import.meta.dirname, "..", "dist", "main.js");
  let dataDir: string | undefined;
  afterAll(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));

  test("exits 0 on SIGTERM, promptly, after logging stopped", { timeout: 180_000 }, async () => {
    // CI builds before testing (npm run schema:check); build here only when nothing was built.
    if (!existsSync(main)) await promisify(execFile)("npm", ["run", "build"], { cwd: join(import.meta.dirname, "..") });
    dataDir = await mkdtemp(join(tmpdir(), "pcs-shutdown-"));
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dataDir,
        CONFIG_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
        LOG_LEVEL: "info",
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = "";
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const complete = pending.split("\n");
      pending = complete.pop() ?? "";
      for (const line of complete) if (line.trim()) lines.push(JSON.parse(line));
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("exit", (code, signal) => resolve({ code, signal })),
    );

    try {
      await expect
        .poll(
          () => lines.find((line) => line.msg === "provider config service listening") ?? (child.exitCode !== null ? stderr : undefined),
          {
            timeout: 120_000,
            interval: 100,
          },
        )
        .toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/) });
      const url = String(lines.find((line) => line.msg === "provider config service listening")?.url);
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: "{ __typename }" }),
      });
      expect(response.status).toBe(200);

      const signalledAt = Date.now();
      child.kill("SIGTERM");
      // main.ts's fallback timer ends a process that does not exit by itself after 15 s; a clean stop is much faster.
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalledAt).toBeLessThan(10_000);
      expect(lines.map((line) => line.msg)).toEqual(expect.arrayContaining(["shutting down: draining in-flight requests", "stopped"]));
      expect(lines.filter((line) => Number(line.level) >= 50)).toEqual([]);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});

// Shared by the benchmarks (run.mjs, hostile.mjs): a fresh database, the built service as a child process, a
// GraphQL call, the seed, and one autocannon measurement.
import { execFileSync, fork, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Redis } from "ioredis";
import pg from "pg";

export const root = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const DASHBOARD = `query Dashboard($t: String!) { tenantConfig(tenantId: $t) { isDefault mapProviders { providerName priority enabled } weatherProviders { providerName priority enabled } paymentProviders { providerName enabled } }
  providerConfigs(tenantId: $t) { id providerType providerName priority enabled version apiKeyHint } }`;
export const UPSERT = `mutation Write($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;

/** The measurement settings every comparing bench shares: BENCH_SECONDS, BENCH_ROUNDS, BENCH_CONNECTIONS. */
export const settings = {
  seconds: Number(process.env.BENCH_SECONDS ?? 5),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  connections: Number(process.env.BENCH_CONNECTIONS ?? 32),
};

/** A fresh database and data directory, the service's environment for them, and `cleanup` to drop both. */
export async function benchEnvironment() {
  const dbName = `pcs_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
  const dataDir = await mkdtemp(join(tmpdir(), "pcs-bench-"));
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: `pcs-bench-${randomBytes(3).toString("hex")}:`,
    CONFIG_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString("base64")}`,
    DATA_DIR: dataDir,
  };
  async function cleanup() {
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
  return { env, cleanup };
}

/** Forks a script that sends `{ port }` once it listens. */
export function start(script, env) {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (message) => resolve({ child, port: message.port }));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/** The built service (dist/main.js, or another build's `main`) as a child process, once /readyz answers. */
export async function startService(env, main = join(root, "dist/main.js")) {
  const { port } = await freePort();
  const child = fork(main, [], {
    cwd: root,
    // LOG_LEVEL warn unless `env` says otherwise (bench/cached-hit.mjs measures the default, info).
    env: { ...process.env, LOG_LEVEL: "warn", ...env, PORT: String(port), HOST: "127.0.0.1" },
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return { child, url };
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("service did not become ready");
}

/**
 * BENCH_BASELINE's build (another build's dist/main.js) as a second service on the same database and Redis, or
 * undefined when it is not set. Should it not start, `children` are stopped and `cleanup` runs before the error is
 * thrown, so that no service is left running.
 */
export async function startBaseline(env, children, cleanup) {
  if (!process.env.BENCH_BASELINE) return undefined;
  try {
    const baseline = await startService(env, process.env.BENCH_BASELINE);
    children.push(baseline.child);
    return baseline;
  } catch (error) {
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
    throw error;
  }
}

export async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve({ port }));
    });
  });
}

export async function gql(url, query, variables, headers = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const json = JSON.parse(text);
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return { json, text };
}

/** `tenants` tenants bench-0 … with three configs each; returns the id of each tenant's first config. */
export async function seed(url, tenants) {
  const ids = [];
  for (let i = 0; i < tenants; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, tenants - i) }, async (_, j) => {
        const tenantId = `bench-${i + j}`;
        const { json } = await gql(
          url,
          `mutation($t: String!) { upsertProviderConfigs(tenantId: $t, configs: [
            {providerType: MAP, providerName: "openstreetmap"}, {providerType: WEATHER, providerName: "open_meteo"},
            {providerType: PAYMENT, providerName: "stripe", apiKey: "sk_test_bench_key_000000", configData: {currency: "USD"}}]) { id } }`,
          { t: tenantId },
        );
        ids.push(json.data.upsertProviderConfigs[0].id);
      }),
    );
  }
  return ids;
}

/** The middle item of `items` ordered by `key` (numbers by themselves): the reported round of alternating runs. */
export const medianBy = (items, key = (item) => item) => [...items].sort((a, b) => key(a) - key(b))[Math.floor(items.length / 2)];

/** One autocannon run against POST /graphql. */
export function measure(url, requests, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/graphql`, connections, duration, requests }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export const post = (body) => ({
  method: "POST",
  path: "/graphql",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

export const fmt = (n) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });

const CLOCK_TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (fields 14 and 15). */
export async function cpuSeconds(pid) {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may hold spaces: count from the ")" that closes it.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/**
 * Runs `run` (an autocannon measurement) and returns its result with the CPU milliseconds each named process spent
 * per request answered meanwhile: `{ result, cpu: { [name]: ms } }`.
 */
export async function withCpuPerRequest(pids, run) {
  const before = await Promise.all(Object.values(pids).map(cpuSeconds));
  const result = await run();
  const after = await Promise.all(Object.values(pids).map(cpuSeconds));
  const requests = Math.max(1, result.requests.total);
  const cpu = Object.fromEntries(Object.keys(pids).map((name, i) => [name, ((after[i] - before[i]) * 1000) / requests]));
  return { result, cpu };
}

/** utime + stime of a process, in ms; 0 once it is gone. */
const cpuMs = async (pid) => (await cpuSeconds(pid).catch(() => 0)) * 1000;

/**
 * CPU ms used while `run` ran by the service process and by the PostgreSQL backends connected to `database` (read
 * through `admin`, a pg client; its own backend is not counted): `{ result, serviceMs, dbMs }`.
 */
export async function withServiceAndDatabaseCpu(admin, database, servicePid, run) {
  const backends = async () =>
    (await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [database])).rows.map(
      (r) => r.pid,
    );
  const sum = async (pids) => (await Promise.all(pids.map(cpuMs))).reduce((a, b) => a + b, 0);
  const before = await backends();
  const dbBefore = new Map(await Promise.all(before.map(async (pid) => [pid, await cpuMs(pid)])));
  const serviceBefore = await cpuMs(servicePid);
  const result = await run();
  const serviceMs = (await cpuMs(servicePid)) - serviceBefore;
  // Backends opened during the run count from zero.
  const after = await backends();
  const dbMs = (await sum(after)) - after.reduce((total, pid) => total + (dbBefore.get(pid) ?? 0), 0);
  return { result, serviceMs, dbMs };
}

/** The pid of the redis-server behind `url`, as it reports it (INFO server). */
export async function redisPid(url) {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await client.connect();
    return Number(/process_id:(\d+)/.exec(await client.info("server"))?.[1]);
  } finally {
    client.disconnect();
  }
}

/** A redis-server of the bench's own on a free port (no persistence), so that its CPU is the bench's alone. */
export async function startPrivateRedis() {
  const { port } = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      return { child, url, pid: await redisPid(url) };
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

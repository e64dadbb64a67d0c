// Shared by the benchmarks (run.mjs, hostile.mjs): a fresh database, the built service as a child process, a
// GraphQL call, the seed, and one autocannon measurement.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

export const root = fileURLToPath(new URL("..", import.meta.url));
const serverUrl = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

export const DASHBOARD = `query Dashboard($t: String!) { tenantConfig(tenantId: $t) { isDefault mapProviders { providerName priority enabled } weatherProviders { providerName priority enabled } paymentProviders { providerName enabled } }
  providerConfigs(tenantId: $t) { id providerType providerName priority enabled version apiKeyHint } }`;
export const UPSERT = `mutation Write($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;

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

/** The built service (dist/main.js) as a child process, once /readyz answers. */
export async function startService(env) {
  const { port } = await freePort();
  const child = fork(join(root, "dist/main.js"), [], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" },
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

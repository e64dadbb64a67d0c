// npm run bench: measures the service against a bare node:http server returning the same bytes, in one run,
// on loopback, bounded in time. Needs a built service (npm run build), PostgreSQL, and Redis when REDIS_URL or
// the default 127.0.0.1:6379 answers. Prints a markdown table of req/s, p50, p99 and the ratio to the ceiling.
//   BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 32).
// The service and its ceiling are measured alternately, BENCH_ROUNDS times each after a short warm-up, and the
// median round of each is reported: on a small machine one measurement alone swings by tens of percent.
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import pg from "pg";

const root = fileURLToPath(new URL("..", import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const serverUrl = process.env.BENCH_DATABASE_SERVER ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const TENANTS = 1000;

function start(script, env) {
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { cwd: root, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    child.once("message", (message) => resolve({ child, port: message.port }));
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

async function startService(env) {
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

async function freePort() {
  const { createServer } = await import("node:net");
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve({ port }));
    });
  });
}

async function gql(url, query, variables) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const json = JSON.parse(text);
  if (json.errors) throw new Error(JSON.stringify(json.errors));
  return { json, text };
}

function measure(url, requests, conns = connections, duration = seconds) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/graphql`, connections: conns, duration, requests }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

const median = (results) => [...results].sort((a, b) => a.requests.average - b.requests.average)[Math.floor(results.length / 2)];

/** Alternates the two targets `rounds` times after a warm-up of each; returns the median round of each. */
async function compare(ours, ceiling, requests) {
  await measure(ours, requests, connections, 1);
  await measure(ceiling, requests, connections, 1);
  const a = [];
  const b = [];
  for (let round = 0; round < rounds; round++) {
    a.push(await measure(ours, requests));
    b.push(await measure(ceiling, requests));
  }
  return { ours: median(a), ceiling: median(b), errors: a.reduce((sum, r) => sum + r.errors + r.non2xx + r.timeouts, 0) };
}

const post = (body) => ({ method: "POST", path: "/graphql", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const DASHBOARD = `query Dashboard($t: String!) { tenantConfig(tenantId: $t) { isDefault mapProviders { providerName priority enabled } weatherProviders { providerName priority enabled } paymentProviders { providerName enabled } }
  providerConfigs(tenantId: $t) { id providerType providerName priority enabled version apiKeyHint } }`;
const BY_ID = `query One($id: UUID!) { providerConfig(id: $id) { id providerName priority enabled version configData } }`;
const UPSERT = `mutation Write($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version } }`;
const MANY = `query Many { ${Array.from({ length: 30 }, (_, i) => `t${i}: providerConfigs(tenantId: "bench-${i}") { providerName priority enabled version }`).join(" ")} }`;

async function main() {
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
  const service = await startService(env);
  const children = [service.child];
  try {
    // Seed: TENANTS tenants with three configs each.
    const ids = [];
    for (let i = 0; i < TENANTS; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, async (_, j) => {
          const tenantId = `bench-${i + j}`;
          const { json } = await gql(
            service.url,
            `mutation($t: String!) { upsertProviderConfigs(tenantId: $t, configs: [
            {providerType: MAP, providerName: "openstreetmap"}, {providerType: WEATHER, providerName: "open_meteo"},
            {providerType: PAYMENT, providerName: "stripe", apiKey: "sk_test_bench_key_000000", configData: {currency: "USD"}}]) { id } }`,
            { t: tenantId },
          );
          ids.push(json.data.upsertProviderConfigs[0].id);
        }),
      );
    }

    const scenarios = [
      { name: "cached read (dashboard query, whole-response cache hit)", body: { query: DASHBOARD, variables: { t: "bench-7" } } },
      {
        name: "uncached read (providerConfig by id, database every time)",
        rotate: (n) => ({ query: BY_ID, variables: { id: ids[n % ids.length] } }),
      },
      {
        name: "write (upsert + snapshot + invalidation)",
        rotate: (n) => ({
          query: UPSERT,
          variables: {
            input: { tenantId: `bench-${n % TENANTS}`, providerType: "WEATHER", providerName: "open_meteo", configData: { n } },
          },
        }),
      },
      { name: "30-tenant aliased query (cached)", body: { query: MANY } },
    ];
    const rows = [];
    for (const scenario of scenarios) {
      const sample = scenario.body ?? scenario.rotate(0);
      const { text } = await gql(service.url, sample.query, sample.variables);
      const bare = await start(join(root, "bench/bare-server.mjs"), { BARE_BODY: text });
      children.push(bare.child);
      let counter = 1;
      const requests = scenario.rotate
        ? [{ setupRequest: (request) => ({ ...request, ...post(scenario.rotate(counter++)) }) }]
        : [post(scenario.body)];
      const { ours, ceiling, errors } = await compare(service.url, `http://127.0.0.1:${bare.port}`, requests);
      bare.child.kill("SIGTERM");
      rows.push({ name: scenario.name, ours, ceiling, errors });
    }
    const wide = await measure(service.url, [post(scenarios[0].body)], 256);

    const fmt = (n) => n.toLocaleString("en-US", { maximumFractionDigits: 0 });
    const lines = [
      `Run ${new Date().toISOString()} · median of ${rounds} alternating ${seconds} s measurements · ${connections} connections · autocannon on loopback · PostgreSQL + Redis · node ${process.version}`,
      "",
      "| scenario | req/s | p50 ms | p99 ms | errors | bare node req/s | ratio |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map(
        ({ name, ours, ceiling, errors }) =>
          `| ${name} | ${fmt(ours.requests.average)} | ${ours.latency.p50} | ${ours.latency.p99} | ${errors} | ${fmt(ceiling.requests.average)} | ${((100 * ours.requests.average) / ceiling.requests.average).toFixed(1)} % |`,
      ),
      "",
      `256 connections, cached read: ${fmt(wide.requests.average)} req/s, p99 ${wide.latency.p99} ms, ${wide.errors + wide.non2xx + wide.timeouts} failed of ${fmt(wide.requests.total)}.`,
    ];
    console.log(lines.join("\n"));
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    await rm(dataDir, { recursive: true, force: true });
  }
}

await main();

// npm run bench: measures the service against a bare node:http server returning the same bytes, in one run,
// on loopback, bounded in time. Needs a built service (npm run build), PostgreSQL, and Redis when REDIS_URL or
// the default 127.0.0.1:6379 answers. Prints a markdown table of req/s, p50, p99 and the ratio to the ceiling.
//   BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 32),
//   BENCH_ONLY (e.g. "write") to run only the scenarios whose name starts with it, BENCH_BASELINE (another build's
//   dist/main.js, e.g. of the previous commit: a second instance on the same database and Redis, measured in turn).
// CPU per request is reported for the service process and for the PostgreSQL backends of the bench database.
// The service and its ceiling are measured alternately, BENCH_ROUNDS times each after a short warm-up, and the
// median round of each is reported: on a small machine one measurement alone swings by tens of percent.
import { join } from "node:path";
import pg from "pg";
import {
  benchEnvironment,
  DASHBOARD,
  fmt,
  gql,
  measure as measureOnce,
  medianBy,
  post,
  root,
  seed,
  settings,
  start,
  startBaseline,
  startService,
  UPSERT,
  withServiceAndDatabaseCpu,
} from "./support.mjs";

const { seconds, rounds, connections } = settings;
const TENANTS = 1000;

const measure = (url, requests, conns = connections, duration = seconds) => measureOnce(url, requests, conns, duration);

const median = (results) => medianBy(results, (result) => result.requests.average);

/**
 * Alternates the services (ours, then the baseline build if any) and the ceiling `rounds` times after a warm-up of
 * each; returns the median round of each, with the median CPU per request of each service and its database.
 */
async function compare(services, ceiling, requests, cpu) {
  for (const service of services) await measure(service.url, requests, connections, 1);
  await measure(ceiling, requests, connections, 1);
  const runs = services.map(() => []);
  const b = [];
  for (let round = 0; round < rounds; round++) {
    for (const [i, service] of services.entries()) {
      const { result, serviceMs, dbMs } = await cpu(service, () => measure(service.url, requests));
      const served = Math.max(1, result.requests.total);
      runs[i].push({ result, serviceMs: serviceMs / served, dbMs: dbMs / served });
    }
    b.push(await measure(ceiling, requests));
  }
  const summary = (list) => ({
    ...median(list.map((r) => r.result)),
    serviceMs: medianBy(list.map((r) => r.serviceMs)),
    dbMs: medianBy(list.map((r) => r.dbMs)),
    failed: list.reduce((sum, { result: r }) => sum + r.errors + r.non2xx + r.timeouts, 0),
  });
  return { services: runs.map(summary), ceiling: median(b) };
}

const BY_ID = `query One($id: UUID!) { providerConfig(id: $id) { id providerName priority enabled version configData } }`;
// 30 of the tenants bench-100 … bench-999, one type: request n reads 30 consecutive tenants from (n mod 30) × 30 (+ a
// shift every 5,400 requests), its fields in an order rotated every 30 requests, one type per 900 requests. No two
// requests of a run are alike, so the whole-response cache misses, while every tenant's values are cached after the
// first 30 requests. The other scenarios' tenants (bench-0 … bench-99) keep their three configs.
const BY_TYPE_TYPES = ["MAP", "WEATHER", "PAYMENT", "SATELLITE", "SMS", "NOTIFICATION"];
const BY_TYPE = `query ByType($type: ProviderType!, ${Array.from({ length: 30 }, (_, i) => `$t${i}: String!`).join(", ")}) { ${Array.from({ length: 30 }, (_, i) => `t${i}: providerConfigs(tenantId: $t${i}, providerType: $type, enabled: true) { providerName priority enabled version }`).join(" ")} }`;
function byTypeVariables(n) {
  const start = (n % 30) * 30 + (Math.floor(n / 5400) % 30);
  const rotation = Math.floor(n / 30) % 30;
  const tenants = Array.from({ length: 30 }, (_, i) => [`t${i}`, `bench-${100 + ((start + ((i + rotation) % 30)) % 900)}`]);
  return { type: BY_TYPE_TYPES[Math.floor(n / 900) % BY_TYPE_TYPES.length], ...Object.fromEntries(tenants) };
}
const MANY = `query Many { ${Array.from({ length: 30 }, (_, i) => `t${i}: providerConfigs(tenantId: "bench-${i}") { providerName priority enabled version }`).join(" ")} }`;

/** Three more types for bench-100 … bench-999 (six in all), so a read by type returns a sixth of a tenant's configs. */
async function seedMoreTypes(url, from, to) {
  for (let i = from; i < to; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, to - i) }, (_, j) =>
        gql(
          url,
          `mutation($t: String!) { upsertProviderConfigs(tenantId: $t, configs: [
            {providerType: SATELLITE, providerName: "landsat"}, {providerType: SMS, providerName: "twilio", apiKey: "sk_test_bench_key_000000"},
            {providerType: NOTIFICATION, providerName: "firebase_fcm", apiKey: "sk_test_bench_key_000000"}]) { id } }`,
          { t: `bench-${i + j}` },
        ),
      ),
    );
  }
}

async function main() {
  const { env, cleanup } = await benchEnvironment();
  const service = await startService(env);
  const children = [service.child];
  const baseline = await startBaseline(env, children, cleanup);
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  const database = new URL(env.DATABASE_URL).pathname.slice(1);
  const cpu = (target, run) => withServiceAndDatabaseCpu(admin, database, target.child.pid, run);
  try {
    // Seed: TENANTS tenants with three configs each.
    const ids = await seed(service.url, TENANTS);
    await seedMoreTypes(service.url, 100, TENANTS);

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
      {
        name: "30 tenants × providerConfigs(providerType, enabled), new tenant set per request (response cache miss, value cache hit)",
        rotate: (n) => ({ query: BY_TYPE, variables: byTypeVariables(n) }),
      },
    ];
    const rows = [];
    for (const scenario of scenarios.filter(({ name }) => name.startsWith(process.env.BENCH_ONLY ?? ""))) {
      const sample = scenario.body ?? scenario.rotate(0);
      const { text } = await gql(service.url, sample.query, sample.variables);
      const bare = await start(join(root, "bench/bare-server.mjs"), { BARE_BODY: text });
      children.push(bare.child);
      let counter = 1;
      const requests = scenario.rotate
        ? [{ setupRequest: (request) => ({ ...request, ...post(scenario.rotate(counter++)) }) }]
        : [post(scenario.body)];
      const targets = baseline ? [service, baseline] : [service];
      const { services, ceiling } = await compare(targets, `http://127.0.0.1:${bare.port}`, requests, cpu);
      bare.child.kill("SIGTERM");
      rows.push({ name: scenario.name, ours: services[0], ceiling });
      if (baseline) rows.push({ name: "… the same, baseline build", ours: services[1], ceiling });
    }
    const wide = await measure(service.url, [post(scenarios[0].body)], 256);

    const lines = [
      `Run ${new Date().toISOString()} · median of ${rounds} alternating ${seconds} s measurements · ${connections} connections · autocannon on loopback · PostgreSQL + Redis · node ${process.version}`,
      "",
      "| scenario | req/s | p50 ms | p99 ms | errors | bare node req/s | ratio | service CPU ms/req | PostgreSQL CPU ms/req |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map(
        ({ name, ours, ceiling }) =>
          `| ${name} | ${fmt(ours.requests.average)} | ${ours.latency.p50} | ${ours.latency.p99} | ${ours.failed} | ${fmt(ceiling.requests.average)} | ${((100 * ours.requests.average) / ceiling.requests.average).toFixed(1)} % | ${ours.serviceMs.toFixed(2)} | ${ours.dbMs.toFixed(2)} |`,
      ),
      "",
      `256 connections, cached read: ${fmt(wide.requests.average)} req/s, p99 ${wide.latency.p99} ms, ${wide.errors + wide.non2xx + wide.timeouts} failed of ${fmt(wide.requests.total)}.`,
    ];
    console.log(lines.join("\n"));
  } finally {
    await admin.end();
    for (const child of children) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
  }
}

await main();

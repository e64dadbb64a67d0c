// npm run bench:history (also run by npm run bench): a history page against a bare node:http server answering the
// same bytes, in one run. Seeds 18,000 configs and about 98,000 history rows with SQL (1,000 tenants of 18 configs;
// five versions each, the bench tenant's 450 each), then asks for "the last 20 rows of one tenant with all fields"
// at BENCH_CONNECTIONS (default 32). configHistory is never cached whole: every request reads the database.
// Reports req/s, the ratio to the ceiling, and CPU per request: the service process, and the PostgreSQL backends
// serving the bench database (from /proc, so Linux only; other databases on the server are not counted).
//   BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_BASELINE (another build's
//   dist/main.js, e.g. of the previous commit: measured on the same database in the same run, alternating).
import { join } from "node:path";
import pg from "pg";
import {
  benchEnvironment,
  fmt,
  gql,
  measure,
  medianBy,
  post,
  root,
  settings,
  start,
  startBaseline,
  startService,
  withServiceAndDatabaseCpu,
} from "./support.mjs";

const { seconds, rounds, connections } = settings;

const TENANTS = 1000;
const CONFIGS_PER_TENANT = 18;
const VERSIONS = 5;
const BENCH_TENANT = "bench-0";
const BENCH_TENANT_VERSIONS = 450;

const HISTORY_PAGE = `query History($t: String!) { configHistory(tenantId: $t, limit: 20) {
  items { id configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changedAt changedBy changeReason }
  nextCursor } }`;

/**
 * Configs and their snapshots straight into the tables (as the login user: row-level security does not apply).
 * Snapshots are numbered version-major, so every tenant's history is interleaved with the others' in seq order,
 * as it would be after months of traffic; the last snapshot of each config is its current state.
 */
async function seedHistory(databaseUrl) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE TEMP TABLE bench_configs AS
      SELECT gen_random_uuid() AS id, 'bench-' || t AS tenant_id,
        (enum_range(NULL::"ProviderType"))[1 + i % 6] AS provider_type, 'provider_' || i AS provider_name,
        (enum_range(NULL::"ProviderPriority"))[1 + (t + i) % 3] AS priority,
        CASE WHEN t = 0 THEN ${BENCH_TENANT_VERSIONS} ELSE ${VERSIONS} END AS versions, t, i
      FROM generate_series(0, ${TENANTS - 1}) AS t, generate_series(0, ${CONFIGS_PER_TENANT - 1}) AS i;
      INSERT INTO config_versions (id, config_id, tenant_id, provider_type, provider_name, priority, enabled, config_data,
        version, change_type, changed_at, changed_by, change_reason)
      SELECT gen_random_uuid(), c.id, c.tenant_id, c.provider_type, c.provider_name, c.priority, v % 7 <> 0,
        jsonb_build_object('region', 'eu-' || (v % 3), 'timeoutMs', 1000 + v, 'endpoints', jsonb_build_array('https://a.example', 'https://b.example')),
        v, (CASE WHEN v = 1 THEN 'CREATED' WHEN v % 7 = 0 THEN 'DISABLED' WHEN v % 7 = 1 THEN 'ENABLED' ELSE 'UPDATED' END)::"ChangeType",
        now() - interval '1 second' * (${BENCH_TENANT_VERSIONS} - v) * 60 - interval '1 millisecond' * (c.t * ${CONFIGS_PER_TENANT} + c.i),
        'user-' || (v % 5), CASE WHEN v % 4 = 0 THEN 'ticket ' || v END
      FROM bench_configs c, generate_series(1, c.versions) AS v
      ORDER BY v, c.t, c.i;
      INSERT INTO provider_configs (id, tenant_id, provider_type, provider_name, priority, enabled, config_data, version,
        created_at, updated_at, created_by, updated_by)
      SELECT v.config_id, v.tenant_id, v.provider_type, v.provider_name, v.priority, v.enabled, v.config_data, v.version,
        now(), v.changed_at, 'user-1', v.changed_by
      FROM bench_configs c JOIN config_versions v ON v.config_id = c.id AND v.version = c.versions;
      ANALYZE config_versions; ANALYZE provider_configs;`);
    const { rows } = await client.query(
      "SELECT (SELECT count(*) FROM provider_configs) AS configs, (SELECT count(*) FROM config_versions) AS versions",
    );
    return { configs: Number(rows[0].configs), versions: Number(rows[0].versions) };
  } finally {
    await client.end();
  }
}

const median = (values) => medianBy(values);

/** One service's measurement: req/s, latency, errors, and CPU per request in the service and in PostgreSQL. */
async function measureService(admin, database, service, requests) {
  const { result, serviceMs, dbMs } = await withServiceAndDatabaseCpu(admin, database, service.child.pid, () =>
    measure(service.url, requests, connections, seconds),
  );
  const served = result.requests.total;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
    serviceMs: serviceMs / served,
    dbMs: dbMs / served,
  };
}

function row(name, runs, bareRps) {
  const rps = median(runs.map((o) => o.rps));
  return `| ${name} | ${fmt(rps)} | ${median(runs.map((o) => o.p50))} | ${median(runs.map((o) => o.p99))} | ${runs.reduce((s, o) => s + o.errors, 0)} | ${fmt(bareRps)} | ${(rps / bareRps).toFixed(3)} | ${median(runs.map((o) => o.serviceMs)).toFixed(2)} | ${median(runs.map((o) => o.dbMs)).toFixed(2)} |`;
}

async function main() {
  const { env, cleanup } = await benchEnvironment();
  const service = await startService(env);
  const children = [service.child];
  const baseline = await startBaseline(env, children, cleanup);
  const database = new URL(env.DATABASE_URL).pathname.slice(1);
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    const seeded = await seedHistory(env.DATABASE_URL);
    const body = { query: HISTORY_PAGE, variables: { t: BENCH_TENANT } };
    const { text, json } = await gql(service.url, body.query, body.variables);
    if (json.data.configHistory.items.length !== 20) throw new Error("the bench tenant has no history");
    const bare = await start(join(root, "bench/bare-server.mjs"), { BARE_BODY: text });
    children.push(bare.child);
    const ceilingUrl = `http://127.0.0.1:${bare.port}`;
    const requests = [post(body)];

    await measure(service.url, requests, connections, 1);
    if (baseline) await measure(baseline.url, requests, connections, 1);
    await measure(ceilingUrl, requests, connections, 1);
    const ours = [];
    const before = [];
    const ceiling = [];
    for (let round = 0; round < rounds; round++) {
      ours.push(await measureService(admin, database, service, requests));
      if (baseline) before.push(await measureService(admin, database, baseline, requests));
      ceiling.push((await measure(ceilingUrl, requests, connections, seconds)).requests.average);
    }
    const bareRps = median(ceiling);
    const lines = [
      `Run ${new Date().toISOString()} · ${fmt(seeded.configs)} configs, ${fmt(seeded.versions)} history rows · median of ${rounds} alternating ${seconds} s measurements · ${connections} connections · node ${process.version}`,
      "",
      "| scenario | req/s | p50 ms | p99 ms | errors | bare node req/s | ratio | service CPU ms/req | PostgreSQL CPU ms/req |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      row("history page (configHistory, last 20 rows, all fields)", ours, bareRps),
      ...(baseline ? [row("the same, baseline build", before, bareRps)] : []),
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

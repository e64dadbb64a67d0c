// npm run bench:usage (issue 13, SPEC.md §12): usage ingestion and the usage report, against the built service on
// PostgreSQL (+ Redis when it answers), a fresh database. It is a benchmark, not a test: it prints markdown and fails
// only when it cannot run.
//   1. Sustained ingestion: BENCH_USAGE_CONNECTIONS (default 8) clients, each sending recordProviderUsage batches of
//      1000 records (every record with its own idempotency key, BENCH_USAGE_TENANTS tenants (default 100), 6 catalog
//      providers, so up to 600 hourly and 600 minute buckets touched per batch) back to back for
//      BENCH_USAGE_SECONDS (default 20): records/s, batch latency, and the CPU the service and PostgreSQL used.
//   2. The report: one tenant with BENCH_USAGE_RECORDS (default 10,000,000) raw records over 30 days, seeded directly
//      with SQL (generate_series) and aggregated into the hourly buckets the service keeps, then providerUsage over
//      those 30 days, sequentially, BENCH_USAGE_QUERIES (default 200) times per granularity: p50/p99 latency.
//      BENCH_USAGE_SEED=buckets seeds only the buckets that many records would make (faster; says so in the output).
// The service runs as in production (NODE_ENV=production, a JWT secret, a bearer token with usage:write and
// config:read): graphql-js checks its own types more slowly outside production, which shows at 1000 input objects a
// call. BENCH_USAGE_PRODUCTION=0 runs it in open development mode instead.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { SignJWT } from "jose";
import pg from "pg";
import { benchEnvironment, fmt, gql, startService } from "./support.mjs";

const seconds = Number(process.env.BENCH_USAGE_SECONDS ?? 20);
const connections = Number(process.env.BENCH_USAGE_CONNECTIONS ?? 8);
const seedRecords = Number(process.env.BENCH_USAGE_RECORDS ?? 10_000_000);
const seedMode = process.env.BENCH_USAGE_SEED ?? "records";
const queries = Number(process.env.BENCH_USAGE_QUERIES ?? 200);
const production = process.env.BENCH_USAGE_PRODUCTION !== "0";
const jwtSecret = randomBytes(32).toString("hex");
/** Headers of every request: a bearer token for every tenant, in production mode. */
let auth = {};
const BATCH = 1000;
const TENANTS = Number(process.env.BENCH_USAGE_TENANTS ?? 100);
const PROVIDERS = [
  ["MAP", "google_maps"],
  ["MAP", "mapbox_streets"],
  ["WEATHER", "open_meteo"],
  ["SATELLITE", "sentinel_hub"],
  ["SMS", "twilio"],
  ["NOTIFICATION", "firebase_fcm"],
];
const RECORD = `mutation Record($usage: [ProviderUsageInput!]!) { recordProviderUsage(usage: $usage) { accepted duplicates } }`;
const USAGE = `query Usage($t: String!, $from: DateTime!, $to: DateTime!, $g: UsageGranularity) {
  providerUsage(tenantId: $t, from: $from, to: $to, granularity: $g) { start providerType providerName quantity events estimatedCostUsd } }`;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** utime + stime of a process in seconds (Linux /proc; clock ticks are 100 Hz). */
async function cpuSeconds(pid) {
  const fields = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Busy and total jiffies of the whole machine. */
async function machineCpu() {
  const [, ...values] = (await readFile("/proc/stat", "utf8")).split("\n")[0].trim().split(/\s+/).map(Number);
  const idle = values[3] + values[4];
  const total = values.reduce((sum, value) => sum + value, 0);
  return { busy: total - idle, total };
}

/** CPU seconds of every PostgreSQL backend serving `database` (read from pg_stat_activity's pids). */
async function postgresCpu(admin, database) {
  const { rows } = await admin.query("SELECT pid FROM pg_stat_activity WHERE datname = $1", [database]);
  let total = 0;
  for (const { pid } of rows) total += await cpuSeconds(pid).catch(() => 0);
  return total;
}

async function ingest(url, admin, database, servicePid) {
  let sequence = 0;
  const batchOf = (client) => {
    const at = new Date().toISOString();
    return Array.from({ length: BATCH }, (_, i) => {
      const [providerType, providerName] = PROVIDERS[i % PROVIDERS.length];
      return {
        tenantId: `usage-${(sequence + i) % TENANTS}`,
        providerType,
        providerName,
        quantity: 1 + (i % 5),
        at,
        idempotencyKey: `c${client}-b${sequence}-r${i}`,
      };
    });
  };
  // Warm-up: one batch per connection.
  await Promise.all(Array.from({ length: connections }, (_, c) => gql(url, RECORD, { usage: batchOf(c) }, auth)));
  const latencies = [];
  let accepted = 0;
  let failures = 0;
  const serviceBefore = await cpuSeconds(servicePid);
  const postgresBefore = await postgresCpu(admin, database);
  const machineBefore = await machineCpu();
  const clientBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, client) => {
      while (performance.now() < deadline) {
        sequence++;
        const body = JSON.stringify({ query: RECORD, variables: { usage: batchOf(client) } });
        const sent = performance.now();
        const response = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body });
        const json = await response.json();
        latencies.push(performance.now() - sent);
        if (json.errors) failures++;
        else accepted += json.data.recordProviderUsage.accepted;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const machineAfter = await machineCpu();
  const client = process.cpuUsage(clientBefore);
  const service = (await cpuSeconds(servicePid)) - serviceBefore;
  const postgres = (await postgresCpu(admin, database)) - postgresBefore;
  latencies.sort((a, b) => a - b);
  return {
    recordsPerSecond: accepted / elapsed,
    batches: latencies.length,
    failures,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    serviceCores: service / elapsed,
    postgresCores: postgres / elapsed,
    clientCores: (client.user + client.system) / 1e6 / elapsed,
    serviceMsPer1000: (1000 * service) / (accepted / 1000),
    postgresMsPer1000: (1000 * postgres) / (accepted / 1000),
    machineBusy: (machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total),
  };
}

/** 30 days of usage for one tenant, straight into the tables (as the superuser: no row-level security). */
async function seedReport(admin, tenantId, to) {
  const from = new Date(to.getTime() - 30 * 86_400_000);
  const started = performance.now();
  const providers = `(VALUES ${PROVIDERS.map(([type, name], i) => `(${i}, '${type}'::"ProviderType", '${name}')`).join(", ")}) AS p(i, type, name)`;
  if (seedMode === "buckets") {
    // The buckets seedRecords records spread evenly over 30 days × 24 hours × the providers would make.
    const hours = 30 * 24;
    const perBucket = seedRecords / (hours * PROVIDERS.length);
    await admin.query(
      `INSERT INTO provider_usage_hours (tenant_id, hour_start, provider_type, provider_name, quantity, amount_usd, events)
       SELECT $1, $2::timestamptz + h * interval '1 hour', p.type, p.name, $3 * 3, 0, $3
       FROM generate_series(0, ${hours - 1}) AS h, ${providers}`,
      [tenantId, from.toISOString(), Math.round(perBucket)],
    );
  } else {
    await admin.query("SET synchronous_commit = off");
    // In chunks of 1M, so that one statement's memory and WAL stay moderate.
    const chunk = 1_000_000;
    for (let offset = 0; offset < seedRecords; offset += chunk) {
      const n = Math.min(chunk, seedRecords - offset);
      await admin.query(
        `INSERT INTO provider_usage_records (tenant_id, provider_type, provider_name, quantity, amount_usd, occurred_at, idempotency_key)
         SELECT $1, p.type, p.name, 1 + s % 5, NULL, $2::timestamptz + (s::float8 / $3) * interval '30 days', NULL
         FROM generate_series($4::bigint, $5::bigint) AS s JOIN ${providers} ON p.i = s % ${PROVIDERS.length}`,
        [tenantId, from.toISOString(), seedRecords, offset, offset + n - 1],
      );
    }
    await admin.query(
      `INSERT INTO provider_usage_hours (tenant_id, hour_start, provider_type, provider_name, quantity, amount_usd, events)
       SELECT tenant_id, date_trunc('hour', occurred_at, 'UTC'), provider_type, provider_name, sum(quantity), COALESCE(sum(amount_usd), 0), count(*)
       FROM provider_usage_records WHERE tenant_id = $1 GROUP BY 1, 2, 3, 4`,
      [tenantId],
    );
  }
  await admin.query("ANALYZE provider_usage_hours");
  const { rows } = await admin.query(
    "SELECT count(*)::int AS buckets, sum(events)::bigint AS events FROM provider_usage_hours WHERE tenant_id = $1",
    [tenantId],
  );
  return { from, seconds: (performance.now() - started) / 1000, buckets: rows[0].buckets, events: Number(rows[0].events) };
}

async function report(url, admin, tenantId, from, to, granularity) {
  const variables = { t: tenantId, from: from.toISOString(), to: to.toISOString(), g: granularity };
  const { json } = await gql(url, USAGE, variables, auth);
  const rows = json.data.providerUsage.length;
  const latencies = [];
  for (let i = 0; i < queries; i++) {
    const sent = performance.now();
    await gql(url, USAGE, variables, auth);
    latencies.push(performance.now() - sent);
  }
  latencies.sort((a, b) => a - b);
  const { rows: plan } = await admin.query(
    `EXPLAIN (ANALYZE, FORMAT JSON) SELECT date_trunc($4, hour_start, 'UTC') AS start, provider_type, provider_name, sum(quantity), sum(amount_usd), sum(events)
     FROM provider_usage_hours WHERE tenant_id = $1 AND hour_start >= $2 AND hour_start < $3 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT 10001`,
    [tenantId, from.toISOString(), to.toISOString(), granularity.toLowerCase()],
  );
  return {
    granularity,
    rows,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sqlMs: plan[0]["QUERY PLAN"][0]["Execution Time"],
  };
}

async function main() {
  const loadBefore = (await readFile("/proc/loadavg", "utf8")).split(" ").slice(0, 3).join(" ");
  const { env: baseEnv, cleanup } = await benchEnvironment();
  const env = production ? { ...baseEnv, NODE_ENV: "production", AUTH_JWT_SECRET: jwtSecret } : baseEnv;
  if (production) {
    const token = await new SignJWT({ tenants: ["*"], scope: "usage:write config:read" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("bench")
      .setExpirationTime("2h")
      .sign(new TextEncoder().encode(jwtSecret));
    auth = { authorization: `Bearer ${token}` };
  }
  const service = await startService(env);
  const database = new URL(env.DATABASE_URL).pathname.slice(1);
  const admin = new pg.Client({ connectionString: env.DATABASE_URL });
  await admin.connect();
  try {
    const ingestion = await ingest(service.url, admin, database, service.child.pid);
    const to = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000);
    const seeded = await seedReport(admin, "usage-report", to);
    const reports = [];
    for (const granularity of ["DAY", "HOUR"]) reports.push(await report(service.url, admin, "usage-report", seeded.from, to, granularity));
    const lines = [
      `Run ${new Date().toISOString()} · node ${process.version} · PostgreSQL + ${env.REDIS_URL ? "Redis" : "no Redis"} · loopback · ${production ? "NODE_ENV=production, bearer token" : "development mode, no auth"}`,
      "",
      `Ingestion: ${connections} connections × batches of ${BATCH} (each record with an idempotency key; ${TENANTS} tenants × ${PROVIDERS.length} providers) for ${seconds} s`,
      "",
      "| records/s | batches | failed | batch p50 ms | batch p99 ms | service CPU (cores) | PostgreSQL CPU (cores) | bench client CPU (cores) | machine busy | service CPU ms / 1000 records | PostgreSQL CPU ms / 1000 records |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      `| ${fmt(ingestion.recordsPerSecond)} | ${ingestion.batches} | ${ingestion.failures} | ${ingestion.p50.toFixed(0)} | ${ingestion.p99.toFixed(0)} | ${ingestion.serviceCores.toFixed(2)} | ${ingestion.postgresCores.toFixed(2)} | ${ingestion.clientCores.toFixed(2)} | ${(100 * ingestion.machineBusy).toFixed(0)} % | ${ingestion.serviceMsPer1000.toFixed(1)} | ${ingestion.postgresMsPer1000.toFixed(1)} |`,
      `Load average before the run: ${loadBefore}.`,
      "",
      seedMode === "buckets"
        ? `Report: the hourly buckets ${fmt(seedRecords)} records over 30 days would make (${fmt(seeded.buckets)} buckets holding ${fmt(seeded.events)} events; raw records NOT seeded), seeded in ${seeded.seconds.toFixed(0)} s`
        : `Report: ${fmt(seeded.events)} raw records over 30 days seeded with generate_series and aggregated into ${fmt(seeded.buckets)} hourly buckets in ${seeded.seconds.toFixed(0)} s`,
      "",
      `| providerUsage over 30 days | rows | p50 ms | p99 ms | SQL alone (EXPLAIN ANALYZE) ms |`,
      "| --- | ---: | ---: | ---: | ---: |",
      ...reports.map(
        (r) => `| granularity ${r.granularity} | ${r.rows} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.sqlMs.toFixed(1)} |`,
      ),
    ];
    console.log(lines.join("\n"));
  } finally {
    await admin.end();
    service.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
  }
}

await main();

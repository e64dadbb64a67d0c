// npm run bench:scale (issue 14, item 4): three instances of the built service (dist/main.js) behind a round-robin
// proxy, sharing one PostgreSQL database through a private PgBouncer in transaction mode and one Redis key prefix,
// under a mixed write/read load; one instance is killed with SIGKILL at a third of the run and restarted 10 s
// later. Afterwards it checks that nothing failed except requests in flight on the killed instance, that no read
// returned a version older than one already acknowledged when the read was sent, and that every acknowledged write
// is in the database (current version ≥ it, and a history row with its counter). Prints a markdown table.
//   BENCH_SECONDS (default 60), BENCH_WRITERS (default 8), BENCH_READERS (default 8), BENCH_TENANTS (default 200),
//   BENCH_RESTART_AFTER_SECONDS (default 10). Needs pgbouncer on the PATH, PostgreSQL and Redis.
//   BENCH_WITHOUT_REDIS=1 is a control of the checks: every instance then caches by itself, and the stale-read check
//   must count stale reads (the run exits 1).
import { fork, spawn } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { benchEnvironment, fmt, freePort, root, UPSERT } from "./support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 60);
const WRITERS = Number(process.env.BENCH_WRITERS ?? 8);
const READERS = Number(process.env.BENCH_READERS ?? 8);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 200);
const restartAfter = Number(process.env.BENCH_RESTART_AFTER_SECONDS ?? 10);
const INSTANCES = 3;
const POOL_MAX = 10;
const BOUNCER_POOL = 20;

const LIST = `query List($t: String!) { providerConfigs(tenantId: $t, providerType: WEATHER) { id providerName version configData } }`;
const BY_ID = `query One($id: UUID!) { providerConfig(id: $id) { id version configData } }`;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForPort(port, child) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}`);
    const open = await new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await sleep(50);
  }
  throw new Error("pgbouncer did not start listening");
}

/** A private PgBouncer in transaction mode (as test/support/pgbouncer.ts; as root it runs as `postgres`). */
async function startPgBouncer(direct) {
  const dir = await mkdtemp(join(tmpdir(), "pcs-bouncer-"));
  await chmod(dir, 0o777);
  const { port } = await freePort();
  const server = new URL(direct);
  await writeFile(join(dir, "userlist.txt"), '"postgres" ""\n');
  const ini = join(dir, "pgbouncer.ini");
  await writeFile(
    ini,
    [
      "[databases]",
      `* = host=${server.hostname} port=${server.port || 5432}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      `default_pool_size = ${BOUNCER_POOL}`,
      `logfile = ${join(dir, "pgbouncer.log")}`,
      `pidfile = ${join(dir, "pgbouncer.pid")}`,
      "",
    ].join("\n"),
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn("pgbouncer", [...(asRoot ? ["-u", "postgres"] : []), ini], { stdio: "ignore" });
  await waitForPort(port, child);
  return {
    url: Object.assign(new URL(direct), { host: `127.0.0.1:${port}` }).toString(),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** One instance of the built service on a fixed port (so that a restart comes back where the proxy expects it). */
async function startInstance(env, port) {
  const childEnv = { ...process.env, ...env, PORT: String(port), HOST: "127.0.0.1", LOG_LEVEL: "warn" };
  delete childEnv.HEALTH_MONITOR_INTERVAL_SECONDS;
  if (!env.REDIS_URL) delete childEnv.REDIS_URL;
  const child = fork(join(root, "dist/main.js"), [], { cwd: root, env: childEnv, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`instance on ${port} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {}
    await sleep(100);
  }
  throw new Error(`instance on ${port} did not become ready`);
}

/** Round robin over `ports`; a backend that refuses the connection (nothing sent) is skipped and the request goes
 * to the next one. Any other upstream error is answered 502 with `{ proxyError, backend }`. */
function startProxy(ports, stats) {
  // Idle connections are closed after 2 s, before the service's 5 s keep-alive timeout: otherwise a request may be
  // written into a connection the instance is closing at that moment, and be reset (a proxy's bug, not the service's).
  const agents = ports.map(() => new http.Agent({ keepAlive: true, maxSockets: 64, timeout: 2000 }));
  let next = 0;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => forward(Buffer.concat(chunks), next++ % ports.length, 0));
    function forward(body, i, attempt) {
      const forwardedAt = performance.now();
      const upstream = http.request(
        {
          host: "127.0.0.1",
          port: ports[i],
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: `127.0.0.1:${ports[i]}`, "content-length": String(body.length) },
          agent: agents[i],
        },
        (response) => {
          res.writeHead(response.statusCode, { ...response.headers, "x-backend": String(i) });
          response.pipe(res);
          response.on("error", () => res.destroy());
          response.on("aborted", () => res.destroy());
        },
      );
      upstream.on("error", (error) => {
        if (error.code === "ECONNREFUSED" && attempt < ports.length - 1) {
          stats.refusedRetried++;
          forward(body, (i + 1) % ports.length, attempt + 1);
          return;
        }
        // The backend is gone: drop its idle keep-alive connections, so that the next requests open new ones (and
        // are refused and sent on) instead of being written into connections the dead process can no longer answer.
        for (const sockets of Object.values(agents[i].freeSockets)) for (const socket of sockets) socket.destroy();
        if (res.headersSent) return res.destroy();
        res.writeHead(502, { "content-type": "application/json", "x-backend": String(i) });
        res.end(JSON.stringify({ proxyError: error.code ?? error.message, backend: i, forwardedAt }));
      });
      upstream.end(body);
    }
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, agents, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0);

async function main() {
  const { env: base, cleanup } = await benchEnvironment();
  const direct = base.DATABASE_URL;
  const bouncer = await startPgBouncer(direct);
  const env = {
    ...base,
    DATABASE_URL: bouncer.url,
    DATABASE_PGBOUNCER: "true",
    DATABASE_DIRECT_URL: direct,
    DATABASE_POOL_MAX: String(POOL_MAX),
  };
  if (process.env.BENCH_WITHOUT_REDIS === "1") delete env.REDIS_URL;
  const ports = [];
  for (let i = 0; i < INSTANCES; i++) ports.push((await freePort()).port);
  const children = [];
  const stats = { refusedRetried: 0 };
  let proxy;
  try {
    // The first instance applies the migrations; the other two start together.
    children[0] = await startInstance(env, ports[0]);
    [children[1], children[2]] = await Promise.all([startInstance(env, ports[1]), startInstance(env, ports[2])]);
    proxy = await startProxy(ports, stats);

    const lastAck = new Map(); // tenant → { id, version } of the newest acknowledged write
    const acked = []; // every acknowledged write: { tenant, id, version, counter }
    const samples = { write: [], "read (providerConfigs, cached)": [], "read (providerConfig by id)": [] };
    const failures = []; // { type, sentAt, doneAt, status, code, backend }
    let stale = 0;
    const staleExamples = [];
    let killedAt = null;
    let restartingAt = null;
    let restartedAt = null;
    let killedBackend = null;
    const start = performance.now();
    const now = () => performance.now() - start;

    /** One GraphQL call through the proxy: the parsed result, or null after recording the failure. */
    async function call(type, query, variables) {
      const sentAt = now();
      let status = 0;
      let backend = null;
      let code = null;
      let forwardedAt = null;
      try {
        const response = await fetch(`${proxy.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ query, variables }),
        });
        status = response.status;
        backend = response.headers.get("x-backend");
        const json = await response.json();
        if (status === 200 && !json.errors) {
          samples[type].push(now() - sentAt);
          return { json, sentAt };
        }
        if (json.forwardedAt !== undefined) forwardedAt = json.forwardedAt - start;
        code = json.proxyError ?? (json.errors ? JSON.stringify(json.errors).slice(0, 200) : `HTTP ${status}`);
      } catch (error) {
        code = error.cause?.code ?? error.message;
      }
      failures.push({ type, sentAt, forwardedAt, doneAt: now(), status, code, backend: backend === null ? null : Number(backend) });
      return null;
    }

    async function writer(w) {
      const mine = Array.from({ length: TENANTS }, (_, i) => i).filter((i) => i % WRITERS === w);
      const counters = new Map();
      for (let n = 0; now() < seconds * 1000; n++) {
        const tenant = `scale-${mine[n % mine.length]}`;
        const counter = (counters.get(tenant) ?? 0) + 1;
        counters.set(tenant, counter);
        const input = { tenantId: tenant, providerType: "WEATHER", providerName: "open_meteo", configData: { counter, writer: w } };
        const result = await call("write", UPSERT, { input });
        if (!result) continue;
        const { id, version } = result.json.data.upsertProviderConfig;
        acked.push({ tenant, id, version, counter });
        const previous = lastAck.get(tenant);
        if (!previous || previous.version < version) lastAck.set(tenant, { id, version });
      }
    }

    async function reader(r) {
      for (let n = 0; now() < seconds * 1000; n++) {
        const tenants = [...lastAck.keys()];
        if (tenants.length === 0) {
          await sleep(10);
          continue;
        }
        const tenant = tenants[Math.floor(Math.random() * tenants.length)];
        const expected = lastAck.get(tenant); // acknowledged before this read is sent
        const byId = (n + r) % 2 === 1;
        const result = byId
          ? await call("read (providerConfig by id)", BY_ID, { id: expected.id })
          : await call("read (providerConfigs, cached)", LIST, { t: tenant });
        if (!result) continue;
        const config = byId
          ? result.json.data.providerConfig
          : result.json.data.providerConfigs.find((c) => c.providerName === "open_meteo");
        if (!config || config.version < expected.version) {
          stale++;
          if (staleExamples.length < 5) staleExamples.push({ tenant, byId, expected: expected.version, got: config?.version ?? null });
        }
      }
    }

    async function chaos() {
      await sleep((seconds * 1000) / 3);
      killedBackend = 1;
      killedAt = now();
      children[1].kill("SIGKILL");
      await sleep(restartAfter * 1000);
      restartingAt = now();
      children[1] = await startInstance(env, ports[1]);
      restartedAt = now();
    }

    await Promise.all([
      ...Array.from({ length: WRITERS }, (_, w) => writer(w)),
      ...Array.from({ length: READERS }, (_, r) => reader(r)),
      chaos(),
    ]);
    const elapsed = now() / 1000;

    // Failures: a connection reset by the killed instance within 5 s of the kill, either on a request the proxy had
    // forwarded to it before the kill (in flight) or on one the proxy wrote into a keep-alive connection to it just
    // after (the proxy had not yet seen the connection close); anything else is a failure of the service.
    const RESET = new Set(["ECONNRESET", "EPIPE", "socket hang up", "UND_ERR_SOCKET", "terminated"]);
    const killWindow = (f) => killedAt !== null && f.doneAt >= killedAt && f.doneAt <= killedAt + 5000 && RESET.has(f.code);
    const inFlight = failures.filter(
      (f) => killWindow(f) && (f.backend === null ? f.sentAt <= killedAt : f.backend === killedBackend && f.forwardedAt <= killedAt),
    );
    const afterKill = failures.filter((f) => killWindow(f) && f.backend === killedBackend && f.forwardedAt > killedAt);
    const other = failures.filter((f) => !inFlight.includes(f) && !afterKill.includes(f));

    // Lost writes, checked in the database itself (as postgres, which row-level security does not restrict).
    const db = new pg.Client({ connectionString: direct });
    await db.connect();
    const current = new Map(
      (
        await db.query(`SELECT tenant_id, version FROM provider_configs WHERE provider_type = 'WEATHER' AND provider_name = 'open_meteo'`)
      ).rows.map((row) => [row.tenant_id, row.version]),
    );
    const history = new Map(
      (await db.query(`SELECT config_id, version, config_data->>'counter' AS counter FROM config_versions`)).rows.map((row) => [
        `${row.config_id}/${row.version}`,
        Number(row.counter),
      ]),
    );
    await db.end();
    const lost = acked.filter((a) => !((current.get(a.tenant) ?? -1) >= a.version));
    const missingHistory = acked.filter((a) => history.get(`${a.id}/${a.version}`) !== a.counter);

    const rows = Object.entries(samples).map(([type, latencies]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      const failed = failures.filter((f) => f.type === type).length;
      return `| ${type} | ${fmt(sorted.length + failed)} | ${fmt(sorted.length / elapsed)} | ${percentile(sorted, 50).toFixed(1)} | ${percentile(sorted, 99).toFixed(1)} | ${failed} |`;
    });
    const total = Object.values(samples).reduce((sum, s) => sum + s.length, 0) + failures.length;
    const lines = [
      `Run ${new Date().toISOString()} · ${elapsed.toFixed(0)} s · ${INSTANCES} instances (DATABASE_POOL_MAX=${POOL_MAX}) behind a round-robin proxy · PgBouncer ${BOUNCER_POOL} server connections, transaction mode · ${env.REDIS_URL ? "Redis" : "no Redis (control: each instance caches by itself)"} · ${WRITERS} writer + ${READERS} reader loops over ${TENANTS} tenants · node ${process.version}`,
      `Instance 2 of 3 killed (SIGKILL) at ${(killedAt / 1000).toFixed(1)} s, started again at ${(restartingAt / 1000).toFixed(1)} s, ready at ${(restartedAt / 1000).toFixed(1)} s; ${fmt(stats.refusedRetried)} requests refused by it and sent to the next instance.`,
      "",
      "| type | requests | req/s | p50 ms | p99 ms | failed |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      ...rows,
      `| all | ${fmt(total)} | ${fmt((total - failures.length) / elapsed)} | | | ${failures.length} |`,
      "",
      "| check | result |",
      "| --- | ---: |",
      `| failed: in flight on the killed instance (connection reset) | ${inFlight.length} |`,
      `| failed: connection reset by the killed instance, forwarded just after the kill | ${afterKill.length} |`,
      `| failed: other | ${other.length} |`,
      `| stale reads (version below the one acknowledged before the read was sent) | ${stale} |`,
      `| acknowledged writes | ${fmt(acked.length)} |`,
      `| lost writes (current version below an acknowledged one) | ${lost.length} |`,
      `| acknowledged versions without their history row (or with another counter) | ${missingHistory.length} |`,
    ];
    console.log(lines.join("\n"));
    if (other.length) console.error("other failures (first 5):", other.slice(0, 5));
    if (staleExamples.length) console.error("stale reads (first 5):", staleExamples);
    if (lost.length || missingHistory.length) console.error("lost (first 5):", lost.slice(0, 5), missingHistory.slice(0, 5));
    process.exitCode = other.length || stale || lost.length || missingHistory.length ? 1 : 0;
  } finally {
    proxy?.server.close();
    for (const agent of proxy?.agents ?? []) agent.destroy();
    for (const child of children) child?.kill("SIGTERM");
    await sleep(1000);
    await bouncer.stop();
    await cleanup();
  }
}

await main();

// npm run bench:hostile (issue 9): what hostile requests cost everyone else. Starts the built service in open mode
// (no AUTH_* variables) with PostgreSQL and Redis, seeds TENANTS tenants, and measures normal traffic (autocannon,
// 8 connections: the cached dashboard query, one small write in ten) three times: alone, while ATTACKERS hostile
// clients run alongside (bench/attacker.mjs, in a process of its own, each client sequential and cycling through
// the kinds of attack), and alone again. For each phase: req/s, p50, p99, max and errors of normal traffic, the
// service's event-loop delay (max and p99 from GET /metrics: prom-client resets its monitorEventLoopDelay
// histogram on every scrape, so it is scraped right before and right after each phase and nowhere else) and its
// RSS (read from /proc every second for the peak). Then each kind of attack alone, one sequential client for
// BENCH_KIND_SECONDS and no other traffic, to see which one holds the event loop. Then, unless BENCH_AUTH_SECONDS=0, the same attacks without a
// token against the service started with AUTH_JWT_SECRET, to show what a refused caller costs. It is a benchmark,
// not a test: it prints markdown tables and fails only when it cannot run.
//   BENCH_SECONDS (default 15) per phase of normal traffic, BENCH_ATTACK_SECONDS (default BENCH_SECONDS) for the
//   phase under attack, BENCH_ATTACKERS (default 3), BENCH_KIND_SECONDS (default 2, 0 to skip), BENCH_AUTH_SECONDS
//   (default 5, 0 to skip).
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { benchEnvironment, DASHBOARD, fmt, gql, measure, post, root, seed, startService, UPSERT } from "./support.mjs";

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const attackSeconds = Number(process.env.BENCH_ATTACK_SECONDS ?? seconds);
const attackers = Number(process.env.BENCH_ATTACKERS ?? 3);
const kindSeconds = Number(process.env.BENCH_KIND_SECONDS ?? 2);
const authSeconds = Number(process.env.BENCH_AUTH_SECONDS ?? 5);
const CONNECTIONS = 8;
const TENANTS = 200;
const WRITE_EVERY = 10;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mib = (bytes) => (bytes === undefined ? "–" : (bytes / 2 ** 20).toFixed(0));
const ms = (secondsValue) => (secondsValue === undefined ? "–" : (secondsValue * 1000).toFixed(0));

/** Normal traffic: the cached dashboard read of bench/run.mjs, and every WRITE_EVERY-th request a small write to another tenant. */
function normalTraffic() {
  let n = 0;
  return [
    {
      setupRequest: (request) => {
        n++;
        const body =
          n % WRITE_EVERY === 0
            ? {
                query: UPSERT,
                variables: {
                  input: {
                    tenantId: `bench-${10 + (n % (TENANTS - 10))}`,
                    providerType: "WEATHER",
                    providerName: "open_meteo",
                    configData: { n },
                  },
                },
              }
            : { query: DASHBOARD, variables: { t: "bench-7" } };
        return { ...request, ...post(body) };
      },
    },
  ];
}

/** The service's metrics that matter here (a scrape also resets the event-loop delay histogram). */
async function scrape(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => {
    const line = text.split("\n").find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };
  return {
    lagMax: value("nodejs_eventloop_lag_max_seconds"),
    lagP99: value("nodejs_eventloop_lag_p99_seconds"),
    rss: value("process_resident_memory_bytes"),
    heapUsed: value("nodejs_heap_size_used_bytes"),
  };
}

/** Samples a process's RSS from /proc every second; `stop()` returns the peak (undefined where /proc is missing). */
function rssSampler(pid) {
  let peak;
  const sample = async () => {
    try {
      const status = await readFile(`/proc/${pid}/status`, "utf8");
      const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1]);
      if (Number.isFinite(kb)) peak = Math.max(peak ?? 0, kb * 1024);
    } catch {}
  };
  sample();
  const timer = setInterval(sample, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await sample();
      return peak;
    },
  };
}

/** Forks bench/attacker.mjs; `stop()` ends its clients and returns their statistics per kind of attack. */
function startAttackers(url, { token, kinds, count = attackers } = {}) {
  return new Promise((resolve, reject) => {
    const child = fork(join(root, "bench/attacker.mjs"), [], {
      cwd: root,
      env: {
        ...process.env,
        ATTACK_URL: url,
        ATTACKERS: String(count),
        ...(token ? { ATTACK_TOKEN: token } : {}),
        ...(kinds ? { ATTACK_KINDS: kinds.join(",") } : {}),
      },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    child.once("exit", (code) => reject(new Error(`bench/attacker.mjs exited with ${code}`)));
    child.once("message", () =>
      resolve({
        stop: () =>
          new Promise((done) => {
            child.once("message", done);
            child.send("stop");
          }),
      }),
    );
  });
}

/** One phase: normal traffic for `duration` seconds (or none), with the attackers alongside when `attack` is set. */
async function phase(name, service, { duration, traffic = true, attack = false, ...attackOptions }) {
  await scrape(service.url); // resets the event-loop delay histogram: what the next scrape reports is this phase's
  const rss = rssSampler(service.child.pid);
  const attack$ = attack ? await startAttackers(service.url, attackOptions) : undefined;
  const result = traffic ? await measure(service.url, normalTraffic(), CONNECTIONS, duration) : await sleep(duration * 1000);
  const attacks = attack$ ? await attack$.stop() : undefined;
  const metrics = await scrape(service.url);
  const peak = await rss.stop();
  return { name, result, attacks, metrics, peak: peak ?? metrics.rss };
}

function trafficTable(phases) {
  const alone = phases.filter((p) => !p.attacks);
  const baseline = alone.reduce((sum, p) => sum + p.result.requests.average, 0) / alone.length;
  return [
    "| phase | req/s | vs alone | p50 ms | p99 ms | max ms | errors | loop delay max ms | loop delay p99 ms | RSS end MiB | RSS peak MiB | heap used end MiB |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...phases.map(({ name, result: r, metrics: m, peak }) => {
      const errors = r.errors + r.non2xx + r.timeouts;
      return `| ${name} | ${fmt(r.requests.average)} | ${((100 * r.requests.average) / baseline).toFixed(0)} % | ${r.latency.p50} | ${r.latency.p99} | ${r.latency.max} | ${errors} of ${fmt(r.requests.total)} | ${ms(m.lagMax)} | ${ms(m.lagP99)} | ${mib(m.rss)} | ${mib(peak)} | ${mib(m.heapUsed)} |`;
    }),
  ];
}

function attackTable(stats) {
  const counts = (record) =>
    Object.entries(record)
      .map(([key, count]) => `${key}: ${fmt(count)}`)
      .join(", ") || "none";
  return [
    "| attack | sent | body KiB | status codes | dropped / timed out | mean ms | max ms |",
    "| --- | ---: | ---: | --- | --- | ---: | ---: |",
    ...Object.entries(stats).map(
      ([kind, s]) =>
        `| ${kind} | ${fmt(s.sent)} | ${s.sent ? fmt(s.bytes / s.sent / 1024) : "–"} | ${counts(s.statuses)} | ${counts(s.failures)} | ${s.sent ? fmt(s.totalMs / s.sent) : "–"} | ${fmt(s.maxMs)} |`,
    ),
  ];
}

async function alive(service) {
  if (service.child.exitCode !== null || service.child.signalCode !== null) return false;
  try {
    return (await fetch(`${service.url}/healthz`)).ok;
  } catch {
    return false;
  }
}

async function main() {
  const { env, cleanup } = await benchEnvironment();
  const services = [];
  const lines = [];
  try {
    const open = await startService(env);
    services.push(open);
    await seed(open.url, TENANTS);
    await gql(open.url, DASHBOARD, { t: "bench-7" });
    await measure(open.url, normalTraffic(), CONNECTIONS, 2); // warm-up

    const phases = [];
    phases.push(await phase("alone", open, { duration: seconds }));
    await sleep(1000);
    phases.push(await phase(`under attack (${attackers} attackers)`, open, { duration: attackSeconds, attack: true }));
    await sleep(1000);
    phases.push(await phase("alone again", open, { duration: seconds }));
    const kinds = [];
    if (kindSeconds > 0) {
      for (const kind of Object.keys(phases[1].attacks)) {
        await sleep(300);
        kinds.push(await phase(kind, open, { duration: kindSeconds, traffic: false, attack: true, kinds: [kind], count: 1 }));
      }
    }
    const openAlive = await alive(open);
    const totalAttacks = Object.values(phases[1].attacks).reduce((sum, s) => sum + s.sent, 0);

    lines.push(
      `Run ${new Date().toISOString()} · node ${process.version} · open mode · normal traffic: ${CONNECTIONS} connections, dashboard query (cached) and one write in ${WRITE_EVERY}, ${seconds} s alone / ${attackSeconds} s under attack / ${seconds} s alone · ${TENANTS} tenants · PostgreSQL + Redis`,
      "",
      ...trafficTable(phases),
      "",
      `Attacks during the second phase (${attackers} sequential clients, ${fmt(totalAttacks)} requests), client-side latency:`,
      "",
      ...attackTable(phases[1].attacks),
    );
    if (kinds.length > 0) {
      lines.push(
        "",
        `Each kind alone: one sequential client for ${kindSeconds} s, no other traffic:`,
        "",
        "| attack | requests/s | status codes | mean ms | max ms | loop delay max ms | loop delay p99 ms | RSS peak MiB |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ...kinds.map(({ name, attacks, metrics: m, peak }) => {
          const s = attacks[name];
          const codes = Object.entries({ ...s.statuses, ...s.failures })
            .map(([key, count]) => `${key}: ${fmt(count)}`)
            .join(", ");
          return `| ${name} | ${fmt(s.sent / kindSeconds)} | ${codes} | ${fmt(s.totalMs / s.sent)} | ${fmt(s.maxMs)} | ${ms(m.lagMax)} | ${ms(m.lagP99)} | ${mib(peak)} |`;
        }),
      );
    }
    lines.push("", `Service still alive after the attacks (GET /healthz): ${openAlive ? "yes" : "NO"}.`);

    if (authSeconds > 0) {
      open.child.kill("SIGTERM");
      await sleep(500);
      const secured = await startService({ ...env, AUTH_JWT_SECRET: randomBytes(32).toString("hex") });
      services.push(secured);
      await sleep(500);
      const refused = await phase("auth on, attackers without a token", secured, { duration: authSeconds, traffic: false, attack: true });
      const sent = Object.values(refused.attacks).reduce((sum, s) => sum + s.sent, 0);
      lines.push(
        "",
        `With AUTH_JWT_SECRET set, the same ${attackers} attackers without a token for ${authSeconds} s (no other traffic): ${fmt(sent)} requests, ${fmt(sent / authSeconds)}/s; event-loop delay max ${ms(refused.metrics.lagMax)} ms, p99 ${ms(refused.metrics.lagP99)} ms; RSS ${mib(refused.metrics.rss)} MiB (peak ${mib(refused.peak)}); still alive: ${(await alive(secured)) ? "yes" : "NO"}.`,
        "",
        ...attackTable(refused.attacks),
      );
    }
    console.log(lines.join("\n"));
  } finally {
    for (const service of services) service.child.kill("SIGTERM");
    await sleep(500);
    await cleanup();
  }
}

await main();

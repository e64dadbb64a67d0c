// npm run bench:subscriptions (also part of npm run bench): how many idle providerConfigChanged subscriptions one
// instance holds, what they cost in memory, and how fast events reach live subscribers under a steady write load.
//   1. Opens BENCH_IDLE_SUBSCRIPTIONS (default 10,000) idle subscriptions, BENCH_PER_SOCKET (100) per graphql-ws
//      socket, each on a tenant of its own; reports the service's RSS and heap before, after opening, and again
//      after BENCH_HOLD_SECONDS (default 20) with them held (stable memory).
//   2. With those still open: BENCH_LIVE_TENANTS (20) live subscribers, and writes to their tenants at
//      BENCH_WRITES_PER_SECOND (50) for BENCH_SECONDS (10); for each event, the time from sending the mutation to
//      the event's arrival (an upper bound of commit → delivery: it includes the write itself), p50 / p99 / max,
//      and the mutation's own round trip for comparison.
// The service runs as in production behind PostgreSQL and Redis (bench/support.mjs), as a child process.
import { readFile } from "node:fs/promises";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { benchEnvironment, fmt, gql, startService, UPSERT } from "./support.mjs";

const idle = Number(process.env.BENCH_IDLE_SUBSCRIPTIONS ?? 10_000);
const perSocket = Number(process.env.BENCH_PER_SOCKET ?? 100);
const holdSeconds = Number(process.env.BENCH_HOLD_SECONDS ?? 20);
const liveTenants = Number(process.env.BENCH_LIVE_TENANTS ?? 20);
const writesPerSecond = Number(process.env.BENCH_WRITES_PER_SECOND ?? 50);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);

const SUBSCRIPTION = "subscription($t: String!) { providerConfigChanged(tenantId: $t) { cursor change { version configData } } }";

async function memoryOf(url, pid) {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const value = (name) => Number(new RegExp(`^${name} ([0-9.e+]+)$`, "m").exec(metrics)?.[1] ?? Number.NaN);
  let rss = value("process_resident_memory_bytes");
  try {
    rss = Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, "utf8"))?.[1]) * 1024;
  } catch {}
  return { rss: rss / 2 ** 20, heap: value("nodejs_heap_size_used_bytes") / 2 ** 20 };
}

function client(url) {
  return createClient({ url: `${url.replace(/^http/, "ws")}/graphql`, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
}

/** Subscribes and resolves once the server has the subscription (the first write check happens later). */
function subscribe(ws, tenantId, onEvent) {
  return ws.subscribe(
    { query: SUBSCRIPTION, variables: { t: tenantId } },
    {
      next: (value) => onEvent?.(value),
      error: (error) => console.error("subscription error", JSON.stringify(error).slice(0, 200)),
      complete: () => {},
    },
  );
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const { env, cleanup } = await benchEnvironment();
  const service = await startService(env);
  const clients = [];
  try {
    const before = await memoryOf(service.url, service.child.pid);
    const opening = performance.now();
    for (let i = 0; i < idle; i += perSocket) {
      const ws = client(service.url);
      clients.push(ws);
      for (let j = i; j < Math.min(idle, i + perSocket); j++) subscribe(ws, `idle-${j}`);
    }
    // Every socket's subscriptions are registered once the server has answered a round trip on it: a short settle.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const openedMs = performance.now() - opening;
    const opened = await memoryOf(service.url, service.child.pid);
    await new Promise((resolve) => setTimeout(resolve, holdSeconds * 1000));
    const held = await memoryOf(service.url, service.child.pid);

    const sentAt = new Map();
    const latencies = [];
    const roundTrips = [];
    const live = client(service.url);
    clients.push(live);
    for (let k = 0; k < liveTenants; k++) {
      subscribe(live, `live-${k}`, (value) => {
        const n = value.data?.providerConfigChanged?.change?.configData?.n;
        const sent = sentAt.get(`${k}:${n}`);
        if (sent !== undefined) latencies.push(performance.now() - sent);
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const total = writesPerSecond * seconds;
    const started = performance.now();
    const writes = [];
    for (let n = 0; n < total; n++) {
      const due = started + (n * 1000) / writesPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const k = n % liveTenants;
      sentAt.set(`${k}:${n}`, performance.now());
      const sent = performance.now();
      writes.push(
        gql(service.url, UPSERT, {
          input: { tenantId: `live-${k}`, providerType: "MAP", providerName: "openstreetmap", configData: { n } },
        }).then(() => roundTrips.push(performance.now() - sent)),
      );
    }
    await Promise.all(writes);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const after = await memoryOf(service.url, service.child.pid);

    latencies.sort((a, b) => a - b);
    roundTrips.sort((a, b) => a - b);
    const ms = (value) => (value === undefined ? "–" : value.toFixed(1));
    console.log(
      [
        `Run ${new Date().toISOString()} · node ${process.version} · PostgreSQL + Redis · one instance`,
        "",
        "| stage | subscriptions | RSS MiB | heap used MiB |",
        "| --- | ---: | ---: | ---: |",
        `| before | 0 | ${ms(before.rss)} | ${ms(before.heap)} |`,
        `| ${fmt(idle)} idle opened (${fmt(openedMs)} ms, ${fmt(Math.ceil(idle / perSocket))} sockets) | ${fmt(idle)} | ${ms(opened.rss)} | ${ms(opened.heap)} |`,
        `| held ${holdSeconds} s | ${fmt(idle)} | ${ms(held.rss)} | ${ms(held.heap)} |`,
        `| after the write load | ${fmt(idle + liveTenants)} | ${ms(after.rss)} | ${ms(after.heap)} |`,
        "",
        `Write load: ${fmt(total)} writes at ${writesPerSecond}/s over ${seconds} s to ${liveTenants} subscribed tenants; ${fmt(latencies.length)} of ${fmt(total)} events delivered.`,
        "",
        "| measure | p50 ms | p99 ms | max ms |",
        "| --- | ---: | ---: | ---: |",
        `| mutation sent → event delivered | ${ms(percentile(latencies, 50))} | ${ms(percentile(latencies, 99))} | ${ms(latencies.at(-1))} |`,
        `| mutation round trip | ${ms(percentile(roundTrips, 50))} | ${ms(percentile(roundTrips, 99))} | ${ms(roundTrips.at(-1))} |`,
      ].join("\n"),
    );
  } finally {
    for (const ws of clients) await ws.dispose();
    service.child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
  }
}

await main();

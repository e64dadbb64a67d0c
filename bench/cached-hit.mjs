// npm run bench:hit (issue 15 item 3): the CPU a whole-response cache hit costs, per request, against two
// references in the same run: a bare node:http server answering the same bytes (bench/bare-server.mjs) and one
// doing a single Redis GET per request (bench/redis-get-server.mjs). CPU is each process's user + system time from
// /proc/<pid>/stat over the measurement window divided by the requests answered in it: steadier than req/s on a
// shared machine. The bench starts a redis-server of its own, so that its CPU counts this bench's commands only.
// The service runs at LOG_LEVEL=info (the default: one log line per request; its stdout is discarded).
//   BENCH_SECONDS (default 5) per measurement, BENCH_ROUNDS (default 3), BENCH_CONNECTIONS (default 32),
//   BENCH_LOG_LEVEL (default info), BENCH_BASELINE (another build's dist/main.js, e.g. of the previous commit: measured
//   alongside, with its own cache keys, for a before/after in one run).
import { join } from "node:path";
import {
  benchEnvironment,
  DASHBOARD,
  gql,
  measure,
  medianBy,
  post,
  root,
  seed,
  settings,
  start,
  startPrivateRedis,
  startService,
  withCpuPerRequest,
} from "./support.mjs";

const { seconds, rounds, connections } = settings;
const logLevel = process.env.BENCH_LOG_LEVEL ?? "info";
const baseline = process.env.BENCH_BASELINE;

const total = (cpu) => Object.values(cpu).reduce((sum, ms) => sum + ms, 0);
const median = (runs) => medianBy(runs, (run) => total(run.cpu));
const ms = (value) => (value === undefined ? "–" : value.toFixed(3));

async function main() {
  const { env, cleanup } = await benchEnvironment();
  const redis = await startPrivateRedis();
  const children = [redis.child];
  try {
    const service = await startService({ ...env, REDIS_URL: redis.url, LOG_LEVEL: logLevel });
    children.push(service.child);
    const before = baseline
      ? await startService(
          { ...env, REDIS_URL: redis.url, LOG_LEVEL: logLevel, REDIS_KEY_PREFIX: `${env.REDIS_KEY_PREFIX}baseline:` },
          baseline,
        )
      : undefined;
    if (before) children.push(before.child);
    await seed(service.url, 10);
    const body = { query: DASHBOARD, variables: { t: "bench-7" } };
    const { text } = await gql(service.url, body.query, body.variables);
    const bare = await start(join(root, "bench/bare-server.mjs"), { BARE_BODY: text });
    const redisGet = await start(join(root, "bench/redis-get-server.mjs"), { BARE_BODY: text, REDIS_URL: redis.url });
    children.push(bare.child, redisGet.child);

    const targets = [
      { name: "service, cached hit", url: service.url, pids: { process: service.child.pid, redis: redis.pid } },
      ...(before ? [{ name: "baseline build, cached hit", url: before.url, pids: { process: before.child.pid, redis: redis.pid } }] : []),
      { name: "bare node:http, same bytes", url: `http://127.0.0.1:${bare.port}`, pids: { process: bare.child.pid } },
      {
        name: "node:http + one Redis GET",
        url: `http://127.0.0.1:${redisGet.port}`,
        pids: { process: redisGet.child.pid, redis: redis.pid },
      },
    ];
    const requests = [post(body)];
    // Warm-up; the first request to each service is a miss that stores the response.
    for (const target of targets) await measure(target.url, requests, connections, 2);
    const runs = targets.map(() => []);
    for (let round = 0; round < rounds; round++) {
      // Each round starts with the next target: on a busy machine whichever runs first in a round fares differently.
      for (let k = 0; k < targets.length; k++) {
        const i = (round + k) % targets.length;
        const target = targets[i];
        runs[i].push(await withCpuPerRequest(target.pids, () => measure(target.url, requests, connections, seconds)));
      }
    }
    const results = runs.map(median);
    const service0 = total(results[0].cpu);
    console.log(
      [
        `Run ${new Date().toISOString()} · cached hit (dashboard query) · median of ${rounds} alternating ${seconds} s measurements · ${connections} connections · LOG_LEVEL=${logLevel} · node ${process.version}`,
        "",
        "| target | req/s | process CPU ms/req | Redis CPU ms/req | total CPU ms/req | vs service | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ...targets.map((target, i) => {
          const { result, cpu } = results[i];
          const errors = runs[i].reduce((sum, run) => sum + run.result.errors + run.result.non2xx + run.result.timeouts, 0);
          return `| ${target.name} | ${Math.round(result.requests.average)} | ${ms(cpu.process)} | ${ms(cpu.redis)} | ${ms(total(cpu))} | ${((100 * total(cpu)) / service0).toFixed(0)} % | ${errors} |`;
        }),
      ].join("\n"),
    );
  } finally {
    // Redis last: the others hold connections to it.
    for (const child of children.reverse()) child.kill("SIGTERM");
    await new Promise((resolve) => setTimeout(resolve, 500));
    await cleanup();
  }
}

await main();

// One leader for background work (SPEC.md §14): with two instances on one database, the health monitor runs on
// exactly one (the holder of the `background-work` lease); when that instance is killed with SIGKILL, the other
// takes over within the lease's lifetime (well within 30 s) and the work goes on. Uses a database of its own, so
// the monitor sees only this test's configs, and a fake provider to count the checks.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, TEST_ENCRYPTION_KEYS, type TestApp, tenant } from "./support/app.js";
import { type FakeProviderServer, startFakeProvider } from "./support/fake-provider.js";
import { createScratchDatabase } from "./support/postgres.js";

const main = join(import.meta.dirname, "..", "dist", "main.js");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function leads(url: string): Promise<boolean> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  return /^pcs_leader\{lease="background-work"\} 1$/m.test(metrics);
}

describe.skipIf(!hasPostgres())("background work on one instance at a time", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let upstream: FakeProviderServer;
  let child: ChildProcess | undefined;
  let childUrl = "";
  let b: TestApp;

  beforeAll(async () => {
    // CI builds before testing (npm run schema:check); build here only when nothing was built.
    if (!existsSync(main)) await promisify(execFile)("npm", ["run", "build"], { cwd: join(import.meta.dirname, "..") });
    scratch = await createScratchDatabase("pcs_leader");
    upstream = await startFakeProvider();
    const env = {
      DATABASE_URL: scratch.url,
      PROVIDER_CHECK_ORIGIN_OVERRIDE: upstream.origin,
      HEALTH_MONITOR_INTERVAL_SECONDS: "1",
      LEADER_LEASE_TTL_SECONDS: "3",
      CONFIG_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    };
    // Instance A is a real process (so that it can be killed), started first so that it takes the lease.
    child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", DATA_DIR: `/tmp/pcs-leader-${Date.now()}`, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let pending = "";
    const listening = new Promise<string>((resolve) => {
      child?.stdout?.on("data", (chunk: Buffer) => {
        pending += chunk.toString();
        const lines = pending.split("\n");
        pending = lines.pop() ?? "";
        for (const line of lines) {
          const url = line.includes('"provider config service listening"') ? (JSON.parse(line).url as string) : undefined;
          if (url) resolve(url.replace(/\/graphql$/, ""));
        }
      });
    });
    childUrl = await listening;
    for (let attempt = 0; attempt < 50 && !(await leads(childUrl)); attempt++) await sleep(200);
    b = await startTestApp({ env });
  }, 180_000);

  afterAll(async () => {
    child?.kill("SIGKILL");
    await b?.stop();
    await upstream?.close();
    await scratch?.drop();
  });

  test("one instance checks; after it is killed (SIGKILL) the other takes over", { timeout: 60_000 }, async () => {
    const tenantId = tenant("leader");
    const write = await b.gql(`mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id } }`, {
      i: { tenantId, providerType: "MAP", providerName: "openstreetmap" },
    });
    expect(write.errors).toBeUndefined();
    expect(await leads(childUrl)).toBe(true);
    expect(await leads(b.url)).toBe(false);

    // About one round a second between both instances: one keyless provider, one request a round.
    await sleep(1500);
    const before = upstream.requests.length;
    await sleep(4000);
    const checksWhileALeads = upstream.requests.length - before;
    expect(checksWhileALeads).toBeGreaterThanOrEqual(2);
    expect(checksWhileALeads).toBeLessThanOrEqual(6); // both instances checking would make about 8

    const killedAt = Date.now();
    child?.kill("SIGKILL");
    await expect.poll(() => leads(b.url), { timeout: 30_000, interval: 200 }).toBe(true);
    expect(Date.now() - killedAt).toBeLessThan(30_000);
    const atTakeOver = upstream.requests.length;
    await expect.poll(() => upstream.requests.length, { timeout: 5000, interval: 200 }).toBeGreaterThan(atTakeOver);
  });
});

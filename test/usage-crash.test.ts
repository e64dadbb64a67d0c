// SPEC.md §12: accepted usage is durable when recordProviderUsage returns. The built server (node dist/main.js) records
// a batch, is killed with SIGKILL right after the response, and a new server on the same database finds all of it.
import { type ChildProcessByStdio, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { promisify } from "node:util";
import { afterAll, describe, expect, test } from "vitest";
import { hasPostgres, postGraphQL, TEST_ENCRYPTION_KEYS, tenant } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

const main = join(import.meta.dirname, "..", "dist", "main.js");
const RECORD = `mutation($usage: [ProviderUsageInput!]!) { recordProviderUsage(usage: $usage) { accepted duplicates } }`;
const USAGE = `query($t: String!, $from: DateTime!, $to: DateTime!) {
  providerUsage(tenantId: $t, from: $from, to: $to, granularity: HOUR) { providerName quantity events } }`;

interface Server {
  child: ChildProcessByStdio<null, Readable, Readable>;
  url: string;
}

/** Starts the built server and resolves with its GraphQL URL once it listens. */
async function startServer(env: Record<string, string>): Promise<Server> {
  if (!existsSync(main)) await promisify(execFile)("npm", ["run", "build"], { cwd: join(import.meta.dirname, "..") });
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH, PORT: "0", HOST: "127.0.0.1", CONFIG_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS, LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let pending = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const parsed = line.trim() ? (JSON.parse(line) as { msg?: string; url?: string }) : {};
        if (parsed.msg === "provider config service listening" && parsed.url) resolve(parsed.url.replace(/\/graphql$/, ""));
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

const killed = (server: Server) =>
  new Promise<NodeJS.Signals | null>((resolve) => {
    server.child.once("exit", (_code, signal) => resolve(signal));
    server.child.kill("SIGKILL");
  });

/** Records 1000 records, SIGKILLs the server as soon as the receipt arrives, restarts, and reads them back. */
async function recordKillRead(env: Record<string, string>) {
  const tenantId = tenant("crash");
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const at = new Date(hour - 3_600_000).toISOString();
  const usage = Array.from({ length: 1000 }, (_, i) => ({
    tenantId,
    providerType: "MAP",
    providerName: i % 2 ? "google_maps" : "mapbox_streets",
    quantity: 2,
    at,
    idempotencyKey: `tile-${i}`,
  }));
  const first = await startServer(env);
  let receipt: unknown;
  try {
    const response = await postGraphQL(first.url, RECORD, { usage });
    receipt = response.errors ?? response.data;
  } finally {
    expect(await killed(first)).toBe("SIGKILL");
  }
  const second = await startServer(env);
  try {
    const read = await postGraphQL(second.url, USAGE, {
      t: tenantId,
      from: new Date(hour - 2 * 3_600_000).toISOString(),
      to: new Date(hour + 3_600_000).toISOString(),
    });
    // Sending the same batch again finds every key: nothing was lost and nothing is counted twice.
    const again = (await postGraphQL(second.url, RECORD, { usage })).data;
    return { receipt, read: read.data, again };
  } finally {
    await killed(second);
  }
}

const expected = {
  receipt: { recordProviderUsage: { accepted: 1000, duplicates: 0 } },
  read: {
    providerUsage: [
      { providerName: "google_maps", quantity: 1000, events: 500 },
      { providerName: "mapbox_streets", quantity: 1000, events: 500 },
    ],
  },
  again: { recordProviderUsage: { accepted: 0, duplicates: 1000 } },
};

describe.skipIf(!hasPostgres())("a crash right after recordProviderUsage returns, on PostgreSQL", () => {
  let drop: (() => Promise<void>) | undefined;
  afterAll(() => drop?.());

  test("the batch is all there after a restart", { timeout: 180_000 }, async () => {
    const scratch = await createScratchDatabase("pcs_usage_crash");
    drop = scratch.drop;
    expect(await recordKillRead({ DATABASE_URL: scratch.url })).toEqual(expected);
  });
});

describe("a crash right after recordProviderUsage returns, on PGlite on disk", () => {
  let dataDir: string | undefined;
  afterAll(() => (dataDir ? rm(dataDir, { recursive: true, force: true }) : undefined));

  test("the batch is all there after a restart", { timeout: 180_000 }, async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pcs-usage-crash-"));
    expect(await recordKillRead({ DATA_DIR: dataDir })).toEqual(expected);
  });
});

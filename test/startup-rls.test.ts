// SPEC.md §13: in production, a database login that bypasses row-level security (BYPASSRLS or superuser) and cannot
// switch to the application role stops start-up, with a message that says why and how to fix it, and names neither
// the URL nor its password; outside production the service starts and warns. Real PostgreSQL: a login role of its
// own, owning a database of its own, both dropped afterwards.
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, TEST_ENCRYPTION_KEYS, tenant } from "./support/app.js";
import { adminUrl, databaseUrl, TEST_PG_URL } from "./support/postgres.js";
import { TEST_JWT_SECRET } from "./support/tokens.js";

const PASSWORD = `pw-${randomBytes(6).toString("hex")}`;
const REFUSAL =
  /^Refusing to start in production: the database user bypasses row-level security \(it is a superuser or has BYPASSRLS\) and is not a member of the pcs_app role\. Connect as a user without BYPASSRLS, or GRANT pcs_app to this user\.$/;

describe.skipIf(!hasPostgres())("a login that bypasses row-level security", () => {
  const name = `pcs_bypass_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  let admin: pg.Client;
  let url: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
    await admin.connect();
    // BYPASSRLS, not a superuser, not a member of pcs_app; it owns its database, so it can apply the migrations there.
    await admin.query(`CREATE ROLE "${name}" LOGIN BYPASSRLS PASSWORD '${PASSWORD}'`);
    await admin.query(`CREATE DATABASE "${name}" OWNER "${name}"`);
    const target = new URL(databaseUrl(TEST_PG_URL, name));
    target.username = name;
    target.password = PASSWORD;
    url = target.toString();
  });

  afterAll(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin?.query(`DROP ROLE IF EXISTS "${name}"`);
    await admin?.end();
  });

  const connectionsOfRole = async () =>
    Number((await admin.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1", [name])).rows[0]?.n);

  test("in production, start-up is refused with a clear message, and the database is closed", async () => {
    const started = startTestApp({ env: { DATABASE_URL: url, NODE_ENV: "production", AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    const error = await started.then(
      (t) => t.stop().then(() => undefined),
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toMatch(REFUSAL);
    expect(message).not.toContain(PASSWORD);
    expect(message).not.toContain("postgresql://");
    expect(message).not.toContain(name);
    // No pooled or migration connection is left open by the refused start.
    await expect.poll(connectionsOfRole, { timeout: 5_000 }).toBe(0);
  });

  test("outside production the service starts, warns, and works", async () => {
    const t = await startTestApp({ env: { DATABASE_URL: url } });
    try {
      expect(t.app.database.rowLevelSecurity).toBe("bypassed");
      expect(t.logs).toContainEqual(
        expect.objectContaining({ level: 40, msg: expect.stringMatching(/^ROW-LEVEL SECURITY IS BYPASSED: the database user bypasses/) }),
      );
      const tenantId = tenant("bypass");
      const created = await t.gql(
        `mutation($t: String!) { upsertProviderConfig(input: {tenantId: $t, providerType: MAP, providerName: "openstreetmap"}) { version } }`,
        { t: tenantId },
      );
      expect(created.data?.upsertProviderConfig.version).toBe(1);
    } finally {
      await t.stop();
    }
  });

  test("the built server (node dist/main.js) exits 1 printing 'Failed to start:' and that message", { timeout: 180_000 }, async () => {
    const main = join(import.meta.dirname, "..", "dist", "main.js");
    // CI builds before testing (npm run schema:check); build here only when nothing was built.
    if (!existsSync(main)) await promisify(execFile)("npm", ["run", "build"], { cwd: join(import.meta.dirname, "..") });
    const child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: url,
        AUTH_JWT_SECRET: TEST_JWT_SECRET,
        CONFIG_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(1);
    const [line, ...rest] = stderr.trim().split("\n");
    expect(rest).toEqual([]);
    expect(line?.replace(/^Failed to start: /, "")).toMatch(REFUSAL);
    expect(line).toMatch(/^Failed to start: /);
    expect(`${output}${stderr}`).not.toContain(PASSWORD);
    expect(`${output}${stderr}`).not.toContain("postgresql://");
  });
});

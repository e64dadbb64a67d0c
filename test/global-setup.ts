// Runs once per `vitest run`. Uses the machine's PostgreSQL and Redis when they answer (CI makes sure they do
// and sets PCS_TEST_REQUIRE_SERVICES=1 so that a missing one fails the run); otherwise integration tests run on
// embedded PGlite and Redis-only tests are skipped, so `npm test` also works on a bare machine.
// With PostgreSQL: a private database for this run, migrated by our own migrator. Always: a migrated PGlite
// template that test files clone in ~0.4 s instead of a 4 s cold start.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Redis } from "ioredis";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { pgliteSession } from "../src/infra/database/database.js";
import { applyMigrations, readMigrations } from "../src/infra/database/migrator.js";
import { adminUrl, databaseUrl, TEST_PG_URL } from "./support/postgres.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The run's PostgreSQL database, or null when no PostgreSQL answers. */
    databaseUrl: string | null;
    /** The machine's Redis, or null when none answers. */
    redisUrl: string | null;
    pgliteTemplate: string;
    /** The same, before any migration ran. */
    pgliteEmptyTemplate: string;
  }
}

const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const required = process.env.PCS_TEST_REQUIRE_SERVICES === "1";

async function postgresAnswers(): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl(TEST_PG_URL), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

async function redisAnswers(): Promise<boolean> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on("error", () => {});
  try {
    await redis.connect();
    return (await redis.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject) {
  const [hasPostgres, hasRedis] = await Promise.all([postgresAnswers(), redisAnswers()]);
  const missing = [hasPostgres ? "" : `PostgreSQL (${TEST_PG_URL})`, hasRedis ? "" : `Redis (${TEST_REDIS_URL})`].filter(Boolean);
  if (missing.length > 0) {
    if (required) throw new Error(`PCS_TEST_REQUIRE_SERVICES=1 but these do not answer: ${missing.join(", ")}`);
    console.warn(`\n  Not reachable: ${missing.join(", ")}. Integration tests use embedded PGlite; Redis-only tests are skipped.\n`);
  }

  let dropDatabase = async () => {};
  let url: string | null = null;
  if (hasPostgres) {
    const name = `pcs_test_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
    const admin = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    url = databaseUrl(TEST_PG_URL, name);
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    };
  }

  const dir = await mkdtemp(join(tmpdir(), "pcs-pglite-"));
  const template = new PGlite("memory://");
  await template.waitReady;
  const emptyTemplatePath = join(dir, "empty.tar");
  await writeFile(emptyTemplatePath, Buffer.from(await (await template.dumpDataDir("none")).arrayBuffer()));
  await applyMigrations(pgliteSession(template), await readMigrations());
  const templatePath = join(dir, "template.tar");
  await writeFile(templatePath, Buffer.from(await (await template.dumpDataDir("none")).arrayBuffer()));
  await template.close();

  project.provide("databaseUrl", url);
  project.provide("redisUrl", hasRedis ? TEST_REDIS_URL : null);
  project.provide("pgliteTemplate", templatePath);
  project.provide("pgliteEmptyTemplate", emptyTemplatePath);

  return async () => {
    await dropDatabase();
    await rm(dir, { recursive: true, force: true });
  };
}

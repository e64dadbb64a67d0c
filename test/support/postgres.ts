// The PostgreSQL server the integration tests use (the machine's own, or TEST_DATABASE_URL).
import { randomBytes } from "node:crypto";
import pg from "pg";

export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export const adminUrl = (serverUrl: string): string => databaseUrl(serverUrl, "postgres");

/** Creates an empty database of its own for a test that needs one (migrations, restarts); returns its URL and a dropper. */
export async function createScratchDatabase(prefix = "pcs_scratch"): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  return {
    url: databaseUrl(TEST_PG_URL, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: adminUrl(TEST_PG_URL) });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    },
  };
}

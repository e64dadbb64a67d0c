// Starts the real service for a test file: real HTTP, real PostgreSQL (the run's database) or a PGlite clone of
// the migrated template. Each test seeds its own tenant (see tenant()), so files run in parallel without cleanup.
import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { Writable } from "node:stream";
import { PGlite } from "@electric-sql/pglite";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { type DocumentNode, print } from "graphql";
import { inject } from "vitest";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { ALL_TENANTS } from "../../src/domain/tenant-scope.js";
import type { Executor } from "../../src/infra/database/sql-executor.js";
import { UnitOfWork } from "../../src/infra/database/unit-of-work.js";
import { createLogger } from "../../src/infra/logger.js";

export const TEST_ENCRYPTION_KEYS = `test1:${Buffer.alloc(32, 7).toString("base64")}`;

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: Array<{
    message: string;
    path?: string[];
    extensions?: { code?: string; field?: string; problems?: Array<{ path: string; message: string }> };
  }>;
}

export interface TestApp {
  app: App;
  url: string;
  /** Every log line the service wrote, parsed. */
  logs: Array<Record<string, unknown>>;
  /** The SQL of every statement the service sent (filled only with `countQueries`). */
  queries: string[];
  /** Runs raw SQL on the service's database in a transaction that may see every tenant (row-level security). */
  asAllTenants<T>(work: (db: Executor) => Promise<T>): Promise<T>;
  /** One statement on a pooled connection of the service, outside any tenant transaction. */
  outsideTransaction<Row>(sql: string): Promise<Row[]>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read response shapes freely; the assertions are the checks.
  gql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Sends a typed document from test/generated (see test/operations); data and variables are typed by it. */
  run<Result, Variables>(
    document: TypedDocumentNode<Result, Variables>,
    variables: Variables,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<Result>>;
  stop(): Promise<void>;
}

/** True when the machine's PostgreSQL answers (tests that need a real server use it in `test.skipIf`). */
export const hasPostgres = (): boolean => inject("databaseUrl") !== null;

export interface TestAppOptions {
  /** Default: PostgreSQL when it answers, else PGlite. */
  database?: "postgresql" | "pglite";
  /** Overrides of the environment the service reads. */
  env?: Record<string, string | undefined>;
  /** An already open PGlite to use. */
  pglite?: PGlite;
  /** PGlite as in production: files under DATA_DIR/pglite, not an in-memory clone. */
  pgliteOnDisk?: boolean;
  /** Record every SQL statement in `queries`. */
  countQueries?: boolean;
  /** Scheduled backups (BACKUP_DIR) this often. */
  backupIntervalMs?: number;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = inject("databaseUrl");
  const kind = options.database ?? (databaseUrl ? "postgresql" : "pglite");
  if (kind === "postgresql" && !databaseUrl) throw new Error("this test needs PostgreSQL; guard it with test.skipIf(!hasPostgres())");
  const env: Record<string, string | undefined> = {
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    CONFIG_ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    DATA_DIR: `/tmp/pcs-test-${randomBytes(4).toString("hex")}`,
    ...(kind === "postgresql" && databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const logs: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line));
      callback();
    },
  });
  const pglite = options.pglite ?? (kind === "pglite" && !options.pgliteOnDisk ? await clonePGliteTemplate() : undefined);
  // The production logger (same redaction), writing into `logs`.
  const queries: string[] = [];
  const app = await createApp(loadConfig(env), {
    logger: createLogger({ level: "info", destination: sink }),
    pglite,
    onQuery: options.countQueries ? (sql) => queries.push(sql) : undefined,
    backupIntervalMs: options.backupIntervalMs,
  });
  const url = await app.listen(0, "127.0.0.1");
  return {
    app,
    url,
    logs,
    queries,
    asAllTenants: (work) => new UnitOfWork(app.database.adapter).read(ALL_TENANTS, work),
    outsideTransaction: async <Row>(sql: string) => {
      const result = await app.database.adapter.queryRaw({ sql, args: [], argTypes: [] });
      return result.rows.map((values) => Object.fromEntries(result.columnNames.map((name, i) => [name, values[i]])) as Row);
    },
    gql: (query, variables, headers) => postGraphQL(url, query, variables, headers),
    run: (document, variables, headers) => postGraphQL(url, printed(document), variables as Record<string, unknown>, headers),
    stop: () => app.stop(),
  };
}

export async function postGraphQL<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

const printedDocuments = new WeakMap<DocumentNode, string>();

/** The query text of a generated document, printed once. */
function printed(document: DocumentNode): string {
  let text = printedDocuments.get(document);
  if (text === undefined) {
    text = print(document);
    printedDocuments.set(document, text);
  }
  return text;
}

/** A fresh in-memory PGlite holding the migrated schema, or an empty one (~0.4 s instead of a 4 s cold start). */
export async function clonePGliteTemplate(migrated = true): Promise<PGlite> {
  const tarball = await readFile(inject(migrated ? "pgliteTemplate" : "pgliteEmptyTemplate"));
  return PGlite.create({ loadDataDir: new Blob([tarball]) });
}

/** Environment for an instance on the machine's Redis, under a key prefix of its own (share it between instances). */
export function redisEnv(prefix: string): Record<string, string> {
  const url = inject("redisUrl");
  if (!url) throw new Error("this test needs Redis; guard it with describe.skipIf(!hasRedis())");
  return { REDIS_URL: url, REDIS_KEY_PREFIX: prefix };
}

export const hasRedis = (): boolean => inject("redisUrl") !== null;

/** A key prefix no other test file uses. */
export const redisPrefix = (label = "t"): string => `pcs-test-${label}-${randomBytes(4).toString("hex")}:`;

/** A tenant id no other test uses. */
export const tenant = (label = "t"): string => `${label}-${randomUUID().slice(0, 13)}`;

/** The error code of the first error, for terse assertions. */
export const codeOf = (response: GraphQLResponse): string | undefined => response.errors?.[0]?.extensions?.code;

// Query plans of the history reads on a tenant with 100,000 snapshots (SPEC.md §11, issue 12): the statements the
// repository sends for configHistory's filters and for tenantConfigAt use indexes on config_versions, never a
// sequential scan. Planned as the service plans them: as the application role, under row-level security (which
// keeps enum comparisons out of index conditions: see the history_audit migration), with the tenant setting.
// PostgreSQL only (PGlite plans like PostgreSQL but 100,000 rows would take it long to seed).
import pg from "pg";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ChangeType } from "../src/domain/provider.js";
import type { Prisma } from "../src/generated/prisma/client.js";
import { openDatabase } from "../src/infra/database/database.js";
import type { Executor } from "../src/infra/database/sql-executor.js";
import { loadCatalog } from "../src/modules/catalog/catalog.js";
import { SecretFields } from "../src/modules/catalog/secret-fields.js";
import type { HistoryFilter } from "../src/modules/history/config-version.model.js";
import { HistoryRepository } from "../src/modules/history/history.repository.js";
import { hasPostgres } from "./support/app.js";
import { createScratchDatabase } from "./support/postgres.js";

const TENANT = "big-tenant";
const ROWS = 100_000;
const CONFIGS = 200;
const start = Date.UTC(2025, 0, 1);
const minutes = (n: number) => new Date(start + n * 60_000);

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let app: pg.Client;

beforeAll(async () => {
  if (!hasPostgres()) return;
  scratch = await createScratchDatabase("pcs_plans");
  const database = await openDatabase({ url: scratch.url, dataDir: "/nonexistent", poolMax: 1 });
  await database.close();
  const owner = new pg.Client({ connectionString: scratch.url });
  await owner.connect();
  try {
    // Seeding with the indexes in place costs seconds; the same indexes (as the migrations made them) are dropped,
    // the rows loaded, and the indexes rebuilt in one pass each.
    const { rows: indexes } = await owner.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes WHERE tablename = 'config_versions' AND indexname <> 'config_versions_pkey'`,
    );
    for (const index of indexes) await owner.query(`DROP INDEX "${index.name}"`);
    // 100,000 snapshots of 200 configs, 5 minutes apart, by 50 callers; 1 in 31 disables, 1 in 97 deletes. Plus
    // 100 small tenants, so that the tenant condition is selective.
    await owner.query(
      `INSERT INTO config_versions (id, config_id, tenant_id, provider_type, provider_name, priority, enabled, config_data, version,
         change_type, changed_at, changed_by)
       SELECT gen_random_uuid(), ('00000000-0000-4000-8000-' || lpad(to_hex(i % ${CONFIGS}), 12, '0'))::uuid, $1, 'MAP'::"ProviderType", 'p' || (i % ${CONFIGS}),
         'PRIMARY'::"ProviderPriority", true, '{}'::jsonb, i / ${CONFIGS} + 1,
         (CASE WHEN i < ${CONFIGS} THEN 'CREATED' WHEN i % 97 = 0 THEN 'DELETED' WHEN i % 31 = 0 THEN 'DISABLED' ELSE 'UPDATED' END)::"ChangeType",
         $2::timestamptz + i * interval '5 minutes', 'user' || (i % 50)
       FROM generate_series(0, ${ROWS - 1}) AS i
       UNION ALL
       SELECT gen_random_uuid(), gen_random_uuid(), 'small-' || (i % 100), 'MAP'::"ProviderType", 'p', 'PRIMARY'::"ProviderPriority", true, '{}'::jsonb, 1,
         'CREATED'::"ChangeType",
         $2::timestamptz + i * interval '1 minute', 'someone'
       FROM generate_series(0, 4999) AS i`,
      [TENANT, new Date(start).toISOString()],
    );
    for (const index of indexes) await owner.query(index.definition);
    await owner.query("ANALYZE config_versions");
  } finally {
    await owner.end();
  }
  app = new pg.Client({ connectionString: scratch.url, options: "-c role=pcs_app" });
  await app.connect();
  await app.query("BEGIN");
  await app.query("SELECT set_config('app.tenant_id', $1, true)", [TENANT]);
});

afterAll(async () => {
  await app?.end();
  await scratch?.drop();
});

/** The statement a repository call sends, with its parameters as the service binds them, instead of running it. */
async function statementOf(send: (db: Executor) => Promise<unknown>): Promise<{ text: string; values: unknown[] }> {
  let statement: Prisma.Sql | undefined;
  await send({
    query: async (sql) => {
      statement = sql;
      return [];
    },
  });
  if (!statement) throw new Error("the repository sent nothing");
  const values = statement.values.map((value) =>
    value instanceof Date ? value.toISOString() : typeof value === "bigint" ? value.toString() : value,
  );
  return { text: statement.text, values };
}

/** EXPLAINs (as JSON) the statement a repository call sends. */
async function planOf(send: (db: Executor) => Promise<unknown>): Promise<PlanNode> {
  const { text, values } = await statementOf(send);
  const { rows } = await app.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
  return rows[0]["QUERY PLAN"][0].Plan as PlanNode;
}

interface PlanNode {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** Every scan of config_versions in the plan uses an index (a bitmap heap scan reads what a bitmap index scan found). */
function expectIndexed(plan: PlanNode): string[] {
  const scans = nodesOf(plan).filter((node) => node["Relation Name"] === "config_versions" || node["Node Type"].includes("Index"));
  expect(scans.length).toBeGreaterThan(0);
  for (const scan of scans)
    expect(scan["Node Type"], JSON.stringify(plan)).toMatch(/^(Index Scan|Index Only Scan|Bitmap Heap Scan|Bitmap Index Scan)$/);
  expect(JSON.stringify(plan)).not.toContain("Seq Scan");
  return scans.flatMap((scan) => (scan["Index Name"] ? [scan["Index Name"]] : []));
}

const repository = new HistoryRepository(new SecretFields(loadCatalog().list()));
const page = (filter: Omit<HistoryFilter, "tenantId">, beforeSeq?: bigint) =>
  planOf((db) => db.query(repository.pages([{ filter: { tenantId: TENANT, ...filter }, limit: 101, beforeSeq }])));

test.skipIf(!hasPostgres())("configHistory's filters use the indexes made for them", async () => {
  const shapes: Array<[string, Omit<HistoryFilter, "tenantId">, bigint | undefined, string]> = [
    ["changedBy", { changedBy: "user7" }, undefined, "config_versions_tenant_id_changed_by_seq_idx"],
    ["changedBy, next page", { changedBy: "user7" }, 50_000n, "config_versions_tenant_id_changed_by_seq_idx"],
    ["one day", { from: minutes(60 * 24 * 100), to: minutes(60 * 24 * 101) }, undefined, "config_versions_tenant_id_changed_at_seq_idx"],
    [
      "rare change types",
      { changeTypes: [ChangeType.DELETED, ChangeType.ROLLED_BACK] },
      undefined,
      "config_versions_tenant_id_seq_rare_changes_idx",
    ],
    ["a rare type since a day", { changeTypes: [ChangeType.DISABLED], from: minutes(60 * 24 * 300) }, undefined, ""],
    // Most rows match: the newest-first scan of seq (the tenant's or the primary key) stops after 101 of them.
    ["UPDATED", { changeTypes: [ChangeType.UPDATED] }, undefined, ""],
    ["all at once", { changedBy: "user3", changeTypes: [ChangeType.DELETED], from: minutes(0), to: minutes(10_000_000) }, undefined, ""],
    ["a config's, in a range", { configId: "00000000-0000-4000-8000-000000000007", from: minutes(1000) }, undefined, ""],
    ["no filter", {}, undefined, ""],
  ];
  for (const [shape, filter, beforeSeq, index] of shapes) {
    const used = expectIndexed(await page(filter, beforeSeq));
    if (index) expect(used, shape).toContain(index);
  }
});

test.skipIf(!hasPostgres())("tenantConfigAt is one statement that probes an index per config", async () => {
  const send = (db: Executor) => repository.stateAt(db, [{ tenantId: TENANT, at: minutes(60 * 24 * 200) }]);
  expect(new Set(expectIndexed(await planOf(send)))).toEqual(new Set(["config_versions_tenant_id_config_id_changed_at_seq_idx"]));
  // And answers correctly: one snapshot per config not deleted at that instant.
  const { text, values } = await statementOf(send);
  const { rows } = await app.query(text, values);
  expect(new Set(rows.map((row) => row.configId)).size).toBe(rows.length);
  expect(rows.length).toBeGreaterThan(CONFIGS / 2);
  expect(rows.length).toBeLessThanOrEqual(CONFIGS);
});

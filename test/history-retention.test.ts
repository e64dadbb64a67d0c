// History retention (SPEC.md §11, HISTORY_RETENTION_DAYS): a pass deletes snapshots older than the cutoff except the
// latest of every config (a deleted config's DELETED entry included) and, with NATS configured, events not yet
// published; rollback to a purged version is NOT_FOUND and history cursors keep paging. Each file's app has a
// database of its own (a PGlite clone, or a scratch PostgreSQL database): a pass purges every tenant's old rows, and
// other files seed old snapshots of their own.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ALL_TENANTS } from "../src/domain/tenant-scope.js";
import { Prisma } from "../src/generated/prisma/client.js";
import type { Executor } from "../src/infra/database/sql-executor.js";
import { UnitOfWork } from "../src/infra/database/unit-of-work.js";
import { purgeHistoryBatch } from "../src/modules/history/history.repository.js";
import { HistoryRetention, type HistoryRetentionRun } from "../src/modules/history/history.retention.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { historyClient } from "./support/history.js";
import { createScratchDatabase } from "./support/postgres.js";

const ROLLBACK = `mutation($id: UUID!, $v: Int!) { rollbackProviderConfig(configId: $id, version: $v) { id version } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id } }`;
/** NATS configured, but nothing listens there: the publisher never gets an event acknowledged. */
const DEAD_NATS = "nats://127.0.0.1:9";
const PUBLICATION = "nats-publication.PROVIDER_CONFIG_EVENTS";

interface Started {
  t: TestApp;
  /** The scratch database (PostgreSQL only). */
  url?: string;
  close: () => Promise<void>;
}

async function startPrivate(database: "postgresql" | "pglite", env: Record<string, string> = {}): Promise<Started> {
  const base = { HISTORY_RETENTION_DAYS: "30", ...env };
  if (database === "pglite") {
    const t = await startTestApp({ database: "pglite", env: base });
    return { t, close: () => t.stop() };
  }
  const scratch = await createScratchDatabase("pcs_retention");
  const t = await startTestApp({ database: "postgresql", env: { ...base, DATABASE_URL: scratch.url } });
  return {
    t,
    url: scratch.url,
    close: async () => {
      await t.stop();
      await scratch.drop();
    },
  };
}

/** Writes as the login user (the owner), e.g. to age snapshots: the service itself never changes history. */
const asOwner = <T>(t: TestApp, work: (db: Executor) => Promise<T>) => new UnitOfWork(t.app.database.adapter).write(ALL_TENANTS, work);

async function age(t: TestApp, configId: string, versions: number[], days = 100): Promise<void> {
  await asOwner(t, (db) =>
    db.query(Prisma.sql`UPDATE config_versions SET changed_at = now() - make_interval(days => ${days}::int)
      WHERE config_id = ${configId}::uuid AND version = ANY(${versions}::int[])`),
  );
}

/**
 * Waits until the change stream's watermark is past every snapshot written so far. Transaction ids are the
 * cluster's: a transaction still running in another database (another test run) holds the watermark back too.
 */
async function settled(t: TestApp): Promise<void> {
  const passed = async () => {
    const [row] = await t.asAllTenants((db) =>
      db.query<{ passed: boolean }>(
        Prisma.sql`SELECT coalesce(pg_snapshot_xmin(pg_current_snapshot()) > max(txid), true) AS passed FROM config_versions`,
      ),
    );
    return row?.passed === true;
  };
  await expect.poll(passed, { timeout: 15_000, interval: 100 }).toBe(true);
}

async function versionsOf(t: TestApp, configId: string): Promise<number[]> {
  const rows = await t.asAllTenants((db) =>
    db.query<{ version: number }>(Prisma.sql`SELECT version FROM config_versions WHERE config_id = ${configId}::uuid ORDER BY version`),
  );
  return rows.map((row) => Number(row.version));
}

async function metric(t: TestApp, line: string): Promise<number | undefined> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  const found = text.split("\n").find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

const databases: Array<"pglite" | "postgresql"> = hasPostgres() ? ["pglite", "postgresql"] : ["pglite"];

describe.each(databases)("history retention (%s)", (database) => {
  let s: Started;
  const client = historyClient(() => s.t);
  beforeAll(async () => {
    s = await startPrivate(database);
  });
  afterAll(() => s?.close());

  test("purges old snapshots but each config's latest; rollback to a purged version is NOT_FOUND; cursors still page", async () => {
    const t = s.t;
    const tenantId = tenant();
    // Written in this order, so configHistory (newest first) reads Z3 Z2 Z1 Y3 Y2 Y1 X5 X4 X3 X2 X1.
    const x = await client.configWithVersions(tenantId, 5, "openstreetmap");
    const y = await client.configWithVersions(tenantId, 2, "esri_streets");
    expect((await t.gql(DELETE, { id: y })).errors).toBeUndefined();
    const z = await client.configWithVersions(tenantId, 3, "mapbox");
    await age(t, x, [1, 2, 3]);
    await age(t, y, [1, 2, 3]);
    await age(t, z, [1], 10); // old, but within the 30 days

    const before = await client.page({ tenantId, limit: 5 });
    expect(before.data?.configHistory.items.map((item) => `${item.version}`)).toEqual(["3", "2", "1", "3", "2"]);
    const cursor = before.data?.configHistory.nextCursor;
    expect(cursor).toEqual(expect.any(String));

    await settled(t);
    const run = await t.app.historyRetention?.runOnce();
    expect(run).toMatchObject({ deleted: 5, truncated: false });
    expect(await versionsOf(t, x)).toEqual([4, 5]);
    expect(await versionsOf(t, y)).toEqual([3]); // the DELETED entry is the deleted config's latest
    expect(await versionsOf(t, z)).toEqual([1, 2, 3]);

    // The cursor points at Y2, which is gone: the next page starts right after it all the same.
    const next = await client.page({ tenantId, limit: 5, after: cursor });
    expect(next.errors).toBeUndefined();
    expect(next.data?.configHistory.items.map((item) => [item.configId, item.version])).toEqual([
      [x, 5],
      [x, 4],
    ]);
    expect(next.data?.configHistory.nextCursor).toBeNull();

    const purged = await t.gql(ROLLBACK, { id: x, v: 2 });
    expect(purged.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "version" });
    const purgedOfDeleted = await t.gql(ROLLBACK, { id: y, v: 1 });
    expect(purgedOfDeleted.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "version" });
    const kept = await t.gql(ROLLBACK, { id: x, v: 4 });
    expect(kept.errors).toBeUndefined();
    expect(kept.data?.rollbackProviderConfig).toEqual({ id: x, version: 6 });

    // Logged and counted; a second pass finds nothing more.
    expect(t.logs.find((line) => line.msg === "history retention run")).toMatchObject({
      historyRetention: { deleted: 5, batches: 1, days: 30 },
    });
    expect(await metric(t, "pcs_history_snapshots_purged_total")).toBe(5);
    expect(await metric(t, 'pcs_history_retention_runs_total{outcome="ok"}')).toBe(1);
    expect(await t.app.historyRetention?.runOnce()).toMatchObject({ deleted: 0 });
    expect(await metric(t, 'pcs_history_retention_runs_total{outcome="ok"}')).toBe(2);
  });

  test("in batches: a window of kept rows does not end the pass; the batch limit does, and the next run goes on", async () => {
    const t = s.t;
    const tenantId = tenant();
    const ids: string[] = [];
    for (const name of ["openstreetmap", "esri_streets", "mapbox"]) ids.push(await client.configWithVersions(tenantId, 4, name));
    // Older than anything the other tests leave, so these 12 rows are the first windows: 2 rows looked at per batch.
    for (const id of ids) await age(t, id, [1, 2, 3, 4], 200);
    const job = new HistoryRetention({
      unitOfWork: new UnitOfWork(t.app.database.adapter),
      logger: t.app.logger,
      days: 30,
      intervalMinutes: 60,
      isLeader: () => true,
      batchSize: 2,
      maxBatches: 3,
    });
    await settled(t);
    // Windows [A1 A2] [A3 A4] [B1 B2]: A4 is A's latest and stays.
    expect(await job.runOnce()).toMatchObject({ deleted: 5, batches: 3, truncated: true });
    expect(await versionsOf(t, ids[0] as string)).toEqual([4]);
    expect(await versionsOf(t, ids[1] as string)).toEqual([3, 4]);
    // Windows [A4 B3] [B4 C1] [C2 C3]; then nothing more of these.
    expect(await job.runOnce()).toMatchObject({ deleted: 4, batches: 3 });
    expect(await job.runOnce()).toMatchObject({ deleted: 0 });
    for (const id of ids) expect(await versionsOf(t, id)).toEqual([4]);
  });

  test.skipIf(database !== "postgresql")("keeps what a transaction still running could precede (the watermark)", async () => {
    const t = s.t;
    // A transaction that holds an id and stays open: the change stream's watermark stays at it.
    const open = new pg.Client({ connectionString: s.url });
    await open.connect();
    try {
      await open.query("BEGIN");
      await open.query("SELECT pg_current_xact_id()");
      const id = await client.configWithVersions(tenant(), 3, "openstreetmap");
      await age(t, id, [1, 2, 3]);
      expect(await t.app.historyRetention?.runOnce()).toMatchObject({ deleted: 0 });
      expect(await versionsOf(t, id)).toEqual([1, 2, 3]);
      await open.query("COMMIT");
      // Transaction ids are the cluster's: another database's transaction still running holds the watermark too.
      await expect
        .poll(
          async () => {
            await t.app.historyRetention?.runOnce();
            return versionsOf(t, id);
          },
          { timeout: 15_000, interval: 200 },
        )
        .toEqual([3]);
    } finally {
      await open.end();
    }
  });

  test("a publication without a stored position keeps everything", async () => {
    const t = s.t;
    const tenantId = tenant();
    const id = await client.configWithVersions(tenantId, 3, "openstreetmap");
    await age(t, id, [1, 2, 3]);
    const batch = await asOwner(t, (db) =>
      purgeHistoryBatch(db, { before: new Date(Date.now() - 30 * 86_400_000), batchSize: 100, publication: "no-such-publication" }),
    );
    expect(batch.deleted).toBe(0);
    expect(await versionsOf(t, id)).toEqual([1, 2, 3]);
  });
});

describe.each(databases)("history retention with NATS configured (%s)", (database) => {
  let s: Started;
  const client = historyClient(() => s.t);
  beforeAll(async () => {
    s = await startPrivate(database, { NATS_URL: DEAD_NATS });
  });
  afterAll(() => s?.close());

  test("events not yet published stay until the publication's position passes them", async () => {
    const t = s.t;
    const tenantId = tenant();
    const id = await client.configWithVersions(tenantId, 5, "openstreetmap");
    await age(t, id, [1, 2, 3, 4, 5]);
    const positionOf = async (version: number) => {
      const [row] = await t.asAllTenants((db) =>
        db.query<{ txid: string; seq: bigint }>(Prisma.sql`SELECT txid::text AS txid, seq FROM config_versions
          WHERE config_id = ${id}::uuid AND version = ${version}::int`),
      );
      return row as { txid: string; seq: bigint };
    };
    const publishedUpTo = async (version: number) => {
      const { txid, seq } = await positionOf(version);
      await asOwner(t, (db) =>
        db.query(Prisma.sql`INSERT INTO event_publication (name, txid, seq) VALUES (${PUBLICATION}, ${txid}::xid8, ${seq}::bigint)
          ON CONFLICT (name) DO UPDATE SET txid = EXCLUDED.txid, seq = EXCLUDED.seq`),
      );
    };

    await settled(t);
    await publishedUpTo(2);
    expect(await t.app.historyRetention?.runOnce()).toMatchObject({ deleted: 2 });
    expect(await versionsOf(t, id)).toEqual([3, 4, 5]);

    await publishedUpTo(4);
    expect(await t.app.historyRetention?.runOnce()).toMatchObject({ deleted: 2 });
    expect(await versionsOf(t, id)).toEqual([5]); // published, but the config's latest
  });
});

describe.skipIf(!hasPostgres())("two instances (PostgreSQL)", () => {
  test("a timer round purges only on the background lease's holder", async () => {
    const scratch = await createScratchDatabase("pcs_retention_lease");
    const env = { DATABASE_URL: scratch.url, HISTORY_RETENTION_DAYS: "30" };
    const a = await startTestApp({ database: "postgresql", env });
    const b = await startTestApp({ database: "postgresql", env });
    try {
      const id = await historyClient(() => a).configWithVersions(tenant(), 3, "openstreetmap");
      await age(a, id, [1, 2, 3]);
      await settled(a);
      // Until one of them holds the lease, neither round runs; from then on exactly one does.
      let rounds: Array<HistoryRetentionRun | undefined> = [];
      await expect
        .poll(
          async () => {
            rounds = await Promise.all([a, b].map((t) => t.app.historyRetention?.runIfLeader()));
            return rounds.filter((round) => round !== undefined).length;
          },
          { timeout: 10_000, interval: 100 },
        )
        .toBe(1);
      expect(rounds.find((round) => round !== undefined)).toMatchObject({ deleted: 2 });
      expect(await versionsOf(a, id)).toEqual([3]);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await scratch.drop();
    }
  });
});

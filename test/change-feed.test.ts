// configChanges (SPEC.md §9): the tenant's committed changes oldest first, resumable by cursor; every ConfigVersion
// row is an event; a change that commits late (a long transaction that took its sequence number early) is never
// skipped by a reader who already passed later ones; cursors are bound to their tenant and filter.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectError } from "./support/errors.js";

const FEED = `query Feed($t: String!, $p: ProviderType, $a: String, $l: Int) {
  configChanges(tenantId: $t, providerType: $p, after: $a, limit: $l) {
    cursor items { cursor change { id configId tenantId providerType providerName version changeType enabled hasApiKey configData changedBy } }
  } }`;
const UPSERT = `mutation($i: UpsertProviderConfigInput!) { upsertProviderConfig(input: $i) { id version } }`;

interface FeedItem {
  cursor: string;
  change: { configId: string; providerName: string; providerType: string; version: number; changeType: string };
}

async function feed(t: TestApp, tenantId: string, after?: string | null, extra: Record<string, unknown> = {}) {
  const response = await t.gql(FEED, { t: tenantId, a: after ?? null, ...extra });
  expect(response.errors).toBeUndefined();
  return response.data?.configChanges as { cursor: string | null; items: FeedItem[] };
}

/** The feed once it holds `count` items: events appear once older write transactions on the server have ended. */
async function feedOf(t: TestApp, tenantId: string, count: number, after?: string | null, extra: Record<string, unknown> = {}) {
  await expect.poll(async () => (await feed(t, tenantId, after, extra)).items.length).toBe(count);
  return feed(t, tenantId, after, extra);
}

async function upsert(t: TestApp, tenantId: string, providerName: string, configData: Record<string, unknown> = {}, providerType = "MAP") {
  const response = await t.gql(UPSERT, { i: { tenantId, providerType, providerName, configData } });
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig as { id: string; version: number };
}

for (const database of ["postgresql", "pglite"] as const) {
  describe.skipIf(database === "postgresql" && !hasPostgres())(`configChanges on ${database}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ database });
    });
    afterAll(() => t.stop());

    test("every change in commit order, then exactly what committed since the cursor", async () => {
      const tenantId = tenant("feed");
      const empty = await feed(t, tenantId);
      expect(empty).toEqual({ cursor: null, items: [] });

      const osm = await upsert(t, tenantId, "openstreetmap");
      await upsert(t, tenantId, "openstreetmap", { zoom: 3 });
      await upsert(t, tenantId, "open_meteo", {}, "WEATHER");
      const first = await feedOf(t, tenantId, 3);
      expect(first.items.map((item) => [item.change.providerName, item.change.version, item.change.changeType])).toEqual([
        ["openstreetmap", 1, "CREATED"],
        ["openstreetmap", 2, "UPDATED"],
        ["open_meteo", 1, "CREATED"],
      ]);
      expect(first.cursor).toBe(first.items[2]?.cursor);
      expect(new Set(first.items.map((item) => item.cursor)).size).toBe(3);

      // Nothing new: the same cursor comes back, with no items.
      expect(await feed(t, tenantId, first.cursor)).toEqual({ cursor: first.cursor, items: [] });

      const deleted = await t.gql(`mutation($id: UUID!) { deleteProviderConfig(id: $id) { id } }`, { id: osm.id });
      expect(deleted.errors).toBeUndefined();
      const next = await feedOf(t, tenantId, 1, first.cursor);
      expect(next.items.map((item) => [item.change.configId, item.change.changeType])).toEqual([[osm.id, "DELETED"]]);

      // Paging with a small limit walks the same stream.
      const paged: FeedItem[] = [];
      let cursor: string | null = null;
      for (let round = 0; round < 10; round++) {
        const page = await feed(t, tenantId, cursor, { l: 1 });
        if (page.items.length === 0) break;
        paged.push(...page.items);
        cursor = page.cursor;
      }
      expect(paged.map((item) => item.cursor)).toEqual([...first.items, ...next.items].map((item) => item.cursor));
    });

    test("filtered by provider type; cursors are bound to tenant and filter", async () => {
      const tenantId = tenant("feedf");
      await upsert(t, tenantId, "openstreetmap");
      await upsert(t, tenantId, "open_meteo", {}, "WEATHER");
      const weather = await feedOf(t, tenantId, 1, null, { p: "WEATHER" });
      expect(weather.items.map((item) => item.change.providerType)).toEqual(["WEATHER"]);

      const other = tenant("feedo");
      for (const [response, field] of [
        [await t.gql(FEED, { t: other, a: weather.cursor }), "after"],
        [await t.gql(FEED, { t: tenantId, a: weather.cursor }), "after"],
        [await t.gql(FEED, { t: tenantId, a: "bm9wZQ" }), "after"],
        [await t.gql(FEED, { t: tenantId, a: "x".repeat(5000) }), "after"],
        [await t.gql(FEED, { t: tenantId, l: 0 }), "limit"],
        [await t.gql(FEED, { t: tenantId, l: 1001 }), "limit"],
      ] as const) {
        expectError(response, "BAD_USER_INPUT", field);
      }
      expect((await feed(t, tenantId, null, { l: 1000 })).items).toHaveLength(2);
    });

    test("credentials never appear in an event", async () => {
      const tenantId = tenant("feeds");
      const apiKey = `sk_live_${randomUUID()}`;
      const response = await t.gql(UPSERT, {
        i: { tenantId, providerType: "PAYMENT", providerName: "stripe", apiKey, apiSecret: `${apiKey}-secret` },
      });
      expect(response.errors).toBeUndefined();
      const raw = await t.gql(FEED, { t: tenantId });
      expect(JSON.stringify(raw)).not.toContain(apiKey);
      expect(raw.data?.configChanges).toMatchObject({ items: [{ change: { hasApiKey: true } }] });
    });
  });
}

describe.skipIf(!hasPostgres())("a transaction that commits late is never skipped", () => {
  let t: TestApp;
  let holder: pg.Client;
  beforeAll(async () => {
    t = await startTestApp({ database: "postgresql" });
    holder = new pg.Client({ connectionString: inject("databaseUrl") as string });
    await holder.connect();
  });
  afterAll(async () => {
    await holder.end();
    await t.stop();
  });

  test("a reader who saw later commits still gets the early transaction's event once it commits", async () => {
    const tenantId = tenant("late");
    await upsert(t, tenantId, "openstreetmap");
    const start = await feedOf(t, tenantId, 1);

    // T1 takes its transaction id and writes an event first, but stays open.
    await holder.query("BEGIN");
    await holder.query(
      `INSERT INTO config_versions (id, config_id, tenant_id, provider_type, provider_name, priority, enabled, config_data,
         version, change_type, changed_at, changed_by)
       VALUES ($1, $2, $3, 'SMS', 'twilio', 'PRIMARY', true, '{}', 1, 'CREATED', now(), 'late-writer')`,
      [randomUUID(), randomUUID(), tenantId],
    );
    // Later transactions commit while T1 is open.
    await upsert(t, tenantId, "mapbox");
    await upsert(t, tenantId, "open_meteo", {}, "WEATHER");

    const seen: FeedItem[] = [];
    let cursor = start.cursor;
    const poll = async () => {
      const page = await feed(t, tenantId, cursor);
      seen.push(...page.items);
      cursor = page.cursor;
    };
    await poll(); // while T1 is open: the later commits are held back (or delivered), never T1 skipped
    await holder.query("COMMIT");
    // Other test files' transactions on the same server may hold the watermark a little longer: poll until all three.
    await expect
      .poll(async () => {
        await poll();
        return seen.length;
      })
      .toBeGreaterThanOrEqual(3);

    expect(seen.map((item) => item.change.providerName).sort()).toEqual(["mapbox", "open_meteo", "twilio"]);
    // T1 took its id first: in the stream it comes first, and no event is repeated.
    expect(seen.map((item) => item.change.providerName)).toEqual(["twilio", "mapbox", "open_meteo"]);
    expect(new Set(seen.map((item) => item.cursor)).size).toBe(3);
  });
});

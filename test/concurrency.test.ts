// Concurrent writes over real HTTP against the real PostgreSQL (SPEC.md §3): writes to one config are serialized,
// no write is lost, versions stay contiguous and (configId, version) unique, and a writer that loses a race gets a
// SPEC error code (CONFLICT / NOT_FOUND), never an internal error.

import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { codeOf, type GraphQLResponse, startTestApp, type TestApp, tenant } from "./support/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const WRITERS = 30;

const UPSERT = `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version configData } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) {
  upsertProviderConfigs(tenantId: $t, configs: $configs) { id providerName version } }`;
const DELETE = `mutation($id: UUID!) { deleteProviderConfig(id: $id) { id version } }`;
const ROLLBACK = `mutation($id: UUID!, $v: Int!) { rollbackProviderConfig(configId: $id, version: $v) { id version } }`;

type Response = GraphQLResponse<Record<string, { id: string; version: number; configData?: Record<string, unknown> }>>;

const inParallel = (count: number, request: (index: number) => Promise<Response>): Promise<Response[]> =>
  Promise.all(Array.from({ length: count }, (_, index) => request(index)));

const upsert = (input: Record<string, unknown>): Promise<Response> => t.gql(UPSERT, { input });

async function create(input: Record<string, unknown>): Promise<string> {
  const response = await upsert(input);
  expect(response.errors).toBeUndefined();
  return response.data?.upsertProviderConfig?.id as string;
}

interface Snapshot {
  configId: string;
  version: number;
  changeType: string;
  configData: Record<string, unknown>;
}

/** Every snapshot of the tenant, read from the table itself, oldest version first per config. */
function snapshots(tenantId: string): Promise<Snapshot[]> {
  return t.asAllTenants((db) =>
    db.query<Snapshot>(Prisma.sql`SELECT config_id::text AS "configId", version, change_type::text AS "changeType",
    config_data AS "configData" FROM config_versions WHERE tenant_id = ${tenantId} ORDER BY config_id, version, seq`),
  );
}

async function configRows(tenantId: string): Promise<Array<{ id: string; version: number }>> {
  return t.asAllTenants((db) => db.query(Prisma.sql`SELECT id::text, version FROM provider_configs WHERE tenant_id = ${tenantId}`));
}

const oneTo = (last: number): number[] => Array.from({ length: last }, (_, index) => index + 1);

/** Per config: versions are exactly 1..max, each once; a live config's row is at its newest version. */
async function expectConsistentHistory(tenantId: string): Promise<Map<string, Snapshot[]>> {
  const byConfig = new Map<string, Snapshot[]>();
  for (const snapshot of await snapshots(tenantId)) byConfig.set(snapshot.configId, [...(byConfig.get(snapshot.configId) ?? []), snapshot]);
  for (const [configId, history] of byConfig) {
    expect(
      history.map((s) => s.version),
      configId,
    ).toEqual(oneTo(history.length));
    expect(history[0]?.changeType).toBe("CREATED");
  }
  for (const row of await configRows(tenantId)) {
    const history = byConfig.get(row.id) ?? [];
    expect(history.at(-1)?.version).toBe(row.version);
    expect(history.at(-1)?.changeType).not.toBe("DELETED");
  }
  return byConfig;
}

/** Succeeded, or failed with one of the `allowed` SPEC codes. */
function expectSuccessOr(responses: Response[], allowed: readonly string[]): void {
  for (const response of responses) {
    if (response.errors) expect(allowed, JSON.stringify(response.errors)).toContain(codeOf(response));
    else expect(response.data).toBeTruthy();
  }
  expect(t.logs.filter((line) => line.msg === "unexpected error")).toEqual([]);
}

/** The writers whose data a snapshot records; DELETED and ROLLED_BACK snapshots repeat older data, so they do not count. */
const writersOf = (history: Snapshot[]): unknown[] =>
  history
    .filter((s) => s.changeType !== "DELETED" && s.changeType !== "ROLLED_BACK")
    .map((s) => s.configData.writer)
    .filter((writer) => writer !== undefined);

describe("parallel upserts of one config", () => {
  test("to an existing config: all succeed, versions 2..N+1, every write in exactly one snapshot", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const id = await create({ ...key, configData: { initial: true } });

    const responses = await inParallel(WRITERS, (writer) => upsert({ ...key, configData: { writer } }));
    for (const [writer, response] of responses.entries()) {
      expect(response.errors).toBeUndefined();
      expect(response.data?.upsertProviderConfig).toMatchObject({ id, configData: { writer } });
    }
    expect(responses.map((r) => r.data?.upsertProviderConfig?.version).sort((a, b) => Number(a) - Number(b))).toEqual(
      oneTo(WRITERS + 1).slice(1),
    );
    expect(await configRows(tenantId)).toEqual([{ id, version: WRITERS + 1 }]);
    const history = (await expectConsistentHistory(tenantId)).get(id) ?? [];
    expect(history).toHaveLength(WRITERS + 1);
    expect(writersOf(history).sort((a, b) => Number(a) - Number(b))).toEqual(oneTo(WRITERS).map((n) => n - 1));
  });

  test("creates of the same new key with identical input: one row, one CREATED snapshot, one id", async () => {
    const tenantId = tenant("cc");
    const input = { tenantId, providerType: "WEATHER", providerName: "open_meteo", configData: { units: "metric" } };
    const responses = await inParallel(WRITERS, () => upsert(input));
    expectSuccessOr(responses, []);
    const ids = new Set(responses.map((r) => r.data?.upsertProviderConfig?.id));
    expect(ids.size).toBe(1);
    expect(responses.every((r) => r.data?.upsertProviderConfig?.version === 1)).toBe(true);
    expect(await configRows(tenantId)).toEqual([{ id: [...ids][0], version: 1 }]);
    expect((await snapshots(tenantId)).map((s) => s.changeType)).toEqual(["CREATED"]);
  });

  test("creates of the same new key with distinct data: one CREATED, N-1 UPDATED, nothing lost", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "SMS", providerName: "twilio", enabled: false };
    const responses = await inParallel(WRITERS, (writer) => upsert({ ...key, configData: { writer } }));
    expectSuccessOr(responses, []);
    expect(new Set(responses.map((r) => r.data?.upsertProviderConfig?.id)).size).toBe(1);
    const rows = await configRows(tenantId);
    expect(rows).toHaveLength(1);
    const history = (await expectConsistentHistory(tenantId)).get(rows[0]?.id ?? "") ?? [];
    expect(history.map((s) => s.changeType)).toEqual(["CREATED", ...Array(WRITERS - 1).fill("UPDATED")]);
    expect(writersOf(history).sort((a, b) => Number(a) - Number(b))).toEqual(oneTo(WRITERS).map((n) => n - 1));
  });
});

describe("expectedVersion under contention", () => {
  test("N writers expecting the same version: one succeeds, the others get CONFLICT", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "MAP", providerName: "opentopomap" };
    const id = await create(key);
    const responses = await inParallel(WRITERS, (writer) => upsert({ ...key, configData: { writer }, expectedVersion: 1 }));
    expect(responses.filter((r) => !r.errors)).toHaveLength(1);
    expect(responses.filter((r) => codeOf(r) === "CONFLICT")).toHaveLength(WRITERS - 1);
    expect(await configRows(tenantId)).toEqual([{ id, version: 2 }]);
    expect((await expectConsistentHistory(tenantId)).get(id)).toHaveLength(2);
  });

  test("N creators with expectedVersion 0: one creates, the others get CONFLICT", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "MAP", providerName: "opentopomap", expectedVersion: 0 };
    const responses = await inParallel(WRITERS, (writer) => upsert({ ...key, configData: { writer } }));
    expect(responses.filter((r) => !r.errors)).toHaveLength(1);
    expect(responses.filter((r) => codeOf(r) === "CONFLICT")).toHaveLength(WRITERS - 1);
    expect(await snapshots(tenantId)).toHaveLength(1);
  });
});

describe("parallel batches", () => {
  test("overlapping keys in different orders: all succeed, no deadlock surfaces, versions contiguous", async () => {
    const tenantId = tenant("cc");
    const names = ["openstreetmap", "esri_streets", "opentopomap", "esri_satellite"];
    // Two of the four exist before the batches start; the other two are created by whichever batch wins.
    for (const providerName of names.slice(0, 2)) await create({ tenantId, providerType: "MAP", providerName });
    const batches = 20;
    const responses = await inParallel(batches, (batch) => {
      const rotated = [...names.slice(batch % names.length), ...names.slice(0, batch % names.length)];
      const order = batch % 2 === 0 ? rotated : rotated.reverse();
      const configs = order.map((providerName) => ({ providerType: "MAP", providerName, configData: { writer: batch } }));
      return t.gql(BATCH, { t: tenantId, configs });
    });
    expectSuccessOr(responses, []);
    const byConfig = await expectConsistentHistory(tenantId);
    expect(byConfig.size).toBe(names.length);
    for (const history of byConfig.values()) {
      expect(writersOf(history).sort((a, b) => Number(a) - Number(b))).toEqual(oneTo(batches).map((n) => n - 1));
    }
    expect((await configRows(tenantId)).map((row) => row.version).sort()).toEqual([20, 20, 21, 21]);
  });
});

describe("deletes and rollbacks racing writes", () => {
  test("a delete racing upserts: no lost write, at most one row for the key, history consistent", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "WEATHER", providerName: "open_meteo" };
    const id = await create(key);
    const responses = await inParallel(WRITERS + 1, (writer) =>
      writer === WRITERS / 2 ? t.gql(DELETE, { id }) : upsert({ ...key, configData: { writer } }),
    );
    expectSuccessOr(responses, ["CONFLICT", "NOT_FOUND"]);
    const upserts = responses.filter((_, writer) => writer !== WRITERS / 2);
    expect(upserts.every((r) => !r.errors)).toBe(true);
    expect((await configRows(tenantId)).length).toBeLessThanOrEqual(1);
    const byConfig = await expectConsistentHistory(tenantId);
    expect(byConfig.get(id)?.at(-1)?.changeType).toBe("DELETED");
    // Every acknowledged upsert is the snapshot it says it is.
    const all = [...byConfig.values()].flat();
    for (const response of upserts) {
      const { id: configId, version, configData } = response.data?.upsertProviderConfig ?? {};
      expect(all.filter((s) => s.configId === configId && s.version === version).map((s) => s.configData)).toEqual([configData]);
    }
    expect(writersOf(all)).toHaveLength(WRITERS);
  });

  test("parallel rollbacks of one deleted config bring it back once, under its id", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const id = await create({ ...key, configData: { step: 1 } });
    await upsert({ ...key, configData: { step: 2 } });
    expect((await t.gql(DELETE, { id })).errors).toBeUndefined();

    const responses = await inParallel(WRITERS, (writer) => t.gql(ROLLBACK, { id, v: (writer % 2) + 1 }));
    expectSuccessOr(responses, ["CONFLICT", "NOT_FOUND"]);
    expect(responses.filter((r) => r.errors)).toEqual([]);
    expect(new Set(responses.map((r) => r.data?.rollbackProviderConfig?.id))).toEqual(new Set([id]));
    const rows = await configRows(tenantId);
    expect(rows.map((row) => row.id)).toEqual([id]);
    const history = (await expectConsistentHistory(tenantId)).get(id) ?? [];
    expect(history.slice(0, 3).map((s) => s.changeType)).toEqual(["CREATED", "UPDATED", "DELETED"]);
    expect(history.slice(3).every((s) => s.changeType === "ROLLED_BACK")).toBe(true);
  });

  test("rollbacks of a deleted config racing creates of its key: one row, losers get CONFLICT", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const id = await create({ ...key, configData: { step: 1 } });
    expect((await t.gql(DELETE, { id })).errors).toBeUndefined();

    const responses = await inParallel(WRITERS, (writer) =>
      writer % 2 === 0 ? t.gql(ROLLBACK, { id, v: 1 }) : upsert({ ...key, configData: { writer } }),
    );
    expectSuccessOr(responses, ["CONFLICT"]);
    expect(await configRows(tenantId)).toHaveLength(1);
    await expectConsistentHistory(tenantId);
  });

  test("mixed upserts, rollbacks and deletes: every config's versions are exactly 1..max", async () => {
    const tenantId = tenant("cc");
    const key = { tenantId, providerType: "PAYMENT", providerName: "in-house", enabled: false };
    const id = await create({ ...key, configData: { step: 1 } });
    await upsert({ ...key, configData: { step: 2 } });
    await upsert({ ...key, configData: { step: 3 } });

    const responses = await inParallel(WRITERS, (writer) => {
      if (writer % 3 === 0) return upsert({ ...key, configData: { writer } });
      if (writer % 3 === 1) return t.gql(ROLLBACK, { id, v: (writer % 2) + 1 });
      return t.gql(DELETE, { id });
    });
    expectSuccessOr(responses, ["CONFLICT", "NOT_FOUND"]);
    expect((await configRows(tenantId)).length).toBeLessThanOrEqual(1);
    const byConfig = await expectConsistentHistory(tenantId);
    const all = [...byConfig.values()].flat();
    // No duplicate (configId, version), and every acknowledged write is in the history.
    expect(new Set(all.map((s) => `${s.configId}/${s.version}`)).size).toBe(all.length);
    for (const response of responses.filter((r) => !r.errors)) {
      const [written] = Object.values(response.data ?? {});
      expect(all.some((s) => s.configId === written?.id && s.version === written?.version)).toBe(true);
    }
  });
});

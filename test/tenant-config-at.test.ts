// tenantConfigAt (SPEC.md §11) on PostgreSQL and PGlite: every config of the tenant at its latest snapshot with
// changedAt <= at, without configs deleted by then (a rolled-back delete brings one back), ordered like
// providerConfigs; ties at one instant go to the later change; other tenants are FORBIDDEN and never mixed in.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type AuditCaller, callerOf, DELETE, setChangedAt } from "./support/audit.js";
import { expectBadInput, expectError } from "./support/errors.js";
import { TEST_JWT_SECRET } from "./support/tokens.js";

const AT = `query($tenantId: String!, $at: DateTime!) {
  tenantConfigAt(tenantId: $tenantId, at: $at) { configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changedAt } }`;
const ROLLBACK = `mutation($id: UUID!, $version: Int!) { rollbackProviderConfig(configId: $id, version: $version) { version } }`;

const day = (n: number, ms = 0) => new Date(Date.UTC(2026, 1, n, 8, 0, 0, ms)).toISOString();

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  const tenantId = tenant("at");
  const other = tenant("at-other");
  let owner: AuditCaller;
  let outsider: AuditCaller;
  let writeOnly: AuditCaller;
  const ids: Record<string, string> = {};

  /**
   * osm (MAP):          v1 PRIMARY day 1 · v2 TERTIARY day 3
   * esri (MAP):         v1 SECONDARY day 2
   * open_meteo (WEATHER): v1 day 2 · v2 DELETED day 4 · v3 ROLLED_BACK day 6
   * twilio (SMS):       v1 disabled day 5
   */
  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ database, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    owner = await callerOf(() => t, "owner", [tenantId], "config:read config:write");
    outsider = await callerOf(() => t, "outsider", [other]);
    writeOnly = await callerOf(() => t, "writer", [tenantId], "config:write");
    const osm = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    ids.osm = (await owner.upsert(osm)).id;
    await owner.upsert({ ...osm, priority: "TERTIARY", configData: { tiles: "hd" } });
    ids.esri = (await owner.upsert({ tenantId, providerType: "MAP", providerName: "esri_satellite", priority: "SECONDARY" })).id;
    ids.meteo = (await owner.upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" })).id;
    await owner.must(DELETE, { id: ids.meteo });
    await owner.must(ROLLBACK, { id: ids.meteo, version: 1 });
    ids.twilio = (await owner.upsert({ tenantId, providerType: "SMS", providerName: "twilio", enabled: false })).id;
    const times: Array<[string, number, string]> = [
      [ids.osm, 1, day(1)],
      [ids.osm, 2, day(3)],
      [ids.esri, 1, day(2)],
      [ids.meteo, 1, day(2)],
      [ids.meteo, 2, day(4)],
      [ids.meteo, 3, day(6)],
      [ids.twilio, 1, day(5)],
    ];
    for (const [id, version, at] of times) await setChangedAt(t, id as string, version, at);
    await outsider.upsert({ tenantId: other, providerType: "MAP", providerName: "openstreetmap" });
  });
  afterAll(() => t?.stop());

  const stateAt = async (at: string, who = () => owner) => {
    const data = await who().must(AT, { tenantId, at });
    return data.tenantConfigAt as Array<Record<string, unknown>>;
  };
  const summary = async (at: string) => (await stateAt(at)).map((v) => `${v.providerName}@${v.version}:${v.priority}`);

  test.skipIf(skip)("each config at its latest snapshot up to the instant (inclusive), ordered like providerConfigs", async () => {
    expect(await summary(day(1, -1))).toEqual([]);
    expect(await summary(day(1))).toEqual(["openstreetmap@1:PRIMARY"]);
    expect(await summary(day(2))).toEqual(["openstreetmap@1:PRIMARY", "esri_satellite@1:SECONDARY", "open_meteo@1:PRIMARY"]);
    expect(await summary(day(3))).toEqual(["esri_satellite@1:SECONDARY", "openstreetmap@2:TERTIARY", "open_meteo@1:PRIMARY"]);
    const snapshot = (await stateAt(day(3)))[1];
    expect(snapshot).toEqual({
      configId: ids.osm,
      tenantId,
      providerType: "MAP",
      providerName: "openstreetmap",
      priority: "TERTIARY",
      enabled: true,
      configData: { tiles: "hd" },
      hasApiKey: false,
      version: 2,
      changeType: "UPDATED",
      changedAt: day(3),
    });
  });

  test.skipIf(skip)("a config whose latest snapshot by then is DELETED is left out; a rollback brings it back", async () => {
    expect(await summary(day(4))).toEqual(["esri_satellite@1:SECONDARY", "openstreetmap@2:TERTIARY"]);
    expect(await summary(day(5))).toEqual(["esri_satellite@1:SECONDARY", "openstreetmap@2:TERTIARY", "twilio@1:PRIMARY"]);
    const now = await stateAt(new Date(Date.UTC(2100, 0, 1)).toISOString());
    expect(now.map((v) => `${v.providerName}@${v.version}:${v.changeType}`)).toEqual([
      "esri_satellite@1:CREATED",
      "openstreetmap@2:UPDATED",
      "open_meteo@3:ROLLED_BACK",
      "twilio@1:CREATED",
    ]);
  });

  test.skipIf(skip)("two changes of one config at the same instant: the later one counts", async () => {
    const tie = tenant("at-tie");
    const caller = await callerOf(() => t, "owner", [tie], "config:read config:write");
    const key = { tenantId: tie, providerType: "MAP", providerName: "openstreetmap" };
    const { id } = await caller.upsert(key);
    await caller.upsert({ ...key, priority: "SECONDARY" });
    await caller.must(DELETE, { id });
    for (const version of [1, 2]) await setChangedAt(t, id, version, day(10));
    await setChangedAt(t, id, 3, day(11));
    const data = await caller.must(AT, { tenantId: tie, at: day(10) });
    expect(data.tenantConfigAt.map((v: Record<string, unknown>) => `${v.version}:${v.priority}`)).toEqual(["2:SECONDARY"]);
    expect((await caller.must(AT, { tenantId: tie, at: day(11) })).tenantConfigAt).toEqual([]);
  });

  test.skipIf(skip)("another tenant is FORBIDDEN; its own answer never holds this tenant's configs; needs config:read", async () => {
    expectError(await outsider.gql(AT, { tenantId, at: day(5) }), "FORBIDDEN");
    const own = (await outsider.must(AT, { tenantId: other, at: new Date(Date.UTC(2100, 0, 1)).toISOString() })).tenantConfigAt;
    expect(own.map((v: Record<string, unknown>) => v.tenantId)).toEqual([other]);
    expectError(await writeOnly.gql(AT, { tenantId, at: day(5) }), "FORBIDDEN");
  });

  test.skipIf(skip)("bad input: an invalid tenant id or instant → BAD_USER_INPUT", async () => {
    expectBadInput(await owner.gql(AT, { tenantId: "-bad tenant", at: day(1) }), "tenantId");
    const notADate = await owner.gql(AT, { tenantId, at: "last tuesday" });
    expect(notADate.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

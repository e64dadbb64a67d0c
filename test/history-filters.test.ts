// configHistory's v2 filters (SPEC.md §11): changeTypes, changedBy, from (inclusive), to (exclusive), combined
// with each other, with the v1 filters and with cursor paging (a cursor is bound to its filters); bad input.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type AuditCaller, callerOf, DELETE, setChangedAt } from "./support/audit.js";
import { expectBadInput, expectError } from "./support/errors.js";
import { TEST_JWT_SECRET } from "./support/tokens.js";

const HISTORY = `query($tenantId: String!, $providerType: ProviderType, $configId: UUID, $limit: Int, $after: String,
    $changeTypes: [ChangeType!], $changedBy: String, $from: DateTime, $to: DateTime) {
  configHistory(tenantId: $tenantId, providerType: $providerType, configId: $configId, limit: $limit, after: $after,
    changeTypes: $changeTypes, changedBy: $changedBy, from: $from, to: $to) {
    items { providerName version changeType changedAt changedBy } nextCursor } }`;

const at = (day: number, ms = 0) => new Date(Date.UTC(2026, 0, day, 12, 0, 0, ms)).toISOString();

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  const tenantId = tenant("hf");
  const other = tenant("hf-other");
  let alice: AuditCaller;
  let bob: AuditCaller;
  let outsider: AuditCaller;
  let osm = "";
  let twilio = "";

  /**
   * osm:    v1 CREATED alice day 1 · v2 UPDATED bob day 2 · v3 DISABLED alice day 3 · v4 ENABLED bob day 4 · v5 DELETED bob day 5
   * twilio: v1 CREATED bob day 2 (+1 ms) · v2 UPDATED alice day 4 (+1 ms)
   */
  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ database, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    alice = await callerOf(() => t, "alice", [tenantId]);
    bob = await callerOf(() => t, "bob", [tenantId]);
    outsider = await callerOf(() => t, "mallory", [other]);
    const map = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const sms = { tenantId, providerType: "SMS", providerName: "twilio", enabled: false };
    osm = (await alice.upsert(map)).id;
    await bob.upsert({ ...map, priority: "SECONDARY" });
    twilio = (await bob.upsert(sms)).id;
    await alice.upsert({ ...map, enabled: false });
    await bob.upsert({ ...map, enabled: true });
    await alice.upsert({ ...sms, configData: { senderId: "ACME" } });
    await bob.must(DELETE, { id: osm });
    for (const [version, day] of [1, 2, 3, 4, 5].entries()) await setChangedAt(t, osm, version + 1, at(day));
    await setChangedAt(t, twilio, 1, at(2, 1));
    await setChangedAt(t, twilio, 2, at(4, 1));
    await outsider.upsert({ tenantId: other, providerType: "MAP", providerName: "openstreetmap" });
  });
  afterAll(() => t?.stop());

  const history = async (variables: Record<string, unknown>, caller = () => alice) => {
    const data = await caller().must(HISTORY, { tenantId, ...variables });
    return data.configHistory as { items: Array<Record<string, unknown>>; nextCursor: string | null };
  };
  const names = async (variables: Record<string, unknown>) =>
    (await history(variables)).items.map((item) => `${item.providerName}@${item.version}:${item.changeType}`);

  test.skipIf(skip)("changeTypes: only those types, as a set; an empty list matches nothing", async () => {
    expect(await names({ changeTypes: ["DELETED", "DISABLED"] })).toEqual(["openstreetmap@5:DELETED", "openstreetmap@3:DISABLED"]);
    expect(await names({ changeTypes: ["DISABLED", "DELETED", "DISABLED"] })).toEqual([
      "openstreetmap@5:DELETED",
      "openstreetmap@3:DISABLED",
    ]);
    expect(await names({ changeTypes: ["UPDATED", "CREATED"] })).toEqual([
      "twilio@2:UPDATED",
      "twilio@1:CREATED",
      "openstreetmap@2:UPDATED",
      "openstreetmap@1:CREATED",
    ]);
    expect(await names({ changeTypes: ["ROLLED_BACK"] })).toEqual([]);
    expect(await history({ changeTypes: [] })).toEqual({ items: [], nextCursor: null });
  });

  test.skipIf(skip)("changedBy: only that caller's changes", async () => {
    const items = (await history({ changedBy: "bob" })).items;
    expect(items.map((item) => `${item.providerName}@${item.version}`)).toEqual([
      "openstreetmap@5",
      "openstreetmap@4",
      "twilio@1",
      "openstreetmap@2",
    ]);
    expect(new Set(items.map((item) => item.changedBy))).toEqual(new Set(["bob"]));
    expect(await names({ changedBy: "nobody" })).toEqual([]);
  });

  test.skipIf(skip)("from is inclusive and to exclusive, to the millisecond", async () => {
    expect(await names({ from: at(2), to: at(4) })).toEqual(["openstreetmap@3:DISABLED", "twilio@1:CREATED", "openstreetmap@2:UPDATED"]);
    expect(await names({ from: at(2, 1), to: at(4, 1) })).toEqual([
      "openstreetmap@4:ENABLED",
      "openstreetmap@3:DISABLED",
      "twilio@1:CREATED",
    ]);
    expect(await names({ from: at(5) })).toEqual(["openstreetmap@5:DELETED"]);
    expect(await names({ to: at(2) })).toEqual(["openstreetmap@1:CREATED"]);
    expect(await names({ from: at(3), to: at(3) })).toEqual([]);
  });

  test.skipIf(skip)("every filter combines, with each other and with the v1 filters", async () => {
    expect(await names({ changedBy: "bob", from: at(2), to: at(5), changeTypes: ["UPDATED", "ENABLED", "CREATED"] })).toEqual([
      "openstreetmap@4:ENABLED",
      "twilio@1:CREATED",
      "openstreetmap@2:UPDATED",
    ]);
    expect(await names({ changedBy: "bob", providerType: "SMS" })).toEqual(["twilio@1:CREATED"]);
    expect(await names({ configId: osm, changeTypes: ["UPDATED"], changedBy: "alice" })).toEqual([]);
    expect(await names({ configId: twilio, changedBy: "alice", from: at(4) })).toEqual(["twilio@2:UPDATED"]);
  });

  test.skipIf(skip)("pages through a filtered list; a cursor is bound to its filters", async () => {
    const filters = { changedBy: "bob", from: at(1), to: at(6) };
    const seen: string[] = [];
    let after: string | null = null;
    const cursors: string[] = [];
    do {
      const page: { items: Array<Record<string, unknown>>; nextCursor: string | null } = await history({ ...filters, limit: 1, after });
      seen.push(...page.items.map((item) => `${item.providerName}@${item.version}`));
      after = page.nextCursor;
      if (after) cursors.push(after);
    } while (after);
    expect(seen).toEqual(["openstreetmap@5", "openstreetmap@4", "twilio@1", "openstreetmap@2"]);

    const [cursor] = cursors;
    // The same filters (changeTypes as a set) accept it; any other value of any filter refuses it.
    const types = await history({ changeTypes: ["DELETED", "ENABLED"], limit: 1 });
    expect((await history({ changeTypes: ["ENABLED", "DELETED"], limit: 1, after: types.nextCursor })).items).toHaveLength(1);
    for (const changed of [
      { ...filters, changedBy: "alice" },
      { ...filters, from: at(1, 1) },
      { ...filters, to: undefined },
      { ...filters, changeTypes: ["UPDATED"] },
      { changedBy: "bob" },
      {},
    ]) {
      expectBadInput(await alice.gql(HISTORY, { tenantId, ...changed, limit: 1, after: cursor }), "after");
    }
    expectBadInput(await alice.gql(HISTORY, { tenantId, limit: 1, after: types.nextCursor }), "after");
  });

  test.skipIf(skip)("bad input: from after to, an unknown change type, a changedBy no token can have, limit out of range", async () => {
    expectBadInput(await alice.gql(HISTORY, { tenantId, from: at(3), to: at(2) }), "from");
    const unknownType = await alice.gql(HISTORY, { tenantId, changeTypes: ["EXPLODED"] });
    expect(unknownType.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(unknownType.data ?? null).toBeNull();
    const inline = await alice.gql(`{ configHistory(tenantId: "${tenantId}", changeTypes: [EXPLODED]) { nextCursor } }`);
    expect(inline.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expectBadInput(await alice.gql(HISTORY, { tenantId, changedBy: "x".repeat(256) }), "changedBy");
    expectBadInput(await alice.gql(HISTORY, { tenantId, changedBy: "a\u0000b" }), "changedBy");
    const notADate = await alice.gql(HISTORY, { tenantId, from: "yesterday" });
    expect(notADate.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(notADate.errors?.[0]?.message).toContain("from");
    for (const limit of [0, 501]) expectBadInput(await alice.gql(HISTORY, { tenantId, limit, changedBy: "bob" }), "limit");
  });

  test.skipIf(skip)("another tenant's history, filtered or not, is FORBIDDEN; its own filters never show this tenant", async () => {
    expectError(await outsider.gql(HISTORY, { tenantId, changedBy: "bob" }), "FORBIDDEN");
    const own = await outsider.must(HISTORY, { tenantId: other, changedBy: "bob", from: at(1) });
    expect(own.configHistory.items).toEqual([]);
    expect((await outsider.must(HISTORY, { tenantId: other, configId: osm })).configHistory.items).toEqual([]);
  });
});

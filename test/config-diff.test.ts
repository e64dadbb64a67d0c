// configDiff (SPEC.md §11) end to end, on PostgreSQL and PGlite: the fields that differ between two snapshots of one
// config, in the documented order; credentials by plaintext and by name only; either order; deleted configs;
// NOT_FOUND for unknown configs and versions and for other tenants' configs (nothing leaks); bad versions; scope.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Prisma } from "../src/generated/prisma/client.js";
import { hasPostgres, startTestApp, type TestApp, tenant } from "./support/app.js";
import { type AuditCaller, callerOf, DELETE } from "./support/audit.js";
import { expectBadInput, expectError } from "./support/errors.js";
import { TEST_JWT_SECRET } from "./support/tokens.js";

const DIFF = `query($configId: UUID!, $from: Int!, $to: Int!) {
  configDiff(configId: $configId, fromVersion: $from, toVersion: $to) { configId fromVersion toVersion changes { field before after } } }`;

const secret = (label: string) => `${label}_${randomBytes(12).toString("hex")}`;

describe.each(["postgresql", "pglite"] as const)("on %s", (database) => {
  const skip = database === "postgresql" && !hasPostgres();
  let t: TestApp;
  const tenantId = tenant("diff");
  const other = tenant("diff-other");
  const key1 = secret("sk_live");
  const secret1 = secret("whsec");
  const secret2 = secret("whsec");
  let owner: AuditCaller;
  let outsider: AuditCaller;
  let writeOnly: AuditCaller;
  let id = "";
  let othersId = "";

  /**
   * v1 created (key1, secret1) · v2 priority, limits.daily, methods, note · v3 apiKey removed · v4 apiKey key1 again
   * (a new sealed value) · v5 apiSecret secret2 · v6 disabled · v7 deleted.
   */
  beforeAll(async () => {
    if (skip) return;
    t = await startTestApp({ database, env: { AUTH_JWT_SECRET: TEST_JWT_SECRET } });
    owner = await callerOf(() => t, "owner", [tenantId], "config:read config:write");
    outsider = await callerOf(() => t, "outsider", [other]);
    writeOnly = await callerOf(() => t, "writer", [tenantId], "config:write");
    const key = { tenantId, providerType: "PAYMENT", providerName: "stripe" };
    id = (
      await owner.upsert({
        ...key,
        apiKey: key1,
        apiSecret: secret1,
        configData: { currency: "YER", limits: { daily: 100, monthly: 1000 }, methods: ["card"] },
      })
    ).id;
    await owner.upsert({
      ...key,
      priority: "SECONDARY",
      configData: { currency: "YER", limits: { daily: 200, monthly: 1000 }, methods: ["card", "wallet"], note: { by: "ops" } },
    });
    await owner.upsert({ ...key, apiKey: null, enabled: false });
    await owner.upsert({ ...key, apiKey: key1 });
    await owner.upsert({ ...key, apiSecret: secret2 });
    await owner.upsert({ ...key, enabled: true, configData: {} });
    await owner.must(DELETE, { id });
    othersId = (await outsider.upsert({ tenantId: other, providerType: "MAP", providerName: "openstreetmap" })).id;
    await outsider.upsert({ tenantId: other, providerType: "MAP", providerName: "openstreetmap", priority: "TERTIARY" });
  });
  afterAll(() => t?.stop());

  const changes = async (from: number, to: number) => {
    const data = await owner.must(DIFF, { configId: id, from, to });
    expect(data.configDiff).toMatchObject({ configId: id, fromVersion: from, toVersion: to });
    expect(JSON.stringify(data)).not.toMatch(new RegExp(`${key1}|${secret1}|${secret2}`));
    return data.configDiff.changes as Array<{ field: string; before: unknown; after: unknown }>;
  };

  test.skipIf(skip)("field-level changes in the documented order, nested objects as dotted paths, arrays whole", async () => {
    expect(await changes(1, 2)).toEqual([
      { field: "priority", before: "PRIMARY", after: "SECONDARY" },
      { field: "configData.limits.daily", before: 100, after: 200 },
      { field: "configData.methods", before: ["card"], after: ["card", "wallet"] },
      { field: "configData.note", before: null, after: { by: "ops" } },
    ]);
  });

  test.skipIf(skip)("either order: before is always fromVersion's value", async () => {
    expect(await changes(2, 1)).toEqual([
      { field: "priority", before: "SECONDARY", after: "PRIMARY" },
      { field: "configData.limits.daily", before: 200, after: 100 },
      { field: "configData.methods", before: ["card", "wallet"], after: ["card"] },
      { field: "configData.note", before: { by: "ops" }, after: null },
    ]);
  });

  test.skipIf(skip)("credentials: reported by name with null values, only when the plaintext differs", async () => {
    const sealed = await t.asAllTenants((db) =>
      db.query<{ version: number; apiKey: string | null }>(Prisma.sql`SELECT version, api_key AS "apiKey" FROM config_versions
        WHERE config_id = ${id}::uuid AND version IN (1, 4) ORDER BY version`),
    );
    // v1 and v4 hold the same key sealed twice: different ciphertexts, same plaintext.
    expect(sealed[0]?.apiKey).not.toBe(sealed[1]?.apiKey);
    expect((await changes(3, 4)).filter((change) => change.field.startsWith("api"))).toEqual([
      { field: "apiKey", before: null, after: null },
    ]);
    expect((await changes(1, 4)).map((change) => change.field)).not.toContain("apiKey");
    expect(await changes(4, 5)).toEqual([{ field: "apiSecret", before: null, after: null }]);
    expect((await changes(1, 5)).map((change) => change.field).slice(0, 3)).toEqual(["priority", "enabled", "apiSecret"]);
    expect((await changes(2, 3)).slice(0, 2)).toEqual([
      { field: "enabled", before: true, after: false },
      { field: "apiKey", before: null, after: null },
    ]);
  });

  test.skipIf(skip)("the same version has no changes; a deleted config's versions are compared too", async () => {
    expect(await changes(3, 3)).toEqual([]);
    // The DELETED entry holds the state right before the delete.
    expect(await changes(6, 7)).toEqual([]);
    expect(await changes(7, 1)).toEqual([
      { field: "priority", before: "SECONDARY", after: "PRIMARY" },
      { field: "apiSecret", before: null, after: null },
      { field: "configData.currency", before: null, after: "YER" },
      { field: "configData.limits", before: null, after: { daily: 100, monthly: 1000 } },
      { field: "configData.methods", before: null, after: ["card"] },
    ]);
  });

  test.skipIf(skip)("unknown config or version → NOT_FOUND naming it", async () => {
    expectError(await owner.gql(DIFF, { configId: randomUUID(), from: 1, to: 2 }), "NOT_FOUND", "configId");
    expectError(await owner.gql(DIFF, { configId: id, from: 1, to: 8 }), "NOT_FOUND", "toVersion");
    expectError(await owner.gql(DIFF, { configId: id, from: 99, to: 1 }), "NOT_FOUND", "fromVersion");
    expectError(await owner.gql(DIFF, { configId: id.toUpperCase(), from: 99, to: 1 }), "NOT_FOUND", "fromVersion");
    expect((await owner.must(DIFF, { configId: id.toUpperCase(), from: 1, to: 3 })).configDiff.changes.length).toBeGreaterThan(0);
  });

  test.skipIf(skip)("versions ≤ 0 → BAD_USER_INPUT naming the argument", async () => {
    expectBadInput(await owner.gql(DIFF, { configId: id, from: 0, to: 1 }), "fromVersion");
    expectBadInput(await owner.gql(DIFF, { configId: id, from: 1, to: -3 }), "toVersion");
    expectBadInput(await owner.gql(DIFF, { configId: randomUUID(), from: -1, to: 0 }), "fromVersion");
  });

  test.skipIf(skip)("another tenant's config is NOT_FOUND exactly like an unknown one; needs config:read", async () => {
    const foreign = await owner.gql(DIFF, { configId: othersId, from: 1, to: 2 });
    expectError(foreign, "NOT_FOUND", "configId");
    const unknownId = randomUUID();
    const unknown = await owner.gql(DIFF, { configId: unknownId, from: 1, to: 2 });
    expect(foreign.errors?.[0]?.message.replace(othersId, "<id>")).toBe(unknown.errors?.[0]?.message.replace(unknownId, "<id>"));
    // Also for a version that exists: nothing tells whether the config exists in another tenant.
    expectError(await outsider.gql(DIFF, { configId: id, from: 1, to: 2 }), "NOT_FOUND", "configId");
    expectError(await writeOnly.gql(DIFF, { configId: id, from: 1, to: 2 }), "FORBIDDEN");
    expect((await outsider.must(DIFF, { configId: othersId, from: 1, to: 2 })).configDiff.changes).toEqual([
      { field: "priority", before: "PRIMARY", after: "TERTIARY" },
    ]);
  });
});

// configHistory paging against the real PostgreSQL: after/nextCursor, the last page, filters kept across pages,
// stability while changes arrive, and refusal of cursors not issued for the query (SPEC.md §3, §8).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startTestApp, type TestApp, tenant } from "./support/app.js";
import { expectBadInput } from "./support/errors.js";
import { historyClient } from "./support/history.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

const { upsert, page, items, configWithVersions } = historyClient(() => t);

describe("paging", () => {
  test("after: nextCursor returns the next items; the last page has no cursor", async () => {
    const tenantId = tenant();
    await configWithVersions(tenantId, 5);
    const versions = async (after: string | null) => {
      const response = await page({ tenantId, limit: 2, after });
      return [response.data?.configHistory.items.map((item) => item.version), response.data?.configHistory.nextCursor] as const;
    };
    const [first, cursor1] = await versions(null);
    expect(first).toEqual([5, 4]);
    const [second, cursor2] = await versions(cursor1 as string);
    expect(second).toEqual([3, 2]);
    const [third, cursor3] = await versions(cursor2 as string);
    expect(third).toEqual([1]);
    expect(cursor3).toBeNull();
  });

  test("a page that ends exactly at the oldest item has no cursor", async () => {
    const tenantId = tenant();
    await configWithVersions(tenantId, 4);
    const first = await page({ tenantId, limit: 2 });
    const second = await page({ tenantId, limit: 2, after: first.data?.configHistory.nextCursor });
    expect(second.data?.configHistory.items.map((item) => item.version)).toEqual([2, 1]);
    expect(second.data?.configHistory.nextCursor).toBeNull();
  });

  test("pages follow the filters they were asked with", async () => {
    const tenantId = tenant();
    const id = await configWithVersions(tenantId, 3, "openstreetmap");
    await configWithVersions(tenantId, 3, "esri_satellite");
    const first = await page({ tenantId, configId: id, limit: 2 });
    const second = await page({ tenantId, configId: id, limit: 2, after: first.data?.configHistory.nextCursor });
    expect(second.data?.configHistory.items.map((item) => `${item.providerName}@${item.version}`)).toEqual(["openstreetmap@1"]);
    expect(second.data?.configHistory.nextCursor).toBeNull();
  });

  test("stays stable while new changes arrive between page requests", async () => {
    const tenantId = tenant();
    const key = { tenantId, providerType: "MAP", providerName: "openstreetmap" };
    const id = await configWithVersions(tenantId, 6);
    const first = await page({ tenantId, limit: 2 });
    expect(first.data?.configHistory.items.map((item) => item.version)).toEqual([6, 5]);

    await upsert({ ...key, configData: { step: "new-7" } });
    await upsert({ tenantId, providerType: "WEATHER", providerName: "open_meteo" });
    const second = await page({ tenantId, limit: 2, after: first.data?.configHistory.nextCursor });
    expect(second.data?.configHistory.items.map((item) => item.version)).toEqual([4, 3]);

    await upsert({ ...key, enabled: false });
    const deleted = await t.gql(`mutation($id: UUID!) { deleteProviderConfig(id: $id) { version } }`, { id });
    expect(deleted.data?.deleteProviderConfig.version).toBe(9);
    const third = await page({ tenantId, limit: 2, after: second.data?.configHistory.nextCursor });
    expect(third.data?.configHistory.items.map((item) => item.version)).toEqual([2, 1]);
    expect(third.data?.configHistory.nextCursor).toBeNull();

    const fresh = await items({ tenantId, limit: 3 });
    expect(fresh.map((item) => `${item.providerName}@${item.version}:${item.changeType}`)).toEqual([
      "openstreetmap@9:DELETED",
      "openstreetmap@8:DISABLED",
      "open_meteo@1:CREATED",
    ]);
  });

  test("a cursor this service did not issue for this query is a BAD_USER_INPUT naming after", async () => {
    const tenantId = tenant();
    await configWithVersions(tenantId, 3);
    const otherTenant = tenant();
    await configWithVersions(otherTenant, 3);
    const otherCursor = (await page({ tenantId: otherTenant, limit: 1 })).data?.configHistory.nextCursor;
    const filteredCursor = (await page({ tenantId, providerType: "MAP", limit: 1 })).data?.configHistory.nextCursor;
    expect(otherCursor).toEqual(expect.any(String));
    expect(filteredCursor).toEqual(expect.any(String));
    const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");
    const cursors = [
      "garbage",
      "%%%not-base64%%%",
      "x".repeat(500),
      b64("arrayconnection:1"),
      b64("h1:abc"),
      b64("h1:0"),
      b64("h1:-5"),
      b64("h1:99999999999999999999999"),
      otherCursor,
      filteredCursor,
    ];
    for (const after of cursors) expectBadInput(await page({ tenantId, limit: 1, after }), "after");
    // The same cursor is fine for the query that issued it.
    const next = await page({ tenantId, providerType: "MAP", limit: 1, after: filteredCursor });
    expect(next.data?.configHistory.items.map((item) => item.version)).toEqual([2]);
  });
});

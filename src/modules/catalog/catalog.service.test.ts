import { describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER, type Caller, Scope } from "../../domain/caller.js";
import { AppError } from "../../errors.js";
import { catalogServiceForTests, healthRecord } from "./catalog.test-support.js";

const farmReader: Caller = { id: "reader", tenants: new Set(["farm-1"]), scopes: new Set([Scope.CONFIG_READ]) };
const outsider: Caller = { id: "outsider", tenants: new Set(["other"]), scopes: new Set([Scope.CONFIG_READ]) };
const noScopes: Caller = { id: "token-only", tenants: new Set(), scopes: new Set() };

const rejection = (fn: () => unknown) =>
  Promise.resolve()
    .then(fn)
    .then(
      () => undefined,
      (error: unknown) => (error instanceof AppError ? { code: error.code, field: error.field } : error),
    );

describe("CatalogService.failoverChain", () => {
  it("uses the tenant's configs, attaches health and echoes tenant and upper-cased country", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests([healthRecord("MAP", "openstreetmap", "UNAVAILABLE")]);
    const chain = await service.failoverChain(farmReader, tenantConfigs, {
      providerType: "MAP",
      tenantId: "farm-1",
      country: "ye",
      skipUnhealthy: true,
    });
    expect(chain).toMatchObject({ providerType: "MAP", tenantId: "farm-1", country: "YE" });
    expect(chain.entries.map((e) => [e.providerName, e.configured, e.skipped, e.health?.status ?? null])).toEqual([
      ["esri_streets", true, false, null],
      ["my_tiles", true, false, null],
      ["openstreetmap", true, true, "UNAVAILABLE"],
    ]);
  });

  it("without a tenant needs no tenant access and reads no configs", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    const chain = await service.failoverChain(noScopes, tenantConfigs, { providerType: "SMS", country: "US", skipUnhealthy: false });
    expect(chain).toMatchObject({ tenantId: null, country: "US" });
    expect(chain.entries.map((e) => e.providerName)).toEqual(["twilio", "vonage"]);
    expect(tenantConfigs.calls).toEqual([]);
  });

  it("gives an empty chain for a tenant whose only config of the type is disabled", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    expect(
      (await service.failoverChain(farmReader, tenantConfigs, { providerType: "SMS", tenantId: "farm-1", skipUnhealthy: false })).entries,
    ).toEqual([]);
  });

  it("falls back to the catalog for a tenant with nothing stored of that type", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    const chain = await service.failoverChain(ANONYMOUS_CALLER, tenantConfigs, {
      providerType: "NOTIFICATION",
      tenantId: "new-farm",
      skipUnhealthy: false,
    });
    expect(chain.entries.map((e) => [e.providerName, e.configured])).toEqual([
      ["firebase_fcm", false],
      ["onesignal", false],
      ["pusher", false],
    ]);
  });

  it("refuses a tenant the caller may not read, before reading anything", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    expect(
      await rejection(() =>
        service.failoverChain(outsider, tenantConfigs, { providerType: "MAP", tenantId: "farm-1", skipUnhealthy: false }),
      ),
    ).toEqual({
      code: "FORBIDDEN",
      field: "tenantId",
    });
    expect(tenantConfigs.calls).toEqual([]);
  });

  it.each([
    [{ tenantId: "" }, "tenantId"],
    [{ tenantId: "-farm" }, "tenantId"],
    [{ tenantId: "farm 1" }, "tenantId"],
    [{ tenantId: "f".repeat(256) }, "tenantId"],
    [{ country: "YEM" }, "country"],
    [{ country: "Y" }, "country"],
    [{ country: "1E" }, "country"],
    [{ country: "" }, "country"],
  ])("rejects %o as BAD_USER_INPUT on %s", async (args, field) => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    expect(
      await rejection(() =>
        service.failoverChain(ANONYMOUS_CALLER, tenantConfigs, { providerType: "PAYMENT", skipUnhealthy: false, ...args }),
      ),
    ).toEqual({
      code: "BAD_USER_INPUT",
      field,
    });
  });

  it("accepts the longest and most varied valid tenant id", async () => {
    const { service, tenantConfigs } = await catalogServiceForTests();
    const tenantId = `9${"a.:_-".repeat(50)}abcd`;
    expect(tenantId).toHaveLength(255);
    expect(
      (await service.failoverChain(ANONYMOUS_CALLER, tenantConfigs, { providerType: "WEATHER", tenantId, skipUnhealthy: false })).tenantId,
    ).toBe(tenantId);
  });
});

describe("CatalogService.selectProviders and recommendProviders", () => {
  it("validates and normalises the country", async () => {
    const { service } = await catalogServiceForTests();
    expect(service.selectProviders({ providerType: "PAYMENT", country: "sa", includeFallback: false })).toMatchObject({ country: "SA" });
    expect(await rejection(() => service.selectProviders({ providerType: "SMS", country: "KSA", includeFallback: true }))).toEqual({
      code: "BAD_USER_INPUT",
      field: "country",
    });
  });

  it.each(["", "   ", "x".repeat(101)])("rejects the use case %j", async (useCase) => {
    const { service } = await catalogServiceForTests();
    expect(await rejection(() => service.recommendProviders({ budget: "FREE", useCase, offlineRequired: true }))).toEqual({
      code: "BAD_USER_INPUT",
      field: "useCase",
    });
  });

  it("trims the use case and accepts 100 Arabic characters", async () => {
    const { service } = await catalogServiceForTests();
    expect(service.recommendProviders({ budget: "LOW", useCase: "  orchards ", offlineRequired: false }).useCase).toBe("orchards");
    expect(service.recommendProviders({ budget: "LOW", useCase: "ز".repeat(100), offlineRequired: false }).useCase).toHaveLength(100);
  });
});

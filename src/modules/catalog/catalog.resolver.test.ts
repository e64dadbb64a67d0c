import { type GraphQLSchema, graphql } from "graphql";
import { buildSchema } from "type-graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER, type Caller } from "../../domain/caller.js";
import type { RequestContext } from "../../graphql/context.js";
import type { TenantProviderReader } from "./catalog.model.js";
import { CatalogResolver } from "./catalog.resolver.js";
import { catalogServiceForTests, healthRecord } from "./catalog.test-support.js";

let schema: GraphQLSchema;
let tenantProviders: TenantProviderReader;

beforeAll(async () => {
  const { service, tenantConfigs } = await catalogServiceForTests([healthRecord("PAYMENT", "stripe", "ERROR")]);
  tenantProviders = tenantConfigs;
  const resolver = new CatalogResolver(service);
  schema = await buildSchema({ resolvers: [CatalogResolver], container: { get: () => resolver }, validate: false });
});

async function run(source: string, caller: Caller = ANONYMOUS_CALLER) {
  // The catalog resolver reads the caller and, for failoverChain, the request's tenant config reader.
  const contextValue = { requestId: "test", caller, loaders: { tenantProviders } as Pick<RequestContext["loaders"], "tenantProviders"> };
  return graphql({ schema, source, contextValue });
}

describe("catalog queries", () => {
  it("lists the catalog of one type, or all of it", async () => {
    const result = await run(`{ sms: providerCatalog(providerType: SMS) { id nameAr details } all: providerCatalog { id } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data?.sms).toHaveLength(4);
    expect(result.data?.sms).toContainEqual(
      expect.objectContaining({ id: "yamamah", details: expect.objectContaining({ supportedCountries: ["SA", "YE"] }) }),
    );
    expect(result.data?.all).toHaveLength(35);
  });

  it("answers a failover chain with health, demoting the unhealthy", async () => {
    const result = await run(`{
      failoverChain(providerType: PAYMENT, country: "ye", skipUnhealthy: true) {
        providerType country tenantId
        entries { order providerName priority configured skipped provider { id } health { status checkedAt errorMessage } }
      }
    }`);
    expect(result).toEqual({
      data: {
        failoverChain: {
          providerType: "PAYMENT",
          country: "YE",
          tenantId: null,
          entries: [
            {
              order: 1,
              providerName: "tharwatt",
              priority: "PRIMARY",
              configured: false,
              skipped: false,
              provider: { id: "tharwatt" },
              health: null,
            },
            {
              order: 2,
              providerName: "hyperpay",
              priority: "SECONDARY",
              configured: false,
              skipped: false,
              provider: { id: "hyperpay" },
              health: null,
            },
            {
              order: 3,
              providerName: "stripe",
              priority: "PRIMARY",
              configured: false,
              skipped: true,
              provider: { id: "stripe" },
              health: { status: "ERROR", checkedAt: new Date("2025-03-01T12:00:00.000Z"), errorMessage: "HTTP 503" },
            },
          ],
        },
      },
    });
  });

  it("reads a tenant's chain, with unknown names and null providers", async () => {
    const result = await run(
      `{ failoverChain(providerType: MAP, tenantId: "farm-1") { tenantId entries { providerName configured provider { id } } } }`,
    );
    expect(result.data?.failoverChain).toEqual({
      tenantId: "farm-1",
      entries: [
        { providerName: "openstreetmap", configured: true, provider: { id: "openstreetmap" } },
        { providerName: "esri_streets", configured: true, provider: { id: "esri_streets" } },
        { providerName: "my_tiles", configured: true, provider: null },
      ],
    });
  });

  it("selects with and without fallbacks", async () => {
    const result = await run(`{
      with: selectProviders(providerType: PAYMENT, country: "sa") { country selected { id } fallbackProviders { id } }
      without: selectProviders(providerType: SMS, includeFallback: false) { country selected { id } fallbackProviders { id } }
    }`);
    expect(result.data).toEqual({
      with: {
        country: "SA",
        selected: [{ id: "moyasar" }, { id: "stripe" }],
        fallbackProviders: ["hyperpay", "tap", "payfort", "telr", "paypal"].map((id) => ({ id })),
      },
      without: { country: null, selected: [{ id: "twilio" }], fallbackProviders: [] },
    });
  });

  it("recommends with the contract's defaults", async () => {
    const result = await run(
      `{ recommendProviders(budget: HIGH) { budget useCase offlineRequired map { providerType providerName reason reasonAr } } }`,
    );
    expect(result.data?.recommendProviders).toMatchObject({
      budget: "HIGH",
      useCase: "agricultural",
      offlineRequired: true,
      map: [
        {
          providerType: "MAP",
          providerName: "mapbox_hybrid",
          reason: expect.stringContaining("agricultural"),
          reasonAr: expect.any(String),
        },
      ],
    });
  });

  it("treats explicit nulls as the defaults", async () => {
    const result = await run(
      `{ recommendProviders(budget: HIGH, useCase: null, offlineRequired: null) { useCase offlineRequired map { providerName } } }`,
    );
    expect(result.data?.recommendProviders).toEqual({
      useCase: "agricultural",
      offlineRequired: true,
      map: [{ providerName: "mapbox_hybrid" }],
    });
  });

  it.each([
    [`{ selectProviders(providerType: PAYMENT, country: "Yemen") { country } }`, "BAD_USER_INPUT", "country"],
    [`{ failoverChain(providerType: MAP, tenantId: "bad tenant") { tenantId } }`, "BAD_USER_INPUT", "tenantId"],
    [`{ recommendProviders(budget: LOW, useCase: "") { useCase } }`, "BAD_USER_INPUT", "useCase"],
  ])("reports %s as %s on %s", async (source, code, field) => {
    const result = await run(source);
    expect(result.errors?.[0]?.originalError).toMatchObject({ code, field });
  });

  it("refuses another tenant's chain", async () => {
    const stranger: Caller = { id: "stranger", tenants: new Set(["elsewhere"]), scopes: new Set(["config:read"]) };
    const result = await run(`{ failoverChain(providerType: MAP, tenantId: "farm-1") { tenantId } }`, stranger);
    expect(result.errors?.[0]?.originalError).toMatchObject({ code: "FORBIDDEN" });
  });
});

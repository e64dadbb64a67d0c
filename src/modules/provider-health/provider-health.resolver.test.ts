// Through GraphQL: a schema with only this module's resolver, executed without HTTP.
import { type GraphQLSchema, graphql } from "graphql";
import { buildSchema } from "type-graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ANONYMOUS_CALLER } from "../../domain/caller.js";
import { AppError } from "../../errors.js";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderHealthChecker } from "./provider-health.checker.js";
import { ProviderHealthResolver } from "./provider-health.resolver.js";
import { ProviderHealthService } from "./provider-health.service.js";
import { InMemoryProviderHealthStore } from "./provider-health.store.js";
import { captureLogger, type FakeUpstream, fakeCatalog, startFakeUpstream } from "./provider-health.test-support.js";

const KEY = "mapbox-KEY-0c9f2e11";
const CHECK = `mutation ($input: ProviderCheckInput!) {
  checkProviderHealth(input: $input) { providerType providerName status checkedAt responseTimeMs errorMessage }
}`;
const HEALTH = `query ($type: ProviderType!, $name: String!) {
  providerHealth(providerType: $type, providerName: $name) { status checkedAt errorMessage }
}`;

describe("ProviderHealthResolver", () => {
  let upstream: FakeUpstream;
  let schema: GraphQLSchema;
  const logger = captureLogger();
  // The resolver reads only the caller; loaders belong to other modules.
  const contextValue = { requestId: "test", caller: ANONYMOUS_CALLER } satisfies Pick<RequestContext, "requestId" | "caller">;

  beforeAll(async () => {
    upstream = await startFakeUpstream();
    const checker = new ProviderHealthChecker({ timeoutMs: 1000, originOverride: upstream.origin, logger });
    const resolver = new ProviderHealthResolver(new ProviderHealthService(fakeCatalog, checker, new InMemoryProviderHealthStore()));
    schema = await buildSchema({ resolvers: [ProviderHealthResolver], container: { get: () => resolver }, validate: false });
  });
  afterAll(() => upstream.close());

  it("checks a provider that needs no key, then providerHealth returns that result (null before)", async () => {
    const variables = { type: "MAP", name: "openstreetmap" };
    expect(await graphql({ schema, source: HEALTH, variableValues: variables, contextValue })).toEqual({ data: { providerHealth: null } });

    const input = { providerType: "MAP", providerName: "openstreetmap" };
    const checked = await graphql({ schema, source: CHECK, variableValues: { input }, contextValue });
    expect(checked.errors).toBeUndefined();
    expect(checked.data?.checkProviderHealth).toMatchObject({
      providerType: "MAP",
      providerName: "openstreetmap",
      status: "AVAILABLE",
      errorMessage: null,
    });

    // As a client sees it over HTTP: the DateTime scalar serializes to a Date that JSON turns into ISO text.
    const onTheWire = (value: unknown) => JSON.parse(JSON.stringify(value));
    const { checkedAt } = onTheWire(checked.data?.checkProviderHealth);
    expect(checkedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/);
    const read = await graphql({ schema, source: HEALTH, variableValues: variables, contextValue });
    expect(onTheWire(read.data?.providerHealth)).toEqual({ status: "AVAILABLE", checkedAt, errorMessage: null });
  });

  it("answers a check with the caller's key without recording it; the key is sent but never returned or logged", async () => {
    const input = { providerType: "MAP", providerName: "mapbox_streets", apiKey: KEY };
    const checked = await graphql({ schema, source: CHECK, variableValues: { input }, contextValue });
    expect(checked.errors).toBeUndefined();
    expect(checked.data?.checkProviderHealth).toMatchObject({ providerName: "mapbox_streets", status: "AVAILABLE" });
    expect(upstream.received.at(-1)?.url).toContain(KEY);
    expect(JSON.stringify(checked)).not.toContain(KEY);
    expect(logger.lines.join("\n")).not.toContain(KEY);
    const read = await graphql({ schema, source: HEALTH, variableValues: { type: "MAP", name: "mapbox_streets" }, contextValue });
    expect(read).toEqual({ data: { providerHealth: null } });
  });

  it("answers an unknown name with BAD_USER_INPUT", async () => {
    const input = { providerType: "WEATHER", providerName: "nope" };
    const result = await graphql({ schema, source: CHECK, variableValues: { input }, contextValue });
    expect(result.data).toBeNull();
    const error = result.errors?.[0]?.originalError;
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: "BAD_USER_INPUT", field: "input.providerName" });
  });
});

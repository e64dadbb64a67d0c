// The document inspector's one walk: limits, names and cacheability per operation, through fragments.
import { parse } from "graphql";
import { describe, expect, test } from "vitest";
import { DocumentInspector } from "./document-inspector.js";

const inspector = new DocumentInspector();

describe("DocumentInspector", () => {
  test("per operation: name, type, depth, root fields and health checks, fragments and inline fragments flattened", () => {
    const facts = inspector.inspect(`
      query Dash { ...Roots providerCatalog(providerType: MAP) { id ... on ProviderInfo { name } } }
      fragment Roots on Query { a: __typename b: __typename }
      mutation Check { c1: checkProviderHealth(input: $i) { status } ...Checks }
      fragment Checks on Mutation { c2: checkProviderHealth(input: $i) { status } c3: checkProviderHealth(input: $i) { status } }`);
    expect(facts.problem).toBeNull();
    expect(
      facts.operations.map(({ name, type, depth, rootFields, healthChecks }) => ({ name, type, depth, rootFields, healthChecks })),
    ).toEqual([
      { name: "Dash", type: "query", depth: 2, rootFields: 3, healthChecks: 0 },
      { name: "Check", type: "mutation", depth: 2, rootFields: 3, healthChecks: 3 },
    ]);
    expect(facts.byName.get("Dash")?.cacheable).toMatchObject({ name: "Dash", variables: [] });
    expect(facts.byName.get("Check")?.cacheable).toBeNull();
    expect(facts.byName.has("")).toBe(false);
  });

  test("cacheability: only tenant-cache and catalog root fields, nothing that reads history, at any depth", () => {
    const cacheable = (query: string) => inspector.cacheable(query, undefined) !== undefined;
    expect(cacheable(`query($t: String!, $b: Int) { providerConfigs(tenantId: $t) { id } }`)).toBe(true);
    expect(inspector.cacheable(`query($t: String!, $b: Int) { providerConfigs(tenantId: $t) { id } }`, undefined)?.variables).toEqual([
      "b",
      "t",
    ]);
    expect(cacheable(`{ providerConfigs(tenantId: "a") { id history { version } } }`)).toBe(false);
    expect(cacheable(`{ providerConfigs(tenantId: "a") { ...F } } fragment F on ProviderConfig { history { version } }`)).toBe(false);
    expect(cacheable(`{ ...R } fragment R on Query { configHistory(configId: "x") { totalCount } }`)).toBe(false);
    expect(cacheable(`{ ...Missing }`)).toBe(false);
    expect(cacheable(`mutation { __typename }`)).toBe(false);
  });

  test("a fragment cycle or an unknown fragment counts as nothing and is not cacheable", () => {
    const facts = inspector.inspect(`{ ...A ...Nope } fragment A on Query { __typename ...B } fragment B on Query { ...A }`);
    expect(facts.operations[0]).toMatchObject({ depth: 1, rootFields: 1, cacheable: null });
  });

  test("fragments spread over and over are walked once each: counts multiply, time does not", () => {
    const levels = 40;
    const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on Query { ...F${i + 1} ...F${i + 1} }`).join(" ");
    const facts = inspector.inspect(`{ ...F0 } ${fragments} fragment F${levels} on Query { __typename }`);
    expect(facts.operations[0]?.rootFields).toBe(2 ** levels);
  });

  test("a parsed document gets the facts memoized for its text; a repetitive one its problem", () => {
    const query = `query Memo { __typename }`;
    expect(inspector.factsOf(parse(query))).toBe(inspector.inspect(query));
    const repetitive = inspector.inspect(`{ ${"__typename ".repeat(20)} }`);
    expect(repetitive.problem?.extensions.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(repetitive.operations).toEqual([]);
  });
});

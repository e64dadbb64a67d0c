// schema.graphql is emitted from the code, committed, and compatible with the public contract.
import { readFileSync } from "node:fs";
import { buildSchema, findBreakingChanges, findDangerousChanges, type GraphQLNamedType, type GraphQLObjectType, printType } from "graphql";
import { describe, expect, test } from "vitest";
import { renderSchema } from "../src/graphql/print-schema.js";
import { buildGraphQLSchema } from "../src/graphql/schema.js";

const contract = buildSchema(readFileSync(new URL("./fixtures/contract.graphql", import.meta.url), "utf8"));
/** v1 plus the v2 additions; schema.graphql must provide all of it. */
const contractV2 = buildSchema(readFileSync(new URL("./fixtures/contract-v2.graphql", import.meta.url), "utf8"));
const committed = readFileSync(new URL("../schema.graphql", import.meta.url), "utf8");

describe("schema.graphql", () => {
  test("is what the code emits (run `npm run schema:emit` when this fails)", async () => {
    expect(committed).toBe(await renderSchema());
  });

  test("has no breaking or dangerous change against the public contract (beyond what contract-v2 itself adds)", async () => {
    // contract-v2 adds optional arguments to v1 fields (configHistory's filters): graphql-js calls that dangerous.
    const addedByV2 = new Set(findDangerousChanges(contract, contractV2).map((change) => change.description));
    for (const schema of [buildSchema(committed), await buildGraphQLSchema()]) {
      expect(findBreakingChanges(contract, schema)).toEqual([]);
      expect(findDangerousChanges(contract, schema).filter((change) => !addedByV2.has(change.description))).toEqual([]);
    }
  });

  test("covers contract-v2.graphql completely: every v2 type, field, argument and enum value, of the same types", () => {
    const ours = buildSchema(committed);
    expect(findBreakingChanges(contractV2, ours)).toEqual([]);
    const query = ours.getQueryType()?.getFields() ?? {};
    for (const field of ["configChanges", "configDiff", "tenantConfigAt", "credentialAccessLog"]) expect(query[field], field).toBeDefined();
    expect(query.configHistory?.args.map((arg) => arg.name)).toEqual(expect.arrayContaining(["changeTypes", "changedBy", "from", "to"]));
    for (const type of ["FieldChange", "ConfigDiff", "CredentialAccess", "CredentialAccessPage", "JSON"])
      expect(ours.getType(type), type).toBeDefined();
    expect(ours.getSubscriptionType()?.getFields().providerConfigChanged).toBeDefined();
    for (const field of ["exportTenantConfig", "configTemplates"]) expect(ours.getQueryType()?.getFields()[field], field).toBeDefined();
    for (const field of ["importTenantConfig", "applyConfigTemplate"])
      expect(ours.getMutationType()?.getFields()[field], field).toBeDefined();
    for (const type of ["ImportMode", "PlannedAction", "PlannedChange", "ImportResult", "ConfigTemplate", "ConfigTemplateEntry"]) {
      expect(ours.getType(type), type).toBeDefined();
    }
    for (const field of ["providerUsage", "rateLimitStatus"]) expect(ours.getQueryType()?.getFields()[field], field).toBeDefined();
    expect(ours.getMutationType()?.getFields().recordProviderUsage).toBeDefined();
    // ProviderInfo.configSchema (SPEC.md 10.3): the field contract-v2 adds to a v1 type, of the same type.
    const providerInfo = (schema: typeof ours) => (schema.getType("ProviderInfo") as GraphQLObjectType).getFields();
    expect(String(providerInfo(ours).configSchema?.type)).toBe(String(providerInfo(contractV2).configSchema?.type));
    expect(Object.keys(providerInfo(ours))).toEqual(Object.keys(providerInfo(contractV2)));
    // Built v2 types match the contract's field for field (findBreakingChanges does not report added fields).
    for (const name of ["ProviderUsageInput", "UsageReceipt", "ProviderUsage", "RateLimitStatus", "UsageGranularity"]) {
      expect(printType(ours.getType(name) as GraphQLNamedType), name).toBe(printType(contractV2.getType(name) as GraphQLNamedType));
    }
  });

  test("subscription arguments keep contract-v2's order", () => {
    const ours = buildSchema(committed).getSubscriptionType()?.getFields().providerConfigChanged;
    const theirs = contractV2.getSubscriptionType()?.getFields().providerConfigChanged;
    expect(ours?.args.map((arg) => arg.name)).toEqual(theirs?.args.map((arg) => arg.name));
    expect(String(ours?.type)).toBe(String(theirs?.type));
  });

  test("arguments keep the contract's order (v2's where a field is built)", () => {
    const ours = buildSchema(committed);
    for (const rootType of [contractV2.getQueryType(), contractV2.getMutationType()]) {
      for (const field of Object.values(rootType?.getFields() ?? {})) {
        const mine = (rootType?.name === "Query" ? ours.getQueryType() : ours.getMutationType())?.getFields()[field.name];
        if (!mine) continue;
        expect(
          mine.args.map((arg) => arg.name),
          field.name,
        ).toEqual(field.args.map((arg) => arg.name));
      }
    }
  });
});

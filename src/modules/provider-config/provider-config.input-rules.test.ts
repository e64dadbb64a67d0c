// The configData schema check inside checkPatch (SPEC.md §10.3), on the real catalog schemas: every write that
// carries configData (upsert, batch, import) reports each invalid field with its full path, next to the other problems.
import { describe, expect, test } from "vitest";
import type { JsonObject } from "../../domain/provider.js";
import { Problems } from "../../domain/validation.js";
import { AppError } from "../../errors.js";
import { loadCatalog } from "../catalog/catalog.js";
import { ConfigSchemaValidator } from "../catalog/config-schema.validator.js";
import { type ConfigDataSchemas, checkPatch, validateBatch, validateUpsert } from "./provider-config.input-rules.js";

const schemas = new ConfigSchemaValidator(loadCatalog().list());

function problemsOf(run: () => unknown): Array<{ path: string; message: string }> {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return [...(error.problems ?? [])];
    throw error;
  }
  return [];
}

describe("validateUpsert", () => {
  test("refuses configData its provider's schema refuses, under input.configData", () => {
    const input = { tenantId: "acme", providerType: "MAP", providerName: "openstreetmap", configData: { maxZoom: 20, style: 1 } } as const;
    expect(problemsOf(() => validateUpsert(input, schemas))).toEqual([
      { path: "input.configData.maxZoom", message: "must be at most 19" },
      { path: "input.configData.style", message: "must be a string" },
    ]);
  });

  test("lists schema problems together with the other problems of the input", () => {
    const input = {
      tenantId: "acme",
      providerType: "SMS",
      providerName: "twilio",
      configData: { from: "ACME" },
      apiKey: "",
      changeReason: "x".repeat(1001),
    } as const;
    expect(problemsOf(() => validateUpsert(input, schemas)).map((problem) => problem.path)).toEqual([
      "input.configData.from",
      "input.apiKey",
      "input.changeReason",
    ]);
  });

  test.each([
    ["valid data", { providerName: "openstreetmap", configData: { maxZoom: 19, tiles: "hot" } }],
    ["no configData (the stored value is kept, not re-checked)", { providerName: "openstreetmap" }],
    ["a provider outside the catalog", { providerName: "my_tiles", configData: { maxZoom: 99 } }],
  ])("accepts %s", (_, fields) => {
    expect(problemsOf(() => validateUpsert({ tenantId: "acme", providerType: "MAP", ...fields }, schemas))).toEqual([]);
  });

  test("checks the schema only on data that is a storable JSON object", () => {
    const calls: string[] = [];
    const spy: ConfigDataSchemas = { check: (_p, _t, _n, _d, field) => calls.push(field) };
    const tooBig = { blob: "x".repeat(64 * 1024) } as JsonObject;
    problemsOf(() => validateUpsert({ tenantId: "acme", providerType: "MAP", providerName: "openstreetmap", configData: tooBig }, spy));
    problemsOf(() => validateUpsert({ tenantId: "acme", providerType: "MAP", providerName: "openstreetmap", configData: null }, spy));
    expect(calls).toEqual([]);
    validateUpsert({ tenantId: "acme", providerType: "MAP", providerName: "openstreetmap", configData: {} }, spy);
    expect(calls).toEqual(["input.configData"]);
  });
});

describe("validateBatch and checkPatch", () => {
  test("prefix every problem with its patch", () => {
    const patches = [
      { providerType: "MAP", providerName: "openstreetmap", configData: { maxZoom: 3 } },
      { providerType: "PAYMENT", providerName: "moyasar", configData: { currency: "USD", webhookSecret: 5 } },
      { providerType: "WEATHER", providerName: "open_meteo", configData: { units: "kelvin" } },
    ] as const;
    expect(problemsOf(() => validateBatch("acme", patches, undefined, schemas))).toEqual([
      { path: "configs[1].configData.currency", message: "must be one of SAR" },
      { path: "configs[1].configData.webhookSecret", message: "must be a string" },
      { path: "configs[2].configData.units", message: "must be one of metric, imperial" },
    ]);
  });

  test("an unknown providerType (an import document's) has no schema to check", () => {
    const problems = new Problems();
    checkPatch(problems, "acme", { providerType: "FAX" as "MAP", providerName: "x", configData: { maxZoom: 99 } }, "configs[0].", schemas);
    expect(problems.empty).toBe(true);
  });
});

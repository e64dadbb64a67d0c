// The rules of recordProviderUsage as pure functions: values GraphQL cannot carry (NaN, Infinity, invalid dates)
// are refused too, and the time window is exact at its edges.
import { describe, expect, test } from "vitest";
import { ProviderType } from "../../domain/provider.js";
import { Problems } from "../../domain/validation.js";
import type { UsageInput } from "./usage.model.js";
import { checkUsage, firstOfEachKey, MAX_AGE_MS, MAX_FUTURE_MS } from "./usage.rules.js";

const NOW = new Date("2026-12-10T12:00:30.000Z");
const catalogued = (_type: ProviderType, name: string) => name !== "custom";
const base: UsageInput = { tenantId: "acme", providerType: ProviderType.MAP, providerName: "google_maps", quantity: 1 };

function problemsOf(inputs: UsageInput[]): Array<{ field: string; message: string }> {
  const problems = new Problems();
  checkUsage(problems, inputs, NOW, catalogued);
  try {
    problems.throwIfAny();
    return [];
  } catch (error) {
    return ((error as { problems?: Array<{ path: string; message: string }> }).problems ?? []).map(({ path, message }) => ({
      field: path,
      message,
    }));
  }
}

describe("checkUsage", () => {
  test.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
    ["zero", 0],
    ["negative", -1],
  ])("quantity %s is refused", (_name, quantity) => {
    expect(problemsOf([{ ...base, quantity }])).toEqual([
      { field: "usage[0].quantity", message: "must be a finite number greater than 0" },
    ]);
  });

  test.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["negative", -0.01],
  ])("amountUsd %s is refused for PAYMENT", (_name, amountUsd) => {
    const payment = { ...base, providerType: ProviderType.PAYMENT, providerName: "stripe", amountUsd };
    expect(problemsOf([payment]).map((p) => p.field)).toEqual(["usage[0].amountUsd"]);
  });

  test("amountUsd 0 is fine for PAYMENT, and refused for every other type", () => {
    expect(problemsOf([{ ...base, providerType: ProviderType.PAYMENT, providerName: "stripe", amountUsd: 0 }])).toEqual([]);
    for (const type of [ProviderType.MAP, ProviderType.WEATHER, ProviderType.SATELLITE, ProviderType.SMS, ProviderType.NOTIFICATION]) {
      expect(problemsOf([{ ...base, providerType: type, amountUsd: 0 }])).toEqual([
        { field: "usage[0].amountUsd", message: "is only for PAYMENT usage" },
      ]);
    }
  });

  test("at: at most 5 minutes ahead, at most 35 days back, edges included; default now", () => {
    const at = (offset: number) => ({ ...base, at: new Date(NOW.getTime() + offset) });
    expect(problemsOf([at(MAX_FUTURE_MS), at(-MAX_AGE_MS)])).toEqual([]);
    expect(problemsOf([at(MAX_FUTURE_MS + 1), at(-MAX_AGE_MS - 1), { ...base, at: new Date(Number.NaN) }])).toEqual([
      { field: "usage[0].at", message: "must not be more than 5 minutes in the future" },
      { field: "usage[1].at", message: "must not be older than 35 days" },
      { field: "usage[2].at", message: "must be a valid time" },
    ]);
    const problems = new Problems();
    expect(checkUsage(problems, [base], NOW, catalogued).records[0]?.occurredAt).toEqual(NOW);
  });

  test("names outside the catalog are returned for a lookup only when the record is otherwise sound", () => {
    const problems = new Problems();
    const checked = checkUsage(
      problems,
      [
        { ...base, providerName: "custom" },
        { ...base, providerName: "custom", quantity: 0 },
      ],
      NOW,
      catalogued,
    );
    expect(checked.uncatalogued).toEqual([{ index: 0, key: { tenantId: "acme", providerType: "MAP", providerName: "custom" } }]);
  });

  test("idempotency keys: 1-255 characters of valid text", () => {
    expect(problemsOf([{ ...base, idempotencyKey: "x".repeat(255) }])).toEqual([]);
    expect(
      problemsOf([
        { ...base, idempotencyKey: "x".repeat(256) },
        { ...base, idempotencyKey: "" },
        { ...base, idempotencyKey: "a\u0000b" },
      ]).map((p) => p.field),
    ).toEqual(["usage[0].idempotencyKey", "usage[1].idempotencyKey", "usage[2].idempotencyKey"]);
  });
});

describe("firstOfEachKey", () => {
  test("keeps records without a key and the first record of each (tenant, key)", () => {
    const record = (tenantId: string, idempotencyKey: string | null, quantity: number) => ({
      tenantId,
      providerType: ProviderType.SMS,
      providerName: "twilio",
      quantity,
      amountUsd: null,
      occurredAt: NOW,
      idempotencyKey,
    });
    const records = [record("a", "k", 1), record("a", "k", 2), record("b", "k", 3), record("a", null, 4), record("a", null, 5)];
    expect(firstOfEachKey(records).map((r) => r.quantity)).toEqual([1, 3, 4, 5]);
  });
});

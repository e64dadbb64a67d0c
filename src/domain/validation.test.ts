// The input limits of SPEC.md §2 at their exact bounds, and JSON equality as jsonb sees it.
import { describe, expect, test } from "vitest";
import { AppError, ErrorCode } from "../errors.js";
import type { JsonObject, JsonValue } from "./provider.js";
import {
  checkChangeReason,
  checkConfigData,
  checkCredential,
  checkProviderName,
  checkTenantId,
  jsonEqual,
  MAX_CONFIG_DATA_BYTES,
  Problems,
  validate,
} from "./validation.js";

/** The problems one check reports, as `field: message` lines. */
function problemsOf(check: (problems: Problems) => void): string[] {
  try {
    validate(check);
    return [];
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.message
      .replace(/^Invalid input\. /, "")
      .replace(/\.$/, "")
      .split("; ");
  }
}

const valid = (check: (problems: Problems) => void): boolean => problemsOf(check).length === 0;

describe("tenantId", () => {
  test.each([
    ["a", true],
    ["9", true],
    [`a${"b".repeat(254)}`, true],
    [`a${"b".repeat(255)}`, false],
    ["", false],
    ["Org_1.eu:prod-2", true],
    ["-leading", false],
    [".leading", false],
    ["has space", false],
    ["slash/no", false],
  ])("%j valid: %s", (value, ok) => {
    expect(valid((p) => checkTenantId(p, value))).toBe(ok);
  });

  test("a NUL character is refused", () => {
    expect(valid((p) => checkTenantId(p, "nul\u0000"))).toBe(false);
  });
});

describe("providerName", () => {
  test.each([
    ["n".repeat(100), true],
    ["n".repeat(101), false],
    ["in-house.gateway_2", true],
    ["0day", true],
    ["Upper", false],
    ["_leading", false],
    ["", false],
  ])("%j valid: %s", (value, ok) => {
    expect(valid((p) => checkProviderName(p, value))).toBe(ok);
  });
});

describe("credentials and change reasons", () => {
  test("a credential is 1-4096 characters, counted as code points", () => {
    expect(valid((p) => checkCredential(p, "k".repeat(4096), "apiKey"))).toBe(true);
    expect(valid((p) => checkCredential(p, "🔑".repeat(4096), "apiKey"))).toBe(true);
    expect(problemsOf((p) => checkCredential(p, "k".repeat(4097), "apiKey"))).toEqual(["apiKey: must be at most 4096 characters"]);
    expect(problemsOf((p) => checkCredential(p, "", "apiSecret"))[0]).toMatch(/^apiSecret: must not be empty/);
  });

  test("null and undefined are not checked (they mean remove and keep)", () => {
    expect(valid((p) => checkCredential(p, null, "apiKey"))).toBe(true);
    expect(valid((p) => checkCredential(p, undefined, "apiKey"))).toBe(true);
  });

  test("NUL characters are refused, and the message does not repeat the value", () => {
    const problems = problemsOf((p) => checkCredential(p, "sk_live_\u0000secret", "input.apiKey"));
    expect(problems).toEqual(["input.apiKey: must not contain NUL characters"]);
    expect(problemsOf((p) => checkChangeReason(p, "why\u0000"))).toEqual(["changeReason: must not contain NUL characters"]);
  });

  test("a change reason is at most 1000 characters", () => {
    expect(valid((p) => checkChangeReason(p, "r".repeat(1000)))).toBe(true);
    expect(valid((p) => checkChangeReason(p, "é".repeat(1000)))).toBe(true);
    expect(valid((p) => checkChangeReason(p, "r".repeat(1001)))).toBe(false);
    expect(valid((p) => checkChangeReason(p, null))).toBe(true);
  });
});

describe("configData", () => {
  /** An object whose JSON.stringify is exactly `bytes` UTF-8 bytes long. */
  const ofBytes = (bytes: number, filler = "x"): JsonObject => {
    const overhead = Buffer.byteLength(JSON.stringify({ v: "" }));
    const fillerBytes = Buffer.byteLength(filler);
    const value = filler.repeat(Math.floor((bytes - overhead) / fillerBytes)) + "x".repeat((bytes - overhead) % fillerBytes);
    return { v: value };
  };
  const nested = (levels: number): JsonObject => {
    let value: JsonValue = 1;
    for (let level = 0; level < levels; level++) value = { a: value };
    return value as JsonObject;
  };

  test("is at most 64 KiB of UTF-8 JSON, multi-byte characters counted as bytes", () => {
    expect(Buffer.byteLength(JSON.stringify(ofBytes(MAX_CONFIG_DATA_BYTES)))).toBe(MAX_CONFIG_DATA_BYTES);
    expect(valid((p) => checkConfigData(p, ofBytes(MAX_CONFIG_DATA_BYTES)))).toBe(true);
    expect(valid((p) => checkConfigData(p, ofBytes(MAX_CONFIG_DATA_BYTES + 1)))).toBe(false);
    expect(valid((p) => checkConfigData(p, ofBytes(MAX_CONFIG_DATA_BYTES, "é")))).toBe(true);
    expect(valid((p) => checkConfigData(p, ofBytes(MAX_CONFIG_DATA_BYTES + 1, "é")))).toBe(false);
  });

  test.each([[[]], [null], ["text"], [42]])("%j is not a JSON object", (value) => {
    expect(problemsOf((p) => checkConfigData(p, value, "input.configData"))).toEqual(["input.configData: must be a JSON object"]);
  });

  test("NUL characters are refused in string values and in keys, at any depth", () => {
    expect(valid((p) => checkConfigData(p, { a: "x\u0000y" }))).toBe(false);
    expect(valid((p) => checkConfigData(p, { "k\u0000": 1 }))).toBe(false);
    expect(valid((p) => checkConfigData(p, { a: [{ b: ["\u0000"] }] }))).toBe(false);
  });

  test("lone surrogates are refused in values, keys, credentials and reasons; paired ones are fine", () => {
    expect(problemsOf((p) => checkConfigData(p, { a: "\ud800" }))).toEqual(["configData: must be valid Unicode text"]);
    expect(valid((p) => checkConfigData(p, { "\udc00x": 1 }))).toBe(false);
    expect(problemsOf((p) => checkCredential(p, "key\ud83d", "input.apiKey"))).toEqual(["input.apiKey: must be valid Unicode text"]);
    expect(problemsOf((p) => checkChangeReason(p, "\udfffwhy"))).toEqual(["changeReason: must be valid Unicode text"]);
    expect(valid((p) => checkConfigData(p, { emoji: "\ud83d\ude00", arabic: "خريطة" }))).toBe(true);
  });

  test("an error reports the first ten problems and counts the rest", () => {
    const lines = problemsOf((p) => {
      for (let i = 0; i < 25; i++) p.add(`configs[${i}].providerName`, "is invalid");
    });
    expect(lines).toHaveLength(11);
    expect(lines.at(-1)).toBe("and 15 more");
  });

  test("nests at most 64 levels", () => {
    expect(valid((p) => checkConfigData(p, nested(64)))).toBe(true);
    expect(problemsOf((p) => checkConfigData(p, nested(65)))).toEqual(["configData: must not nest deeper than 64 levels"]);
  });

  test("numbers must be finite", () => {
    expect(valid((p) => checkConfigData(p, { n: Number.NaN }))).toBe(false);
    expect(valid((p) => checkConfigData(p, { n: [Number.POSITIVE_INFINITY] }))).toBe(false);
    expect(valid((p) => checkConfigData(p, { n: -1.5e300, b: true, z: null }))).toBe(true);
  });
});

describe("validate", () => {
  test("reports every problem at once, as BAD_USER_INPUT naming the first field", () => {
    const error = (() => {
      try {
        validate((p) => {
          checkTenantId(p, "", "input.tenantId");
          checkProviderName(p, "Bad", "input.providerName");
          checkCredential(p, "", "input.apiKey");
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: "input.tenantId" });
    expect((error as AppError).message).toMatch(/^Invalid input\. input\.tenantId: .*; input\.providerName: .*; input\.apiKey: .*\.$/);
  });

  test("returns the check's result when there is no problem", () => {
    expect(validate(() => 42)).toBe(42);
    expect(new Problems().empty).toBe(true);
  });
});

describe("jsonEqual", () => {
  test.each<[JsonValue, JsonValue, boolean]>([
    [{ a: 1, b: 2 }, { b: 2, a: 1 }, true],
    [{ a: { x: [1, { y: null }] } }, { a: { x: [1, { y: null }] } }, true],
    [[1, 2], [2, 1], false],
    [{ a: 1 }, { a: 1, b: 2 }, false],
    [{ a: 1, b: 2 }, { a: 1 }, false],
    [{ a: 1 }, { b: 1 }, false],
    [{ a: null }, {}, false],
    [{ 0: 1 }, [1], false],
    [[], {}, false],
    [1, "1", false],
    [null, {}, false],
    [true, true, true],
    ["é", "é", true],
  ])("%j = %j: %s", (a, b, equal) => {
    expect(jsonEqual(a, b)).toBe(equal);
    expect(jsonEqual(b, a)).toBe(equal);
  });
});

// History cursors: opaque, round-trip exactly, and anything not issued by the service is BAD_USER_INPUT.
import { describe, expect, test } from "vitest";
import { AppError, ErrorCode } from "../../errors.js";
import { decodeCursor, encodeCursor, historyQueryKey } from "./history.cursor.js";

const base64url = (text: string): string => Buffer.from(text, "utf8").toString("base64url");

describe("history cursor", () => {
  test.each([1n, 42n, 9_223_372_036_854_775_807n])("%s round-trips", (seq) => {
    const cursor = encodeCursor(seq);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain(String(seq));
    expect(decodeCursor(cursor)).toBe(seq);
  });

  test.each([
    ["empty", ""],
    ["not base64url", "a+b/c="],
    ["another prefix", base64url("h2:10")],
    ["no prefix", base64url("10")],
    ["zero", base64url("h1:0")],
    ["negative", base64url("h1:-1")],
    ["leading zero", base64url("h1:010")],
    ["not a number", base64url("h1:ten")],
    ["trailing text", base64url("h1:10 ")],
    ["too many digits", base64url(`h1:${"9".repeat(20)}`)],
    ["too long", "A".repeat(65)],
  ])("%s is refused as BAD_USER_INPUT naming the field", (_, cursor) => {
    let error: unknown;
    try {
      decodeCursor(cursor, "after");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: ErrorCode.BAD_USER_INPUT, field: "after" });
  });

  test("the field name is the caller's", () => {
    expect(() => decodeCursor("nope", "page.after")).toThrow(expect.objectContaining({ field: "page.after" }));
  });
});

describe("historyQueryKey", () => {
  const base = { tenantId: "acme", providerType: "MAP" as const };

  test("without the v2 filters it is v1's key, so cursors issued before them still work", () => {
    expect(historyQueryKey(base)).toBe(JSON.stringify(["acme", "MAP", "", ""]));
  });

  test("changeTypes is a set: order and repeats do not matter; an empty list is its own query", () => {
    const key = historyQueryKey({ ...base, changeTypes: ["DELETED", "CREATED"] });
    expect(historyQueryKey({ ...base, changeTypes: ["CREATED", "DELETED", "CREATED"] })).toBe(key);
    expect(historyQueryKey({ ...base, changeTypes: [] })).not.toBe(historyQueryKey(base));
  });

  test("every v2 filter is part of the key", () => {
    const full = { ...base, changeTypes: ["UPDATED" as const], changedBy: "bob", from: new Date(0), to: new Date(1000) };
    const keys = [
      full,
      { ...full, changeTypes: undefined },
      { ...full, changedBy: "alice" },
      { ...full, changedBy: undefined },
      { ...full, from: new Date(1) },
      { ...full, to: undefined },
    ].map(historyQueryKey);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

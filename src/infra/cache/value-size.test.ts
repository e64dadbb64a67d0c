import { describe, expect, test } from "vitest";
import { fitsIn } from "./value-size.js";

describe("fitsIn", () => {
  test("measures UTF-8 bytes at the boundary", () => {
    expect(fitsIn("a".repeat(10), 10)).toBe(true);
    expect(fitsIn("a".repeat(11), 10)).toBe(false);
    expect(fitsIn("é".repeat(5), 10)).toBe(true); // 2 bytes each
    expect(fitsIn("é".repeat(6), 10)).toBe(false);
    expect(fitsIn("€".repeat(3), 9)).toBe(true); // 3 bytes each
    expect(fitsIn("€".repeat(3), 8)).toBe(false);
    expect(fitsIn("😀".repeat(2), 8)).toBe(true); // a surrogate pair: 2 units, 4 bytes
    expect(fitsIn("😀".repeat(2), 7)).toBe(false);
    expect(fitsIn("", 0)).toBe(true);
  });
});

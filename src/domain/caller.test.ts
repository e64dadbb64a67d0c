import { describe, expect, test } from "vitest";
import { AppError, ErrorCode } from "../errors.js";
import { type Caller, loadAccessible } from "./caller.js";

describe("loadAccessible (a loader refuses tenants the caller cannot see, whatever its service checked)", () => {
  const caller: Caller = { id: "svc", tenants: new Set(["mine"]), scopes: new Set() };

  test("loads only the caller's tenants, in order, and refuses the others in their places", async () => {
    const asked: Array<{ allowed: string[]; tenants: string[] }> = [];
    const answers = await loadAccessible(
      caller,
      ["mine", "theirs", "mine"],
      (query) => query,
      async (allowed, tenants) => {
        asked.push({ allowed, tenants });
        return allowed.map((query, index) => `${query}-${index}`);
      },
    );
    expect(asked).toEqual([{ allowed: ["mine", "mine"], tenants: ["mine"] }]);
    expect(answers[0]).toBe("mine-0");
    expect(answers[2]).toBe("mine-1");
    expect(answers[1]).toBeInstanceOf(AppError);
    expect((answers[1] as AppError).code).toBe(ErrorCode.FORBIDDEN);
  });

  test("reads nothing when no query is the caller's", async () => {
    let loads = 0;
    const answers = await loadAccessible(
      caller,
      ["theirs"],
      (query) => query,
      async () => {
        loads++;
        return [];
      },
    );
    expect(loads).toBe(0);
    expect(answers[0]).toBeInstanceOf(AppError);
  });
});

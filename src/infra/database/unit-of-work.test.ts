// The unit of work on an adapter that cannot hand out a connection: whatever the driver threw, the caller gets a
// DatabaseConnectionError (unavailable, SPEC.md §13), and a write does not retry it.
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import { describe, expect, test } from "vitest";
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import { classifyDatabaseError, DatabaseConnectionError } from "./errors.js";
import { UnitOfWork } from "./unit-of-work.js";

/** An adapter whose every attempt to take a connection fails with `error`; counts the attempts. */
function refusingAdapter(error: unknown): { adapter: SqlDriverAdapter; attempts: () => number } {
  let attempts = 0;
  const adapter = {
    startTransaction: async () => {
      attempts++;
      throw error;
    },
  } as unknown as SqlDriverAdapter;
  return { adapter, attempts: () => attempts };
}

describe("a connection that cannot be had", () => {
  test.each([
    ["a server error no rule lists", Object.assign(new Error("permission denied to set role"), { code: "42501", severity: "ERROR" })],
    ["a FATAL 55000", Object.assign(new Error("not currently accepting connections"), { code: "55000", severity: "FATAL" })],
    ["a plain Error", new Error("something nobody foresaw")],
  ])("%s becomes a DatabaseConnectionError wrapping it", async (_, cause) => {
    const { adapter } = refusingAdapter(cause);
    const failure = await new UnitOfWork(adapter).read(ALL_TENANTS, async () => "never").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DatabaseConnectionError);
    expect((failure as Error).cause).toBe(cause);
    expect(classifyDatabaseError(failure)).toBe("unavailable");
  });

  test("a write fails at once, without retrying", async () => {
    const { adapter, attempts } = refusingAdapter(Object.assign(new Error("too many clients"), { code: "53300", severity: "FATAL" }));
    const work = new UnitOfWork(adapter).write(ALL_TENANTS, async () => "never");
    await expect(work).rejects.toBeInstanceOf(DatabaseConnectionError);
    expect(attempts()).toBe(1);
  });
});

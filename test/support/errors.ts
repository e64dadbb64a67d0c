// SPEC.md §8: an error carries its code, names the field it is about, and is short and human, with no SQL, stack
// trace or internals in its message, and nothing of the operation's result comes back.
import { expect } from "vitest";
import { codeOf, type GraphQLResponse } from "./app.js";

export function expectError(response: GraphQLResponse, code: string, field?: string): void {
  expect(codeOf(response)).toBe(code);
  const error = response.errors?.[0];
  if (field) {
    expect(error?.extensions?.field).toBe(field);
    expect(error?.message).toContain(field);
  }
  expect(error?.message.length).toBeLessThan(300);
  expect(error?.message).not.toMatch(/select |insert into|delete from|prisma|\bat .*\.[jt]s|\n/i);
  // Nothing of the failed field comes back: no data at all, or null where the field is nullable.
  for (const value of Object.values(response.data ?? {})) expect(value).toBeNull();
}

export const expectBadInput = (response: GraphQLResponse, field: string): void => expectError(response, "BAD_USER_INPUT", field);

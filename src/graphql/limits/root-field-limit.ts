// At most MAX_ROOT_FIELDS root fields per operation (SPEC.md §8, "aliased root fields"): each one is a separate
// service call, so a document cannot multiply its work by repeating a field under many aliases. Root fields
// reached through fragments and inline fragments count the same as the ones written out.
import type { ValidationRule } from "graphql";
import { operationLimitRule } from "./selection-walk.js";

export const MAX_ROOT_FIELDS = 100;

export function rootFieldLimitRule(maxFields = MAX_ROOT_FIELDS): ValidationRule {
  return operationLimitRule(
    { field: () => 1, combine: (counts) => counts.reduce((sum, count) => sum + count, 0), empty: 0 },
    maxFields,
    (count) => `The operation has ${count} root fields; the limit is ${maxFields} (aliases included). Nothing was executed.`,
  );
}

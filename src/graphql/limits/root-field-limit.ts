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

/**
 * At most `maxFields` root fields named `fieldName` per operation, for a field whose every call is expensive outside
 * this service (SPEC.md §13: checkProviderHealth makes an outbound request that may take PROVIDER_CHECK_TIMEOUT_MS).
 * Counted like rootFieldLimitRule: aliases and fields reached through fragments included.
 */
export function rootFieldRepeatLimitRule(fieldName: string, maxFields: number): ValidationRule {
  return operationLimitRule(
    {
      field: (node) => (node.name.value === fieldName ? 1 : 0),
      combine: (counts) => counts.reduce((sum, count) => sum + count, 0),
      empty: 0,
    },
    maxFields,
    (count) => `The operation has ${count} ${fieldName} fields; the limit is ${maxFields} (aliases included). Nothing was executed.`,
  );
}

/** SPEC.md §13: many aliased health checks in one request would multiply outbound calls. */
export const MAX_HEALTH_CHECKS_PER_OPERATION = 5;

// Query depth limit (SPEC.md §8): fields nested more than MAX_QUERY_DEPTH deep are refused before anything runs.
// Every field counts, introspection fields (__schema, __type, ofType ...) included; fragments add no level of
// their own. GraphiQL's introspection query (graphql-js getIntrospectionQuery, all options on) is exactly 15 deep.
import type { ValidationRule } from "graphql";
import { operationLimitRule } from "./selection-walk.js";

export const MAX_QUERY_DEPTH = 15;

export function depthLimitRule(maxDepth = MAX_QUERY_DEPTH): ValidationRule {
  return operationLimitRule(
    { field: (_node, _parent, children) => 1 + children(undefined), combine: (depths) => Math.max(0, ...depths), empty: 0 },
    maxDepth,
    (depth) => `Query depth ${depth} exceeds the limit of ${maxDepth} nested fields; nothing was executed.`,
  );
}

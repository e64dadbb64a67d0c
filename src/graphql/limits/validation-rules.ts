// The limit rules every operation meets beside graphql-js's own, over HTTP (Apollo's validationRules) and over
// graphql-ws (graphql/subscription-operation.ts) alike. SPEC.md §8 limits: depth and root fields by document
// shape (cost, which needs the variables, is a plugin); SPEC.md §13: a few health checks per operation (the
// checker's limiter bounds them across requests).
import type { ValidationRule } from "graphql";
import { depthLimitRule } from "./depth-limit.js";
import { MAX_HEALTH_CHECKS_PER_OPERATION, rootFieldLimitRule, rootFieldRepeatLimitRule } from "./root-field-limit.js";

export const limitRules = (): ValidationRule[] => [
  depthLimitRule(),
  rootFieldLimitRule(),
  rootFieldRepeatLimitRule("checkProviderHealth", MAX_HEALTH_CHECKS_PER_OPERATION),
];

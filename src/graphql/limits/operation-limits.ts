// Shape limits per operation, checked beside graphql-js's own rules over HTTP (Apollo's validationRules) and over
// graphql-ws (graphql/subscription-operation.ts) alike. The counting is the document inspector's one walk
// (document-inspector.ts, memoized per text); this rule only compares. SPEC.md §8: depth and root fields by
// document shape (cost, which needs the variables, is a plugin: cost-limit.plugin.ts).
//   - depth: fields nested more than MAX_QUERY_DEPTH deep. Every field counts, introspection fields (__schema,
//     __type, ofType ...) included; fragments add no level of their own. GraphiQL's introspection query
//     (graphql-js getIntrospectionQuery, all options on) is exactly 15 deep.
//   - root fields ("aliased root fields"): each one is a separate service call, so a document cannot multiply its
//     work by repeating a field under many aliases. Root fields reached through fragments count the same.
//   - SPEC.md §13: checkProviderHealth makes an outbound request that may take PROVIDER_CHECK_TIMEOUT_MS, so only a
//     few per operation (the checker's limiter bounds them across requests), counted like root fields.
import { type DocumentNode, GraphQLError, type ValidationRule } from "graphql";
import type { DocumentFacts, OperationFacts } from "../document-inspector.js";

export const MAX_QUERY_DEPTH = 15;
export const MAX_ROOT_FIELDS = 100;
export const HEALTH_CHECK_FIELD = "checkProviderHealth";
export const MAX_HEALTH_CHECKS_PER_OPERATION = 5;

/** What an operation breaks, in words for the client; empty when it is within every limit. */
export function limitProblems(operation: OperationFacts): string[] {
  const problems: string[] = [];
  if (operation.depth > MAX_QUERY_DEPTH) {
    problems.push(`Query depth ${operation.depth} exceeds the limit of ${MAX_QUERY_DEPTH} nested fields; nothing was executed.`);
  }
  if (operation.rootFields > MAX_ROOT_FIELDS) {
    problems.push(
      `The operation has ${operation.rootFields} root fields; the limit is ${MAX_ROOT_FIELDS} (aliases included). Nothing was executed.`,
    );
  }
  if (operation.healthChecks > MAX_HEALTH_CHECKS_PER_OPERATION) {
    problems.push(
      `The operation has ${operation.healthChecks} ${HEALTH_CHECK_FIELD} fields; the limit is ${MAX_HEALTH_CHECKS_PER_OPERATION} (aliases included). Nothing was executed.`,
    );
  }
  return problems;
}

/** One rule for every limit above, reading the facts of the document being validated. */
export function operationLimitsRule(factsOf: (document: DocumentNode) => DocumentFacts): ValidationRule {
  return (context) => {
    const { operations } = factsOf(context.getDocument());
    let index = 0;
    return {
      // The facts list the operations in the document's order, as the visitor meets them.
      OperationDefinition(node) {
        const operation = operations[index++];
        if (!operation) return;
        for (const message of limitProblems(operation)) context.reportError(new GraphQLError(message, { nodes: [node] }));
      },
    };
  };
}

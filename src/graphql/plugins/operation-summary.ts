// What the metrics and logging plugins say about one GraphQL request: derived from the operation and the response the
// client gets (error codes after formatError), never from variables or the query text.
import type { GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { type DocumentNode, type GraphQLFormattedError, Kind, type OperationDefinitionNode } from "graphql";

/** The GraphQL name grammar, bounded: a name given with a request that never parsed may be anything. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

export interface OperationSummary {
  /** The operation name; null when anonymous; "invalid" when the client sent something that is not a name. */
  name: string | null;
  /** query, mutation, subscription; unknown when the document did not parse. */
  type: string;
  /** ok, or the code of the first error (error when it has none). */
  outcome: string;
  /** One per error in the response, in order. */
  errorCodes: string[];
}

export function summarize(requestContext: GraphQLRequestContextWillSendResponse<object>): OperationSummary {
  const requested = requestContext.request.operationName ?? undefined;
  // A document that failed validation never resolved its operation; the name and type are still in the document.
  const operation = requestContext.operation ?? (requestContext.document && operationOf(requestContext.document, requested));
  const body = requestContext.response.body;
  const errors: readonly GraphQLFormattedError[] = (body.kind === "single" ? body.singleResult.errors : body.initialResult.errors) ?? [];
  const errorCodes = errors.map((error) => {
    const code = error.extensions?.code;
    return typeof code === "string" ? code : "error";
  });
  return {
    name: nameOf(operation ? (operation.name?.value ?? null) : (requested ?? null)),
    type: operation?.operation ?? "unknown",
    outcome: errorCodes[0] ?? "ok",
    errorCodes,
  };
}

/** The operation a request runs: the one named, or the only one. */
export function operationOf(document: DocumentNode, operationName: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

export const nameOf = (name: string | null): string | null => (name === null || OPERATION_NAME.test(name) ? name : "invalid");

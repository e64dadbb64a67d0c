// What the request log and metrics say about a GraphQL request Apollo answered: derived from the operation and the
// response the client gets (error codes after formatError), never from variables or the query text.
import type { GraphQLRequestContextWillSendResponse } from "@apollo/server";
import type { DocumentNode, GraphQLFormattedError } from "graphql";
import type { RequestRecord } from "../../infra/http/request-record.js";
import type { DocumentFacts } from "../document-inspector.js";

/** The GraphQL name grammar, bounded: a name given with a request that never parsed may be anything. */
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Fills in the record from Apollo's view of the request. */
export function describeRequest(
  record: RequestRecord,
  requestContext: GraphQLRequestContextWillSendResponse<object>,
  factsOf: (document: DocumentNode) => DocumentFacts,
): void {
  const body = requestContext.response.body;
  const errors: readonly GraphQLFormattedError[] = (body.kind === "single" ? body.singleResult.errors : body.initialResult.errors) ?? [];
  // Every field is set: the operations of a batched request share one record, each recorded in turn.
  record.errorCodes = errors.map((error) => {
    const code = error.extensions?.code;
    return typeof code === "string" ? code : "error";
  });
  record.outcome = record.errorCodes[0] ?? "ok";
  const { operation, document } = requestContext;
  if (operation) {
    record.name = nameOf(operation.name?.value ?? null);
    record.type = operation.operation;
  } else {
    // A document that failed validation never resolved its operation; the inspector's facts still name it.
    const requested = requestContext.request.operationName ?? null;
    const facts = document ? factsOf(document).byName.get(requested ?? "") : undefined;
    record.name = nameOf(facts ? facts.name : requested);
    record.type = facts?.type ?? "unknown";
  }
  record.documentHash = requestContext.queryHash;
}

export const nameOf = (name: string | null): string | null => (name === null || OPERATION_NAME.test(name) ? name : "invalid");

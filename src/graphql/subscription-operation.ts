// One operation sent over graphql-ws (infra/http/subscription-server.ts), taken through the checks an HTTP request
// meets in Apollo: the parser's token limit, the document-shape check, graphql-js's rules plus ours (limits/, from
// the same document inspector as HTTP's),
// then — subscriptions only — graphql-js's subscribe. Every refusal is a list of GraphQLErrors carrying the code
// Apollo would give it, so that formatError treats both transports alike (a GraphQLError without a code would be
// masked as an internal error).
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  subscribe,
  type ValidationRule,
  validate,
} from "graphql";
import { LRUCache } from "lru-cache";
import type { DocumentInspector } from "./document-inspector.js";
import { MAX_DOCUMENT_TOKENS } from "./limits/document-shape.js";
import { operationLimitsRule } from "./limits/operation-limits.js";

export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null;
  readonly variables?: Record<string, unknown> | null;
}

export interface StartedSubscription {
  readonly document: DocumentNode;
  readonly stream: AsyncGenerator<ExecutionResult>;
}

export interface SubscriptionOperations {
  /** The event stream of a subscription, or why it was refused (nothing runs then). */
  start(request: OperationRequest, contextValue: unknown): Promise<StartedSubscription | readonly GraphQLError[]>;
}

const withCode = (error: GraphQLError, code: string): GraphQLError =>
  new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });

/** Dashboards open many subscriptions with one text: validated documents are shared (bounded in bytes of text). */
const VALIDATED_MAX_BYTES = 4 * 1024 * 1024;
const VALIDATED_MAX_QUERY_LENGTH = 16 * 1024;

export function subscriptionOperations(
  schema: GraphQLSchema,
  options: { introspection: boolean; documents: DocumentInspector },
): SubscriptionOperations {
  const { documents } = options;
  const rules: ValidationRule[] = [
    ...specifiedRules,
    operationLimitsRule((document) => documents.factsOf(document)),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  // The AST takes several times its text; counted as 8 bytes a character.
  const validated = new LRUCache<string, DocumentNode>({
    maxSize: VALIDATED_MAX_BYTES,
    sizeCalculation: (_document, query) => query.length * 8 + 256,
  });

  function checked(query: string): DocumentNode | readonly GraphQLError[] {
    const known = validated.get(query);
    if (known) return known;
    let document: DocumentNode;
    try {
      document = parse(query, { maxTokens: MAX_DOCUMENT_TOKENS });
    } catch (error) {
      return [withCode(error instanceof GraphQLError ? error : new GraphQLError("The query could not be parsed."), "GRAPHQL_PARSE_FAILED")];
    }
    const problem = documents.factsOf(document).problem;
    if (problem) return [problem];
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((error) => withCode(error, "GRAPHQL_VALIDATION_FAILED"));
    if (query.length <= VALIDATED_MAX_QUERY_LENGTH) validated.set(query, document);
    return document;
  }

  return {
    async start(request, contextValue) {
      const document = checked(request.query);
      if (!("kind" in document)) return document;
      const operation = getOperationAST(document, request.operationName ?? undefined);
      if (!operation) {
        const message = request.operationName
          ? `Unknown operation named "${request.operationName.slice(0, 64)}".`
          : "Must provide operation name if query contains multiple operations.";
        return [new GraphQLError(message, { extensions: { code: "OPERATION_RESOLUTION_FAILURE" } })];
      }
      if (operation.operation !== "subscription") {
        return [
          new GraphQLError(
            `Only subscriptions are served over WebSocket; send ${operation.operation === "query" ? "queries" : "mutations"} to POST /graphql.`,
            { extensions: { code: "BAD_REQUEST" } },
          ),
        ];
      }
      const result = await subscribe({
        schema,
        document,
        operationName: request.operationName,
        variableValues: request.variables,
        contextValue,
      });
      if (Symbol.asyncIterator in result) return { document, stream: result };
      // Errors with a path come from the field's subscribe function (an AppError inside: FORBIDDEN, a bad cursor);
      // the others are the request's own (variables that do not fit their types), as Apollo reports them.
      return (result.errors ?? [new GraphQLError("The subscription could not be started.")]).map((error) =>
        error.path ? error : withCode(error, "BAD_USER_INPUT"),
      );
    },
  };
}

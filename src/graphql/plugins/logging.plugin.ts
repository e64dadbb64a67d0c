// One log line per GraphQL request: request id, operation name and type, duration, outcome and error codes. Never the
// variables or the query text (inline literals may hold credentials); a hash of the document identifies it instead.
import { performance } from "node:perf_hooks";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Logger } from "../../infra/logger.js";
import type { RequestContext } from "../context.js";
import { type OperationSummary, summarize } from "./operation-summary.js";

export interface RequestLogLine extends OperationSummary {
  requestId: string;
  durationMs: number;
  /** sha256 (hex) of the query text, as Apollo computes it (the key of automatic persisted queries). */
  documentHash?: string;
  /** Answered from the whole-response cache, without Apollo. */
  cached?: boolean;
}

export function createLoggingPlugin(logger: Logger): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse(requestContext) {
          logRequest(logger, {
            ...summarize(requestContext),
            requestId: requestContext.contextValue.requestId,
            durationMs: performance.now() - startedAt,
            documentHash: requestContext.queryHash,
          });
        },
      };
    },
  };
}

/** The request line; also written for responses the cache answered before Apollo (see response-cache-hits.ts). */
export function logRequest(logger: Logger, line: RequestLogLine): void {
  logger.info(
    {
      requestId: line.requestId,
      operation: line.name ?? "anonymous",
      operationType: line.type,
      durationMs: Math.round(line.durationMs * 10) / 10,
      outcome: line.outcome,
      ...(line.errorCodes.length > 0 ? { errorCodes: line.errorCodes } : {}),
      ...(line.documentHash ? { documentHash: line.documentHash } : {}),
      ...(line.cached ? { cached: true } : {}),
    },
    "graphql request",
  );
}

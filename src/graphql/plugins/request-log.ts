// One metrics update and one log line per GraphQL request, whoever answered it: Apollo (requestLogPlugin), the
// whole-response cache before Apollo (response-cache.ts), or the context function, which refuses requests before
// Apollo's plugins run (authentication, document shape). Each fills in the request's record (request-record.ts)
// and hands it here. The line holds the request id, operation name and type, duration, outcome and error codes,
// never the variables or the query text (inline literals may hold credentials): a hash of the document identifies
// it instead. Its fields are all bounded values of the service's own, so it is written without the logger's
// redaction pass (the one per-request line is the logger's hottest use).
import { performance } from "node:perf_hooks";
import type { ApolloServerPlugin } from "@apollo/server";
import type { DocumentNode } from "graphql";
import type { RequestRecord } from "../../infra/http/request-record.js";
import type { Logger } from "../../infra/logger.js";
import type { Metrics } from "../../infra/metrics.js";
import type { RequestContext } from "../context.js";
import type { DocumentFacts } from "../document-inspector.js";
import { describeRequest } from "./operation-summary.js";

export type RecordRequest = (record: RequestRecord) => void;

export function createRequestRecorder(metrics: Pick<Metrics, "operation">, logger: Logger): RecordRequest {
  const lines = logger.child({}, { redact: [] });
  return (record) => {
    const durationMs = performance.now() - record.startedAt;
    metrics.operation(record, durationMs / 1000);
    if (!lines.isLevelEnabled("info")) return;
    const line: Record<string, unknown> = {
      requestId: record.id,
      operation: record.name ?? "anonymous",
      operationType: record.type,
      durationMs: Math.round(durationMs * 10) / 10,
      outcome: record.outcome,
    };
    if (record.errorCodes.length > 0) line.errorCodes = record.errorCodes;
    if (record.documentHash) line.documentHash = record.documentHash;
    if (record.cached) line.cached = true;
    lines.info(line, "graphql request");
  };
}

/** Records every request Apollo answers (the context carries the front's record). */
export function requestLogPlugin(
  recordRequest: RecordRequest,
  factsOf: (document: DocumentNode) => DocumentFacts,
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(requestContext) {
          const { record } = requestContext.contextValue;
          if (!record) return;
          describeRequest(record, requestContext, factsOf);
          recordRequest(record);
        },
      };
    },
  };
}

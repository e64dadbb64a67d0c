// Responses served from the whole-response cache never reach Apollo, so the metrics and logging plugins never see
// them: this records them the same way (a hit is always a query that succeeded).
import { createHash } from "node:crypto";
import { parse } from "graphql";
import { LRUCache } from "lru-cache";
import type { Logger } from "../../infra/logger.js";
import type { Metrics } from "../../infra/metrics.js";
import type { ResponseCacheHit } from "../response-cache/response-cache.js";
import { logRequest } from "./logging.plugin.js";
import { nameOf, operationOf } from "./operation-summary.js";

/** The response cache's onHit hook. */
export function createResponseCacheHitRecorder(metrics: Pick<Metrics, "operation">, logger: Logger) {
  // Name and hash depend on the query text only: worked out once per distinct text, not per hit.
  const documents = new LRUCache<string, { name: string | null; hash: string }>({ max: 1000 });
  const documentOf = (query: string) => {
    let document = documents.get(query);
    if (!document) {
      const name = operationOf(parse(query, { noLocation: true }), undefined)?.name?.value ?? null;
      document = { name, hash: createHash("sha256").update(query).digest("hex") };
      documents.set(query, document);
    }
    return document;
  };

  return ({ requestId, query, operationName, startedAt }: ResponseCacheHit): void => {
    const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const document = documentOf(query);
    const summary = { name: nameOf(operationName ?? document.name), type: "query", outcome: "ok", errorCodes: [] };
    metrics.operation({ ...summary, durationSeconds });
    if (!logger.isLevelEnabled("info")) return;
    logRequest(logger, { ...summary, requestId, durationMs: durationSeconds * 1000, documentHash: document.hash, cached: true });
  };
}

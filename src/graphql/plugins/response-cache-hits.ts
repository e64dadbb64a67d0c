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

const NO_NAME = "";

/** The response cache's onHit hook. */
export function createResponseCacheHitRecorder(metrics: Pick<Metrics, "operation">, logger: Logger) {
  // Without an operationName in the body the name is in the document: parsed once per distinct text, not per hit.
  const documentNames = new LRUCache<string, string>({ max: 1000 });
  const nameIn = (query: string): string | null => {
    let name = documentNames.get(query);
    if (name === undefined) {
      name = operationOf(parse(query, { noLocation: true }), undefined)?.name?.value ?? NO_NAME;
      documentNames.set(query, name);
    }
    return name === NO_NAME ? null : name;
  };

  return ({ requestId, query, operationName, startedAt }: ResponseCacheHit): void => {
    const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const summary = { name: nameOf(operationName ?? nameIn(query)), type: "query", outcome: "ok", errorCodes: [] };
    metrics.operation({ ...summary, durationSeconds });
    logRequest(logger, {
      ...summary,
      requestId,
      durationMs: durationSeconds * 1000,
      documentHash: createHash("sha256").update(query).digest("hex"),
      cached: true,
    });
  };
}

// Responses served from the whole-response cache never reach Apollo, so the metrics and logging plugins never see
// them: this records them the same way (a hit is always a query that succeeded).
import type { Logger } from "../../infra/logger.js";
import type { Metrics } from "../../infra/metrics.js";
import type { ResponseCacheHit } from "../response-cache/response-cache.js";
import { logRequest } from "./logging.plugin.js";
import { nameOf } from "./operation-summary.js";

/** The response cache's onHit hook. */
export function createResponseCacheHitRecorder(metrics: Pick<Metrics, "operation">, logger: Logger) {
  return ({ requestId, name, documentHash, startedAt }: ResponseCacheHit): void => {
    const durationSeconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const summary = { name: nameOf(name), type: "query", outcome: "ok", errorCodes: [] };
    metrics.operation({ ...summary, durationSeconds });
    if (!logger.isLevelEnabled("info")) return;
    logRequest(logger, { ...summary, requestId, durationMs: durationSeconds * 1000, documentHash, cached: true });
  };
}

// Requests refused before Apollo's request pipeline starts (authentication fails in the context function) never
// reach the metrics and logging plugins: this records them the same way, as an operation that did not parse.
import type { Logger } from "../../infra/logger.js";
import type { Metrics } from "../../infra/metrics.js";
import { logRequest } from "./logging.plugin.js";

export function createRejectedRequestRecorder(metrics: Pick<Metrics, "operation">, logger: Logger) {
  return (requestId: string, code: string, durationMs: number): void => {
    const summary = { name: null, type: "unknown", outcome: code, errorCodes: [code] };
    metrics.operation({ ...summary, durationSeconds: durationMs / 1000 });
    logRequest(logger, { ...summary, requestId, durationMs });
  };
}

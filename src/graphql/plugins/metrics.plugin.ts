// Counts every GraphQL request by operation and outcome, times it, and counts errors by code (infra/metrics.ts).
import { performance } from "node:perf_hooks";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Metrics } from "../../infra/metrics.js";
import { summarize } from "./operation-summary.js";

export function createMetricsPlugin(metrics: Pick<Metrics, "operation">): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse(requestContext) {
          const durationSeconds = (performance.now() - startedAt) / 1000;
          metrics.operation({ ...summarize(requestContext), durationSeconds });
        },
      };
    },
  };
}

// The HTTP surface (SPEC.md §1): POST|GET /graphql (Apollo, CSRF prevention on), /healthz, /readyz, /metrics, /graphiql.
import express, { type ErrorRequestHandler } from "express";
import type { GraphqlHandler } from "./apollo-handler.js";
import { MAX_BODY_BYTES, sendJsonError } from "./graphql-front.js";
import { recordOf } from "./request-record.js";

export interface ReadinessReport {
  ready: boolean;
  database: "up" | "down";
  cache: string;
}

export interface HttpServerOptions {
  /** Apollo (apollo-handler.ts), for the /graphql requests the front hands on: GET, and bodies other than JSON. */
  graphql: GraphqlHandler;
  readiness: () => Promise<ReadinessReport>;
  /** Mounted at /graphiql when given (config.graphiql). */
  graphiql?: express.Router;
  /** Served at GET /metrics (Prometheus text format). */
  metrics?: { readonly contentType: string; render(): Promise<string> };
}

export function createHttpApp(options: HttpServerOptions): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.use((request, response, next) => {
    response.setHeader("x-request-id", recordOf(request).id);
    next();
  });

  app.get("/healthz", (_request, response) => {
    response.json({ status: "ok" });
  });

  app.get("/readyz", async (_request, response) => {
    const report = await options.readiness();
    response
      .status(report.ready ? 200 : 503)
      .json({ status: report.ready ? "ready" : "not ready", database: report.database, cache: report.cache });
  });

  const metrics = options.metrics;
  if (metrics) {
    app.get("/metrics", async (_request, response) => {
      response.type(metrics.contentType).send(await metrics.render());
    });
  }

  if (options.graphiql) app.use("/graphiql", options.graphiql);

  app.use("/graphql", express.json({ limit: MAX_BODY_BYTES }), (request, response, next) => {
    options.graphql(request, response, request.body).catch(next);
  });

  app.use(jsonErrors);
  return app;
}

/** Body-parser failures (too large, malformed JSON) as GraphQL-shaped JSON errors, never an HTML page. */
const jsonErrors: ErrorRequestHandler = (error, _request, response, _next) => {
  const status = typeof error?.status === "number" && error.status >= 400 && error.status < 500 ? error.status : 500;
  const message =
    error?.type === "entity.too.large"
      ? `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`
      : status === 400
        ? "Request body is not valid JSON."
        : status < 500
          ? "Bad request."
          : "Internal server error.";
  const code = status === 413 ? "PAYLOAD_TOO_LARGE" : status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR";
  sendJsonError(response, status, code, message);
};

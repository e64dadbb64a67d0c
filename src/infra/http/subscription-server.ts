// GraphQL over WebSocket (graphql-ws, protocol graphql-transport-ws) on the service's one HTTP server, path
// /graphql (SPEC.md §9). Subscriptions only: queries and mutations keep going to POST /graphql.
//
// Authentication (SPEC.md §6, §9): the token of the connection_init payload (`authorization`, any case), else the
// Authorization header of the upgrade request. A missing or invalid token closes the socket with 4401, an
// unreachable identity provider with 4503 (graphql-ws clients retry that one, not 4401), and a token that expires
// while the socket is open closes it with 4401 at that moment. Tenant and scope rules are the services' own: a
// tenant the token does not grant is an `error` message for that subscription; the socket stays open.
//
// Bounds: 64 KiB per message, connection_init within 5 s (graphql-ws closes with 4408), 100 subscriptions per
// socket, MAX_CONNECTIONS sockets per instance (then 503 at upgrade), keep-alive pings (a socket that does not
// answer is dropped), and ChangeSubscriptionService's bound on streams per instance. Every error sent goes through
// formatError, as over HTTP. stop() closes every socket with 1001 (their streams end), then stops upgrades.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type ExecutionArgs, type ExecutionResult, GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from "graphql";
import { CloseCode } from "graphql-ws";
// Renamed: graphql-ws's useServer is no React hook (Biome's hook rule goes by the name).
import { useServer as serveGraphQLOverWebSocket } from "graphql-ws/use/ws";
import { decodeJwt } from "jose";
import { type WebSocket, WebSocketServer } from "ws";
import type { Caller } from "../../domain/caller.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { SubscriptionOperations } from "../../graphql/subscription-operation.js";
import { type Authenticator, bearerToken, CLOCK_TOLERANCE_SECONDS } from "../../modules/access/authenticator.js";
import type { Logger } from "../logger.js";
import type { Metrics } from "../metrics.js";

export const WEBSOCKET_LIMITS = {
  maxPayloadBytes: 64 * 1024,
  maxSubscriptionsPerSocket: 100,
  maxConnections: 5000,
  connectionInitWaitMs: 5000,
  keepAliveMs: 12_000,
  /** How long stop() lets clients answer the close handshake before it drops them. */
  closeGraceMs: 2000,
};

/** graphql-ws's CloseCode has no "try again later"; 4503 mirrors HTTP 503, and clients retry it. */
export const CLOSE_SERVICE_UNAVAILABLE = 4503;
const CLOSE_GOING_AWAY = 1001;
/** setTimeout's largest delay; a token valid for longer is simply checked again at that point. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SubscriptionServerOptions {
  httpServer: Server;
  path: string;
  schema: GraphQLSchema;
  operations: SubscriptionOperations;
  authenticator: Authenticator;
  /** The context of one subscription of this caller. */
  contextOf: (caller: Caller) => unknown;
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  metrics: Pick<Metrics, "subscriptionEventDelivered" | "observeWebSocketConnections">;
  logger: Logger;
  limits?: Partial<typeof WEBSOCKET_LIMITS>;
}

export interface SubscriptionServer {
  stop(): Promise<void>;
}

// A type alias, not an interface: graphql-ws wants an index-signature-compatible record.
type ConnectionExtra = {
  caller?: Caller;
};

export function createSubscriptionServer(options: SubscriptionServerOptions): SubscriptionServer {
  const limits = { ...WEBSOCKET_LIMITS, ...options.limits };
  const { authenticator, formatError, logger, metrics } = options;
  const format = (error: GraphQLError): GraphQLFormattedError => formatError(error.toJSON(), error);
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes, perMessageDeflate: false });
  metrics.observeWebSocketConnections(() => wss.clients.size);
  // graphql-ws runs `subscribe` with the arguments onSubscribe returned: the stream onSubscribe already started
  // (see there) is looked up by them.
  const started = new WeakMap<ExecutionArgs, AsyncGenerator<ExecutionResult>>();

  const server = serveGraphQLOverWebSocket<Record<string, unknown>, ConnectionExtra>(
    {
      isProd: true, // graphql-ws would otherwise put internal error messages in close reasons
      connectionInitWaitTimeout: limits.connectionInitWaitMs,
      async onConnect(ctx) {
        const authorization = authorizationOf(ctx.connectionParams) ?? ctx.extra.request.headers.authorization;
        try {
          ctx.extra.caller = await authenticator.authenticate(authorization);
        } catch (error) {
          const unavailable = error instanceof AppError && error.code === ErrorCode.SERVICE_UNAVAILABLE;
          if (!(error instanceof AppError))
            logger.error({ reason: error instanceof Error ? error.name : "unknown" }, "websocket authentication failed");
          logger.info({ code: unavailable ? CLOSE_SERVICE_UNAVAILABLE : CloseCode.Unauthorized }, "websocket connection refused");
          const message = error instanceof AppError ? error.message : "Authentication failed.";
          ctx.extra.socket.close(unavailable ? CLOSE_SERVICE_UNAVAILABLE : CloseCode.Unauthorized, closeReason(message));
          return false;
        }
        if (authenticator.required) closeWhenExpired(ctx.extra.socket, authorization);
        return true;
      },
      async onSubscribe(ctx, _id, payload) {
        // The id being subscribed is already counted.
        if (Object.keys(ctx.subscriptions).length > limits.maxSubscriptionsPerSocket) {
          return [
            refusal(`At most ${limits.maxSubscriptionsPerSocket} subscriptions per connection; complete one or open another connection.`),
          ];
        }
        const caller = ctx.extra.caller;
        if (!caller) return [refusal("The connection is not authenticated.")];
        const result = await options.operations.start(payload, options.contextOf(caller));
        if ("stream" in result) {
          // Started here rather than by graphql-ws, so that a subscription refused before its first event (a tenant
          // not granted, a bad cursor) is an `error` message; graphql-ws would send it as a `next` with errors.
          const args: ExecutionArgs = { schema: options.schema, document: result.document, operationName: payload.operationName };
          started.set(args, result.stream);
          return args;
        }
        return result;
      },
      subscribe: (args) => started.get(args) ?? { errors: [refusal("The subscription was not started.")] },
      onNext(_ctx, _id, _payload, _args, result) {
        if (!result.errors) {
          metrics.subscriptionEventDelivered();
          return result;
        }
        return { ...result, errors: result.errors.map(format) };
      },
      onError: (_ctx, _id, _payload, errors) => errors.map(format),
    },
    wss,
    limits.keepAliveMs,
  );

  // graphql-ws reports a socket error (a message over maxPayload, a broken frame) with console.error and a second
  // close; ws has already closed such a socket (1009, 1002), so it is only worth a log line at info.
  wss.on("connection", (socket: WebSocket) => {
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) =>
      logger.info({ reason: typeof error.code === "string" ? error.code : error.name }, "websocket closed on a protocol error"),
    );
  });

  let stopping = false;
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => {}); // a client that goes away mid-handshake is nobody's error
    if (request.url?.split("?", 1)[0] !== options.path) return refuseUpgrade(socket, 404, "Not Found");
    if (stopping || wss.clients.size >= limits.maxConnections) return refuseUpgrade(socket, 503, "Service Unavailable");
    // Without authentication nothing stops a page of another site from reading the changes through the visitor's
    // browser (WebSockets are not bound by the same-origin policy): refuse cross-origin browsers then.
    if (!authenticator.required && crossOrigin(request)) return refuseUpgrade(socket, 403, "Forbidden");
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  options.httpServer.on("upgrade", onUpgrade);

  let stopped: Promise<void> | undefined;
  return {
    stop() {
      stopped ??= (async () => {
        stopping = true;
        options.httpServer.off("upgrade", onUpgrade);
        const sockets = [...wss.clients];
        const closed = Promise.all(sockets.map(whenClosed));
        for (const socket of sockets) socket.close(CLOSE_GOING_AWAY, "The server is shutting down; reconnect and resume with after.");
        let grace: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise((resolve) => (grace = setTimeout(resolve, limits.closeGraceMs)))]);
        clearTimeout(grace);
        for (const socket of sockets) socket.terminate();
        await closed;
        await server.dispose();
      })();
      return stopped;
    },
  };

  /** Closes the socket with 4401 when the (verified) token's `exp` passes, with the clock tolerance verification allows. */
  function closeWhenExpired(socket: WebSocket, authorization: string | undefined): void {
    const token = bearerToken(authorization);
    let exp: number | undefined;
    try {
      exp = token ? decodeJwt(token).exp : undefined;
    } catch {
      return;
    }
    if (exp === undefined) return;
    const check = () => {
      const left = (exp + CLOCK_TOLERANCE_SECONDS) * 1000 - Date.now();
      if (left > 0) {
        timer = setTimeout(check, Math.min(left, MAX_TIMER_MS));
        timer.unref();
      } else socket.close(CloseCode.Unauthorized, "The bearer token has expired; reconnect with a new one.");
    };
    let timer: NodeJS.Timeout | undefined;
    check();
    socket.once("close", () => clearTimeout(timer));
  }
}

/** The `authorization` entry of a connection_init payload, whatever its case; undefined when there is none. */
export function authorizationOf(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (!params) return undefined;
  for (const [key, value] of Object.entries(params)) {
    // Present but not a string: the authenticator refuses it instead of falling back to the header.
    if (key.toLowerCase() === "authorization") return typeof value === "string" ? value : "";
  }
  return undefined;
}

const refusal = (message: string): GraphQLError => new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });

/** Close reasons are at most 123 bytes. */
function closeReason(message: string): string {
  return Buffer.byteLength(message) <= 123 ? message : "Authentication failed.";
}

function crossOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return false; // not a browser
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}

function refuseUpgrade(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function whenClosed(socket: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.readyState === socket.CLOSED) resolve();
    else socket.once("close", () => resolve());
  });
}

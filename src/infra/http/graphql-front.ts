// The first thing a request meets. Every request gets its record (request-record.ts: request id, start time), and
// POST /graphql with a JSON body is read and parsed here, once, and offered to the whole-response cache (a hit
// costs a body parse, a hash and one Redis round trip); a miss goes straight to Apollo (apollo-handler.ts) with the
// parsed body and the same record. Everything else (GET /graphql, other content types, /healthz, /metrics, ...)
// goes to express.
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { GraphqlHandler } from "./apollo-handler.js";
import { type RequestRecord, recordOf } from "./request-record.js";

export const MAX_BODY_BYTES = 1024 * 1024;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Answers the request if it can (setting x-request-id itself); false hands it on. */
export type FastPath = (request: IncomingMessage, response: ServerResponse, body: unknown, record: RequestRecord) => Promise<boolean>;

/** A GraphQL-shaped JSON error, never an HTML page (also used by express for the same failures). */
export function sendJsonError(response: ServerResponse, status: number, code: string, message: string): void {
  const body = JSON.stringify({ errors: [{ message, extensions: { code } }] });
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  response.end(body);
}

/**
 * `onFastPathError` hears of a fast path that threw; the request then takes the normal path, as the fast path is
 * only a shortcut. No promise here is left without a handler: an unhandled rejection would end the process.
 */
export function graphqlFront(
  app: RequestListener,
  fastPath: FastPath,
  graphql: GraphqlHandler,
  onFastPathError: (error: unknown) => void,
): RequestListener {
  return (request, response) => {
    const record = recordOf(request);
    if (request.method !== "POST" || !isGraphqlPath(request.url) || !JSON_TYPE.test(request.headers["content-type"] ?? "")) {
      app(request, response);
      return;
    }
    readJson(request, response, record)
      .then(async (body) => {
        if (body === FAILED) return;
        const answered = await fastPath(request, response, body, record).catch((error: unknown) => {
          onFastPathError(error);
          return response.headersSent;
        });
        if (answered) return;
        response.setHeader("x-request-id", record.id);
        await graphql(request, response, body);
      })
      .catch((error: unknown) => {
        // The body could not be read or the answer not written: the client went away.
        response.destroy(error instanceof Error ? error : undefined);
      });
  };
}

/** /graphql, with or without a query string. */
const isGraphqlPath = (url = ""): boolean => url === "/graphql" || url.startsWith("/graphql?");

const FAILED = Symbol("failed");

/** The parsed body, or FAILED after answering 413 / 400 itself. */
function readJson(request: IncomingMessage, response: ServerResponse, record: RequestRecord): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      tooLarge(request, response, record);
      resolve(FAILED);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        tooLarge(request, response, record);
        resolve(FAILED);
      } else chunks.push(chunk);
    });
    request.on("error", reject);
    request.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse((chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size)).toString("utf8")));
      } catch {
        response.setHeader("x-request-id", record.id);
        sendJsonError(response, 400, "BAD_REQUEST", "Request body is not valid JSON.");
        resolve(FAILED);
      }
    });
  });
}

function tooLarge(request: IncomingMessage, response: ServerResponse, record: RequestRecord): void {
  response.setHeader("x-request-id", record.id);
  response.setHeader("connection", "close");
  sendJsonError(response, 413, "PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`);
  request.resume();
}

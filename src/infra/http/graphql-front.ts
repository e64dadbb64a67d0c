// The first thing a request meets: POST /graphql with a JSON body is read here, once, and offered to the
// whole-response cache before express, Apollo and the rest of the pipeline see it (a cache hit costs a body
// parse, a hash and one Redis round trip). Everything else, and every miss, continues to express with the body
// already parsed (body-parser skips a request whose stream has been read).
import { randomUUID } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";

export const MAX_BODY_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Answers the request if it can; false hands it on. */
export type FastPath = (request: IncomingMessage, response: ServerResponse, body: unknown, requestId: string) => Promise<boolean>;

/** The caller's X-Request-ID when it is sane, else a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers["x-request-id"];
  return typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID();
}

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
export function graphqlFront(app: RequestListener, fastPath: FastPath, onFastPathError: (error: unknown) => void): RequestListener {
  return (request, response) => {
    // One request id for both paths: express reads it back from the header.
    const requestId = requestIdOf(request);
    request.headers["x-request-id"] = requestId;
    response.setHeader("x-request-id", requestId);
    const path = request.url?.split("?", 1)[0];
    if (request.method !== "POST" || path !== "/graphql" || !JSON_TYPE.test(request.headers["content-type"] ?? "")) {
      app(request, response);
      return;
    }
    readJson(request, response)
      .then(async (body) => {
        if (body === FAILED) return;
        const answered = await fastPath(request, response, body, requestId).catch((error: unknown) => {
          onFastPathError(error);
          return response.headersSent;
        });
        if (answered) return;
        (request as IncomingMessage & { body?: unknown }).body = body;
        app(request, response);
      })
      .catch((error: unknown) => {
        // The body could not be read (the client went away), or the normal path threw synchronously.
        response.destroy(error instanceof Error ? error : undefined);
      });
  };
}

const FAILED = Symbol("failed");

/** The parsed body, or FAILED after answering 413 / 400 itself. */
function readJson(request: IncomingMessage, response: ServerResponse): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      tooLarge(request, response);
      resolve(FAILED);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        request.removeAllListeners("data");
        tooLarge(request, response);
        resolve(FAILED);
      } else chunks.push(chunk);
    });
    request.on("error", reject);
    request.on("end", () => {
      if (size > MAX_BODY_BYTES) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks, size).toString("utf8")));
      } catch {
        sendJsonError(response, 400, "BAD_REQUEST", "Request body is not valid JSON.");
        resolve(FAILED);
      }
    });
  });
}

function tooLarge(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader("connection", "close");
  sendJsonError(response, 413, "PAYLOAD_TOO_LARGE", `Request body is larger than the limit of ${MAX_BODY_BYTES} bytes.`);
  request.resume();
}

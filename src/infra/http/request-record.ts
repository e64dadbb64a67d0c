// One record per HTTP request, made by the front (graphql-front.ts) when the request arrives and carried on the
// request object down the pipeline: it holds the request id (one for both the cache fast path and express), the
// start time, and — for GraphQL requests — what the request turned out to be, filled in by whoever answers it
// (the whole-response cache, the context function, Apollo's plugins) and recorded once (graphql/plugins/request-log.ts).
import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const RECORD = Symbol("request record");
const NO_ERRORS: readonly string[] = [];

export interface RequestRecord {
  /** The caller's X-Request-ID when it is sane, else a new UUID. */
  readonly id: string;
  /** performance.now() when the request arrived. */
  readonly startedAt: number;
  /** The operation's name as the request gave it; null when anonymous. */
  name: string | null;
  /** query, mutation, subscription; unknown until (unless) the document resolves to an operation. */
  type: string;
  /** ok, or the code of the first error in the response. */
  outcome: string;
  /** One per error in the response, in order. */
  errorCodes: readonly string[];
  /** sha256 (hex) of the query text (Apollo's query hash), when known. */
  documentHash?: string;
  /** Answered from the whole-response cache, without Apollo. */
  cached: boolean;
  /** Set by the response cache on a cacheable miss: the key its response is stored under once executed. */
  responseCacheKey?: string;
}

type Recorded = IncomingMessage & { [RECORD]?: RequestRecord };

/** The request's record, made on first use (the front makes it before anything else reads it). */
export function recordOf(request: IncomingMessage): RequestRecord {
  const recorded = request as Recorded;
  if (recorded[RECORD]) return recorded[RECORD];
  const given = request.headers["x-request-id"];
  const record: RequestRecord = {
    id: typeof given === "string" && REQUEST_ID.test(given) ? given : randomUUID(),
    startedAt: performance.now(),
    name: null,
    type: "unknown",
    outcome: "ok",
    errorCodes: NO_ERRORS,
    cached: false,
  };
  recorded[RECORD] = record;
  return record;
}

// Whole-response caching for read-only queries (SPEC.md §5 with the speed target): a hit is answered
// before Apollo parses, validates or executes anything. The key holds everything a response depends on besides
// the data: the schema, the caller's tenants and scopes, the operation, its text and the values of the variables
// it declares. The data part is checked by generation on every hit (see infra/cache), so a hit is exactly as
// fresh as a database read.
// Hostile input (SPEC.md §13): the caller is authenticated before any per-text work; variables the operation does
// not declare never enter the key (they cannot change the response, so varying them must not mint new entries);
// the declared ones are keyed through a bounded walk, and values too deep or too large to key are executed
// instead; responses over MAX_CACHED_RESPONSE_BYTES are not stored.
// A hit is the service's hottest path: it writes the stored bytes as they are, and keys by the document's hash
// (worked out once per text) and the caller's grants (worked out once per caller object, see below).
import { hash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Caller } from "../../domain/caller.js";
import type { GenerationalCache } from "../../infra/cache/generational-cache.js";
import type { FastPath } from "../../infra/http/graphql-front.js";
import type { RequestContext } from "../context.js";
import type { DocumentInspector } from "../document-inspector.js";
import { nameOf } from "../plugins/operation-summary.js";
import type { RecordRequest } from "../plugins/request-log.js";

/** Larger responses are executed every time: storing them would let a few requests fill the cache. */
export const MAX_CACHED_RESPONSE_BYTES = 256 * 1024;
/** Variable values deeper or larger than these are not keyed (the request is executed normally). */
const MAX_VARIABLE_DEPTH = 16;
const MAX_VARIABLE_NODES = 2000;

interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export interface ResponseCacheOptions {
  cache: GenerationalCache;
  documents: DocumentInspector;
  /** Changes whenever the schema does, so that a deploy never serves responses of another shape. */
  schemaId: string;
  /** The caller, exactly as the GraphQL context will see it; undefined when the request is not authenticated. */
  callerOf: (request: IncomingMessage) => Promise<Caller | undefined>;
  /** Records every hit (metrics and the request log), as Apollo's plugins do for the requests they see. */
  recordRequest: RecordRequest;
}

/** The fast path for POST /graphql (see infra/http/graphql-front.ts): answers hits, marks cacheable misses. */
export function responseCacheFastPath(options: ResponseCacheOptions): FastPath {
  const grants = new CallerGrants();
  return async (request, response, parsed, record) => {
    const body = parsed as GraphQLRequestBody | null;
    const query = body?.query;
    const operationName = typeof body?.operationName === "string" ? body.operationName : undefined;
    if (typeof query !== "string" || body?.extensions !== undefined) return false;
    // Authentication first: nothing is parsed or memoized for a caller without a valid token.
    const caller = await options.callerOf(request);
    if (!caller) return false;
    const operation = options.documents.cacheable(query, operationName);
    if (!operation) return false;
    const variables = canonicalVariables(operation.variables, body?.variables);
    if (variables === undefined) return false;
    const key = responseKey(options.schemaId, grants.of(caller), operationName, operation.documentHash, variables);
    const hit = await options.cache.readResponse(key);
    if (hit === null) {
      record.responseCacheKey = key;
      return false;
    }
    // As every GraphQL response (no-store.plugin.ts): freshness is this cache's to check, never an HTTP cache's.
    response.writeHead(200, [
      "content-type",
      "application/json; charset=utf-8",
      "cache-control",
      "no-store",
      "content-length",
      String(hit.length),
      "x-request-id",
      record.id,
    ]);
    response.end(hit);
    record.name = nameOf(operation.name);
    record.type = "query";
    record.documentHash = operation.documentHash;
    record.cached = true;
    options.recordRequest(record);
    return true;
  };
}

/** Stores the responses of cacheable misses that completed without errors, with their dependencies. */
export function responseCachePlugin(cache: GenerationalCache): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const key = contextValue.record?.responseCacheKey;
          const { cacheDependencies } = contextValue;
          if (!key || response.body.kind !== "single" || !cacheDependencies.isCacheable) return;
          const result = response.body.singleResult;
          if (result.errors?.length || result.data === undefined || response.http.status) return;
          // The bytes Apollo sends for this result (its JSON plus a newline).
          const bytes = `${JSON.stringify(result)}\n`;
          if (bytes.length > MAX_CACHED_RESPONSE_BYTES) return;
          await cache.writeResponse(key, cacheDependencies.epoch, cacheDependencies.list, bytes);
        },
      };
    },
  };
}

/**
 * The response key: one SHA-256 over everything the response depends on besides the data. Length-prefixed parts:
 * no two different requests can produce the same input to the hash. The query text enters as its own SHA-256.
 */
function responseKey(
  schemaId: string,
  grants: string,
  operationName: string | undefined,
  documentHash: string,
  canonicalVariables: string,
): string {
  let input = "";
  for (const part of [schemaId, grants, operationName ?? "\u0000", documentHash, canonicalVariables]) input += `${part.length}:${part}`;
  return hash("sha256", input, "base64url");
}

/**
 * A caller's tenants and scopes as one canonical string (sorted), for the key. The authenticator hands out the same
 * Caller object for every request with the same token while it remembers it, so this is worked out once per token.
 */
class CallerGrants {
  private readonly known = new WeakMap<Caller, string>();

  of(caller: Caller): string {
    let grants = this.known.get(caller);
    if (grants === undefined) {
      const tenants = caller.tenants === "*" ? "*" : [...caller.tenants].sort().join(",");
      grants = `${tenants.length}:${tenants}${[...caller.scopes].sort().join(" ")}`;
      this.known.set(caller, grants);
    }
    return grants;
  }
}

/**
 * The values of the declared variables as JSON with object keys sorted, so that equal values give equal keys;
 * undefined when they are nested deeper than MAX_VARIABLE_DEPTH or hold more than MAX_VARIABLE_NODES values (the
 * walk stops there, so a hostile value costs at most that much).
 */
function canonicalVariables(declared: readonly string[], given: unknown): string | undefined {
  const values = typeof given === "object" && given !== null && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const budget = { nodes: MAX_VARIABLE_NODES };
  const picked: Record<string, unknown> = {};
  for (const name of declared) {
    if (!Object.hasOwn(values, name)) continue;
    const value = canonical(values[name], 0, budget);
    if (value === TOO_LARGE) return undefined;
    picked[name] = value;
  }
  return JSON.stringify(picked);
}

const TOO_LARGE = Symbol("too large");

function canonical(value: unknown, depth: number, budget: { nodes: number }): unknown {
  if (--budget.nodes < 0 || depth > MAX_VARIABLE_DEPTH) return TOO_LARGE;
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    if (value.length > budget.nodes) return TOO_LARGE;
    const out: unknown[] = [];
    for (const item of value) {
      const inner = canonical(item, depth + 1, budget);
      if (inner === TOO_LARGE) return TOO_LARGE;
      out.push(inner);
    }
    return out;
  }
  const keys = Object.keys(value);
  if (keys.length > budget.nodes) return TOO_LARGE;
  const out: Record<string, unknown> = {};
  for (const key of keys.sort()) {
    const inner = canonical((value as Record<string, unknown>)[key], depth + 1, budget);
    if (inner === TOO_LARGE) return TOO_LARGE;
    out[key] = inner;
  }
  return out;
}

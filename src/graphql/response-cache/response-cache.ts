// Whole-response caching for read-only queries (SPEC.md §5 with the speed target): a hit is answered
// before Apollo parses, validates or executes anything. The key holds everything a response depends on besides
// the data: the schema, the caller's tenants and scopes, the operation, its text and its variables. The data
// part is checked by generation on every hit (see infra/cache), so a hit is exactly as fresh as a database read.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GenerationalCache } from "../../infra/cache/generational-cache.js";
import type { FastPath } from "../../infra/http/graphql-front.js";
import type { Caller } from "../../modules/access/caller.js";
import type { RequestContext } from "../context.js";
import type { CacheableOperations } from "./cacheable-operation.js";

interface GraphQLRequestBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

export interface ResponseCacheOptions {
  cache: GenerationalCache;
  operations: CacheableOperations;
  /** Changes whenever the schema does, so that a deploy never serves responses of another shape. */
  schemaId: string;
  /** The caller, exactly as the GraphQL context will see it; undefined when the request is not authenticated. */
  callerOf: (request: IncomingMessage) => Promise<Caller | undefined>;
  /** Told about every hit (metrics and the request log). */
  onHit?: (hit: ResponseCacheHit) => void;
}

export interface ResponseCacheHit {
  requestId: string;
  query: string;
  operationName: string | undefined;
  startedAt: bigint;
}

/** The key a cacheable miss is stored under once it has executed (read by the context function). */
const missKeys = new WeakMap<IncomingMessage, string>();
export const responseCacheKeyOf = (request: IncomingMessage): string | undefined => missKeys.get(request);

/** The fast path for POST /graphql (see infra/http/graphql-front.ts): answers hits, marks cacheable misses. */
export function responseCacheFastPath(options: ResponseCacheOptions): FastPath {
  return async (request, response, parsed, requestId) => {
    const startedAt = process.hrtime.bigint();
    const body = parsed as GraphQLRequestBody | null;
    const query = body?.query;
    const operationName = typeof body?.operationName === "string" ? body.operationName : undefined;
    if (typeof query !== "string" || body?.extensions !== undefined) return false;
    if (!options.operations.isCacheable(query, operationName)) return false;
    const caller = await options.callerOf(request);
    if (!caller) return false;
    const key = responseKey(options.schemaId, caller, operationName, query, body?.variables);
    const hit = await options.cache.readResponse(key);
    if (hit === null) {
      missKeys.set(request, key);
      return false;
    }
    response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(hit) });
    response.end(hit);
    options.onHit?.({ requestId, query, operationName, startedAt });
    return true;
  };
}

/** Stores the responses of cacheable misses that completed without errors, with their dependencies. */
export function responseCachePlugin(cache: GenerationalCache): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const key = contextValue.responseCacheKey;
          const { cacheDependencies } = contextValue;
          if (!key || response.body.kind !== "single" || !cacheDependencies.isCacheable) return;
          const result = response.body.singleResult;
          if (result.errors?.length || result.data === undefined || response.http.status) return;
          // The bytes Apollo sends for this result (its JSON plus a newline).
          await cache.writeResponse(key, cacheDependencies.epoch, cacheDependencies.list, `${JSON.stringify(result)}\n`);
        },
      };
    },
  };
}

export function responseKey(
  schemaId: string,
  caller: Caller,
  operationName: string | undefined,
  query: string,
  variables: unknown,
): string {
  const tenants = caller.tenants === "*" ? "*" : [...caller.tenants].sort().join(",");
  const scopes = [...caller.scopes].sort().join(" ");
  // Length-prefixed parts: no two different requests can produce the same input to the hash.
  const hash = createHash("sha256");
  for (const part of [schemaId, tenants, scopes, operationName ?? "\u0000", query, JSON.stringify(canonical(variables ?? {}))]) {
    hash.update(`${part.length}:`).update(part);
  }
  return hash.digest("base64url");
}

/** JSON with object keys sorted, so that equal variables give equal keys. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
  );
}

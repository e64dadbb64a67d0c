// Whole-response caching for read-only queries (SPEC.md §5 with the speed target): a hit is answered
// before Apollo parses, validates or executes anything. The key holds everything a response depends on besides
// the data: the schema, the caller's tenants and scopes, the operation, its text and its variables. The data
// part is checked by generation on every hit (see infra/cache), so a hit is exactly as fresh as a database read.
import { createHash } from "node:crypto";
import type { ApolloServerPlugin } from "@apollo/server";
import type { NextFunction, Request, Response } from "express";
import type { GenerationalCache } from "../../infra/cache/generational-cache.js";
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
  callerOf: (request: Request) => Promise<Caller | undefined>;
  /** Told about every hit (metrics and the request log). */
  onHit?: (request: Request, operationName: string | undefined, startedAt: bigint) => void;
}

/** Express middleware for POST /graphql, after express.json(): answers hits, marks cacheable misses. */
export function responseCacheMiddleware(options: ResponseCacheOptions) {
  return async (request: Request, response: Response, next: NextFunction): Promise<void> => {
    const startedAt = process.hrtime.bigint();
    const body = request.body as GraphQLRequestBody | undefined;
    const query = body?.query;
    const operationName = typeof body?.operationName === "string" ? body.operationName : undefined;
    if (request.method !== "POST" || typeof query !== "string" || body?.extensions !== undefined) return next();
    if (!options.operations.isCacheable(query, operationName)) return next();
    const caller = await options.callerOf(request);
    if (!caller) return next();
    const key = responseKey(options.schemaId, caller, operationName, query, body?.variables);
    const hit = await options.cache.readResponse(key);
    if (hit !== null) {
      response.status(200).setHeader("content-type", "application/json; charset=utf-8");
      response.end(hit);
      options.onHit?.(request, operationName, startedAt);
      return;
    }
    response.locals.responseCacheKey = key;
    next();
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
  return createHash("sha256")
    .update(JSON.stringify([schemaId, tenants, scopes, operationName ?? null, query, canonical(variables ?? {})]))
    .digest("base64url");
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

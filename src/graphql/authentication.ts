// The caller of a GraphQL request, for the context function and the whole-response cache alike. A request that
// fails authentication fails as a whole, before anything is parsed or executed: Apollo answers a GraphQLError
// thrown by the context function with its `extensions.http` status (401 here, with a WWW-Authenticate header;
// 503 when the identity provider's keys are unreachable), and formatError keeps its code and message.
import { HeaderMap } from "@apollo/server";
import { GraphQLError } from "graphql";
import type { Caller } from "../domain/caller.js";
import { AppError, ErrorCode } from "../errors.js";
import type { Authenticator } from "../modules/access/authenticator.js";

/** A request's headers (node's IncomingMessage, express's Request). */
export interface AuthorizationSource {
  headers: { authorization?: string };
}

/** The caller, or a GraphQLError carrying the HTTP status of the failure (`onRejected` hears of it first). */
export async function requestCaller(
  authenticator: Authenticator,
  request: AuthorizationSource,
  onRejected?: (code: ErrorCode) => void,
): Promise<Caller> {
  try {
    return await authenticator.authenticate(request.headers.authorization);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    onRejected?.(error.code);
    const unauthenticated = error.code === ErrorCode.UNAUTHENTICATED;
    const headers = new HeaderMap(unauthenticated ? [["www-authenticate", 'Bearer error="invalid_token"']] : []);
    throw new GraphQLError(error.message, {
      extensions: { code: error.code, http: { status: unauthenticated ? 401 : 503, headers } },
    });
  }
}

/** For the whole-response cache: the caller, or undefined so that the request takes the normal path and fails there. */
export function cacheableCaller(authenticator: Authenticator, request: AuthorizationSource): Promise<Caller | undefined> {
  return authenticator.authenticate(request.headers.authorization).catch(() => undefined);
}

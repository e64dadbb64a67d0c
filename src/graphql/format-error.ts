// The one place where errors become GraphQL errors (SPEC.md §8): AppErrors keep their code and message, a
// database that is down becomes SERVICE_UNAVAILABLE, GraphQL's own parse/validation errors pass through with
// any echoed input value removed, and everything else is logged and masked as INTERNAL_SERVER_ERROR.
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { AppError, ErrorCode } from "../errors.js";
import { classifyDatabaseError } from "../infra/database/errors.js";
import type { Logger } from "../infra/logger.js";

const VARIABLE_ERROR = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /;
const VARIABLE_PATH = / at "([^"]+)"; /g;

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { locations: formatted.locations, path: formatted.path };
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...where,
        extensions: { code: original.code, ...(original.field ? { field: original.field } : {}) },
      };
    }
    if (classifyDatabaseError(original) === "unavailable") {
      logger.warn({ err: describe(original) }, "database unavailable");
      return { message: "The database is unavailable; try again shortly.", ...where, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { message: withoutEchoedValue(formatted.message), ...where, extensions: { code } };
    }
    logger.error({ err: describe(original), path: formatted.path }, "unexpected error");
    return { message: "Internal server error.", ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/**
 * graphql-js repeats the offending variable value in its message (`Variable "$input" got invalid value {…}`),
 * which may hold an API key. Keep the variable, the path and the reason; drop the value.
 */
export function withoutEchoedValue(message: string): string {
  const variable = VARIABLE_ERROR.exec(message)?.[1];
  if (!variable) return message;
  const paths = [...message.matchAll(VARIABLE_PATH)];
  const reasonStart = message.lastIndexOf("; ");
  const reason = reasonStart >= 0 ? message.slice(reasonStart + 2) : "";
  const path = paths.at(-1)?.[1];
  // Reasons from scalars ("String cannot represent a non string value: <value>") also repeat the value.
  const safeReason = reason.replace(/: .*$/s, ".").replace(/ (?:got|value) "[^"]*"/g, "");
  return `Variable "$${variable}" has an invalid value${path ? ` at "${path}"` : ""}${safeReason ? `: ${safeReason}` : "."}`;
}

/** Error class, code and message only: no stack or request data in the log line. */
function describe(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  return { type: error.name, message: error.message, code: (error as { code?: unknown }).code };
}

// The one place where errors become GraphQL errors (SPEC.md §8): AppErrors keep their code and message, a
// database that is down becomes SERVICE_UNAVAILABLE, GraphQL's own parse/validation errors pass through with
// any echoed input value removed, and everything else is logged and masked as INTERNAL_SERVER_ERROR.
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { AppError, ErrorCode } from "../errors.js";
import { classifyDatabaseError } from "../infra/database/errors.js";
import type { Logger } from "../infra/logger.js";

const VARIABLE_ERROR = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)" got invalid value /;
/** A literal in the document that does not fit its type: graphql-js prints the literal after "found". */
const LITERAL_ERROR = /^Expected value of type ("[^"]*"), found /;
/** Scalar and enum coercion messages end with the value (`String cannot represent a non string value: <value>`). */
const COERCION_REASON = /^((?:Enum "[^"]*"|[A-Za-z_][A-Za-z0-9_]*) cannot represent [^:]*|Value is not a valid [^:]*): .*$/s;
const QUOTED_VALUE = / (?:got|value) "(?:[^"\\]|\\.)*"/g;
/** The enum coercion message, `Value "<value>" does not exist in "<Enum>" enum.` */
const ENUM_VALUE = /\bValue "(?:[^"\\]|\\.)*" does not exist/g;
/** The lexer names the token it did not expect, e.g. `Unexpected Name "sk_live_..."`. */
const SYNTAX_TOKEN = /\b(Name|String|BlockString|Int|Float) "(?:[^"\\]|\\.)*"/g;
/** The path graphql-js appends right after the echoed value; names and indexes only, so a value cannot fake it. */
const VARIABLE_PATH_AT_END = / at "([A-Za-z_][A-Za-z0-9_.[\]]*)"$/;

export function createFormatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const where = { locations: formatted.locations, path: formatted.path };
    if (original instanceof AppError) {
      return {
        message: original.message,
        ...where,
        extensions: {
          code: original.code,
          ...(original.field ? { field: original.field } : {}),
          ...(original.problems ? { problems: original.problems } : {}),
        },
      };
    }
    if (classifyDatabaseError(original) === "unavailable") {
      logger.warn({ error: describe(original) }, "database unavailable");
      return { message: "The database is unavailable; try again shortly.", ...where, extensions: { code: ErrorCode.SERVICE_UNAVAILABLE } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { message: withoutEchoedValue(formatted.message, reasonOf(original)), ...where, extensions: { code } };
    }
    // A client mistake Apollo reports without a code (e.g. a persisted query whose hash does not match its text)
    // still carries its 4xx status: it is the client's to fix, so it keeps a client-error code.
    if (isClientErrorStatus(httpStatusOf(original))) {
      return { message: withoutEchoedValue(formatted.message), ...where, extensions: { code: "BAD_REQUEST" } };
    }
    logger.error({ error: describe(original), path: formatted.path }, "unexpected error");
    return { message: "Internal server error.", ...where, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
  };
}

/**
 * graphql-js repeats the offending variable value in its message (`Variable "$input" got invalid value <value>[ at
 * "<path>"]; <reason>`), which may hold an API key. Keep the variable, the path and the reason; drop the value.
 * The value may contain anything, "; " included, so the reason is recognised by its own text (`reason`: the message
 * of the error's originalError, which graphql-js appended); without it, only the variable is kept. Literals in the
 * document that fail validation are echoed the same ways (`Expected value of type "X", found <literal>`, `String
 * cannot represent a non string value: <literal>`, `Value "<literal>" does not exist in "E" enum.`, a syntax error's
 * `Unexpected Name "<literal>"`): the literal goes, the rest stays.
 */
export function withoutEchoedValue(message: string, reason?: string): string {
  const reasonGiven = reason !== undefined && message.endsWith(`; ${reason}`);
  const literalType = LITERAL_ERROR.exec(message)?.[1];
  if (literalType) return `Expected value of type ${literalType}${reasonGiven ? `: ${safeReasonOf(reason)}` : "."}`;
  const variable = VARIABLE_ERROR.exec(message)?.[1];
  if (!variable) return message.startsWith("Syntax Error: ") ? message.replace(SYNTAX_TOKEN, "$1") : withoutValue(message);
  if (!reasonGiven) return `Variable "$${variable}" has an invalid value.`;
  const path = VARIABLE_PATH_AT_END.exec(message.slice(0, message.length - reason.length - 2))?.[1];
  const safeReason = safeReasonOf(reason);
  return `Variable "$${variable}" has an invalid value${path ? ` at "${path}"` : ""}${safeReason ? `: ${safeReason}` : "."}`;
}

/** Reasons from scalars ("String cannot represent a non string value: <value>", "Value is not a valid UUID: <value>") repeat the value. */
const safeReasonOf = (reason: string): string => withoutValue(reason.replace(/: .*$/s, "."));

/** A coercion message without the value it repeats; any other message as it is. */
function withoutValue(message: string): string {
  return message.replace(COERCION_REASON, "$1.").replace(QUOTED_VALUE, "").replace(ENUM_VALUE, "The value does not exist");
}

/** The message of the error a GraphQL error wraps (for a variable coercion error: the reason it appended). */
function reasonOf(error: unknown): string | undefined {
  const wrapped = typeof error === "object" && error !== null ? (error as { originalError?: unknown }).originalError : undefined;
  return wrapped instanceof Error ? wrapped.message : undefined;
}

function httpStatusOf(error: unknown): unknown {
  const extensions =
    typeof error === "object" && error !== null ? (error as { extensions?: { http?: { status?: unknown } } }).extensions : undefined;
  return extensions?.http?.status;
}

const isClientErrorStatus = (status: unknown): boolean => typeof status === "number" && status >= 400 && status < 500;

/**
 * Error class, code and message only (and those of the error it wraps): no stack or request data in the log line.
 * Logged under `error`, not `err`: pino's err serializer would replace `type` with the constructor of this plain
 * object ("Object").
 */
function describe(error: unknown, withCause = true): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const described: Record<string, unknown> = { type: error.name, message: error.message, code: (error as { code?: unknown }).code };
  // A wrapper (DatabaseConnectionError) says only that it failed; what the driver said is its cause.
  if (withCause && error.cause instanceof Error) described.cause = describe(error.cause, false);
  return described;
}

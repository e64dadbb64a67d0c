// Classifies errors from Prisma, its driver adapters, node-postgres and PGlite, whichever layer wrapped them.
// Used by the unit of work (what to retry) and by formatError (a database that is down → SERVICE_UNAVAILABLE).

/** Driver-adapter error kinds that mean "cannot talk to the database right now". */
const UNAVAILABLE_KINDS = new Set([
  "DatabaseNotReachable",
  "ConnectionClosed",
  "SocketTimeout",
  "TlsConnectionError",
  "TooManyConnections",
  "DatabaseDoesNotExist",
  "DatabaseAccessDenied",
  "AuthenticationFailed",
]);
/** Prisma's connection-level codes: can't reach, timed out, closed, pool timeout, transaction could not start in time. */
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
/** SQLSTATE classes: 08 connection exception, 57P0x operator intervention (shutdown), 53300 too many connections. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300)$/;
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH"]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|PGlite is closed/i;
/** Serialization failure and deadlock: the transaction did nothing and can simply run again. */
const RETRYABLE_SQLSTATE = new Set(["40001", "40P01"]);

export type DatabaseErrorKind = "unavailable" | "unique-violation" | "retryable";

export function classifyDatabaseError(error: unknown): DatabaseErrorKind | undefined {
  for (const layer of layers(error)) {
    const kind = stringProp(layer, "kind");
    const code = stringProp(layer, "code") ?? stringProp(layer, "originalCode");
    if ((kind && UNAVAILABLE_KINDS.has(kind)) || (code && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)))) {
      return "unavailable";
    }
    if (code && UNAVAILABLE_SQLSTATE.test(code)) return "unavailable";
    if (kind === "UniqueConstraintViolation" || code === "23505" || code === "P2002") return "unique-violation";
    if ((code && RETRYABLE_SQLSTATE.has(code)) || kind === "TransactionWriteConflict") return "retryable";
    const message = stringProp(layer, "message");
    if (message && UNAVAILABLE_MESSAGES.test(message)) return "unavailable";
  }
  return undefined;
}

/** The error and everything it wraps: `cause` chains and Prisma's `meta.driverAdapterError`. */
function* layers(error: unknown, depth = 0): Generator<object> {
  if (typeof error !== "object" || error === null || depth > 8) return;
  yield error;
  const meta = (error as { meta?: unknown }).meta;
  if (typeof meta === "object" && meta !== null) yield* layers((meta as { driverAdapterError?: unknown }).driverAdapterError, depth + 1);
  yield* layers((error as { cause?: unknown }).cause, depth + 1);
}

function stringProp(value: object, key: string): string | undefined {
  const prop = (value as Record<string, unknown>)[key];
  return typeof prop === "string" ? prop : undefined;
}

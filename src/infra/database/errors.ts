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
/**
 * SQLSTATE classes: 08 connection exception, 57P0x operator intervention (shutdown, starting up), 53300 too many
 * connections, 55000 with severity FATAL (below) for "database is not currently accepting connections".
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-4]|53300)$/;
/**
 * PostgreSQL ends the session after every FATAL or PANIC error, so such an error means there is no connection, whatever
 * its SQLSTATE: a database that refuses connections (ALLOW_CONNECTIONS false is 55000, "object not in prerequisite
 * state", which ordinary statements also raise as an ERROR, so the code alone must not count), a role that may not
 * log in, an idle session timed out.
 */
const CONNECTION_ENDING_SEVERITIES = new Set(["FATAL", "PANIC"]);
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH"]);
const UNAVAILABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error|PGlite is closed/i;
/** Serialization failure and deadlock: the transaction did nothing and can simply run again. */
const RETRYABLE_SQLSTATE = new Set(["40001", "40P01"]);

export type DatabaseErrorKind = "unavailable" | "unique-violation" | "retryable";

/**
 * No connection could be had: the pool or the driver failed while opening (or handing out) a connection, for any
 * reason the server or the network gave — every such failure is "unavailable" (SPEC.md §13), so a reason nobody
 * listed above still is. What the driver said is kept as the `cause`, for the log; the message names nothing.
 */
export class DatabaseConnectionError extends Error {
  override readonly name = "DatabaseConnectionError";
  constructor(cause: unknown) {
    super("Could not get a database connection.", { cause });
  }
}

export function classifyDatabaseError(error: unknown): DatabaseErrorKind | undefined {
  for (const layer of layers(error)) {
    if (layer instanceof DatabaseConnectionError) return "unavailable";
    const kind = stringProp(layer, "kind");
    const code = stringProp(layer, "code") ?? stringProp(layer, "originalCode");
    if ((kind && UNAVAILABLE_KINDS.has(kind)) || (code && (UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SOCKET_CODES.has(code)))) {
      return "unavailable";
    }
    if (code && UNAVAILABLE_SQLSTATE.test(code)) return "unavailable";
    const severity = stringProp(layer, "severity");
    if (severity && CONNECTION_ENDING_SEVERITIES.has(severity)) return "unavailable";
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

// classifyDatabaseError on the shapes Prisma 7, its pg adapter, node-postgres and sockets really produce.
import { type Error as AdapterError, DriverAdapterError } from "@prisma/driver-adapter-utils";
import { describe, expect, test } from "vitest";
import { Prisma } from "../../generated/prisma/client.js";
import { classifyDatabaseError, DatabaseConnectionError } from "./errors.js";

/** What Prisma throws for a failed $queryRaw: P2010 with the adapter's error in meta. */
const rawQueryFailed = (cause: AdapterError) =>
  new Prisma.PrismaClientKnownRequestError("Raw query failed.", {
    code: "P2010",
    clientVersion: Prisma.prismaVersion.client,
    meta: { driverAdapterError: new DriverAdapterError(cause) },
  });

/** An error as node-postgres reports it from the server: a SQLSTATE in `code`. */
const pgError = (code: string, message: string, severity = "ERROR") => Object.assign(new Error(message), { code, severity });

/** What the pg adapter makes of a server error it has no kind for. */
const adapterPostgresError = (code: string, severity: string, message = "m"): AdapterError => ({
  kind: "postgres",
  code,
  severity,
  message,
  detail: undefined,
  column: undefined,
  hint: undefined,
  originalCode: code,
});

const socketError = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: "connect" });

describe("unavailable", () => {
  test("a Prisma known request error whose adapter error says DatabaseNotReachable", () => {
    expect(classifyDatabaseError(rawQueryFailed({ kind: "DatabaseNotReachable", host: "127.0.0.1", port: 5432 }))).toBe("unavailable");
  });

  test.each(["P1001", "P1002", "P1008", "P1017", "P2024"])("Prisma %s", (code) => {
    const error = new Prisma.PrismaClientKnownRequestError("Can't reach database server", {
      code,
      clientVersion: Prisma.prismaVersion.client,
    });
    expect(classifyDatabaseError(error)).toBe("unavailable");
  });

  test.each(["57P01", "57P02", "57P03", "08006", "08003", "53300"])("SQLSTATE %s, raw and through the adapter", (code) => {
    expect(classifyDatabaseError(pgError(code, "terminating connection due to administrator command"))).toBe("unavailable");
    expect(classifyDatabaseError(rawQueryFailed(adapterPostgresError(code, "ERROR")))).toBe("unavailable");
  });

  test("a database not accepting connections (FATAL 55000), raw, through the adapter and as the adapter throws it", () => {
    const message = 'database "pcs" is not currently accepting connections';
    expect(classifyDatabaseError(pgError("55000", message, "FATAL"))).toBe("unavailable");
    expect(classifyDatabaseError(rawQueryFailed(adapterPostgresError("55000", "FATAL", message)))).toBe("unavailable");
    expect(classifyDatabaseError(new DriverAdapterError(adapterPostgresError("55000", "FATAL", message)))).toBe("unavailable");
  });

  test.each(["28000", "42501", "XX000", "57014"])("any FATAL or PANIC (SQLSTATE %s): the server ended the session", (code) => {
    expect(classifyDatabaseError(pgError(code, "m", "FATAL"))).toBe("unavailable");
    expect(classifyDatabaseError(pgError(code, "m", "PANIC"))).toBe("unavailable");
    expect(classifyDatabaseError(rawQueryFailed(adapterPostgresError(code, "FATAL")))).toBe("unavailable");
  });

  test.each([
    ["a FATAL 55000", pgError("55000", "not accepting connections", "FATAL")],
    ["a server error no rule lists", pgError("42501", "permission denied to set role", "ERROR")],
    ["a plain Error", new Error("something nobody foresaw")],
    ["a string", "boom"],
    ["undefined", undefined],
  ])("anything that failed while getting a connection (%s)", (_, cause) => {
    const error = new DatabaseConnectionError(cause);
    expect(classifyDatabaseError(error)).toBe("unavailable");
    expect(error.message).toBe("Could not get a database connection.");
    expect(classifyDatabaseError(new Error("request failed", { cause: error }))).toBe("unavailable");
  });

  test.each(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ENOTFOUND", "EPIPE", "EHOSTUNREACH"])(
    "socket error %s, also as a cause",
    (code) => {
      expect(classifyDatabaseError(socketError(code))).toBe("unavailable");
      expect(classifyDatabaseError(new Error("query failed", { cause: socketError(code) }))).toBe("unavailable");
    },
  );

  test.each([
    "timeout exceeded when trying to connect",
    "Connection terminated unexpectedly",
    "Client has encountered a connection error and is not queryable",
    "PGlite is closed",
  ])("pool and driver messages: %s", (message) => {
    expect(classifyDatabaseError(new Error(message))).toBe("unavailable");
  });

  test.each<AdapterError>([
    { kind: "ConnectionClosed" },
    { kind: "SocketTimeout" },
    { kind: "TooManyConnections", cause: "sorry, too many clients already" },
    { kind: "AuthenticationFailed", user: "pcs" },
    { kind: "DatabaseDoesNotExist", db: "pcs" },
  ])("adapter kind $kind", (cause) => {
    expect(classifyDatabaseError(rawQueryFailed(cause))).toBe("unavailable");
  });
});

describe("unique violation", () => {
  test("raw pg 23505", () => {
    expect(
      classifyDatabaseError(pgError("23505", 'duplicate key value violates unique constraint "config_versions_config_id_version_key"')),
    ).toBe("unique-violation");
  });

  test("through the adapter (kind UniqueConstraintViolation, originalCode 23505)", () => {
    const error = rawQueryFailed({
      kind: "UniqueConstraintViolation",
      constraint: { index: "provider_configs_pkey" },
      originalCode: "23505",
    });
    expect(classifyDatabaseError(error)).toBe("unique-violation");
  });

  test("Prisma P2002", () => {
    const error = new Prisma.PrismaClientKnownRequestError("Unique constraint failed", {
      code: "P2002",
      clientVersion: Prisma.prismaVersion.client,
    });
    expect(classifyDatabaseError(error)).toBe("unique-violation");
  });
});

describe("retryable", () => {
  test.each(["40P01", "40001"])("raw pg %s", (code) => {
    expect(classifyDatabaseError(pgError(code, "deadlock detected"))).toBe("retryable");
  });

  test("through the adapter (TransactionWriteConflict)", () => {
    expect(classifyDatabaseError(rawQueryFailed({ kind: "TransactionWriteConflict", originalCode: "40P01" }))).toBe("retryable");
  });
});

describe("anything else", () => {
  test.each([
    ["a plain Error", new Error("boom")],
    ["a foreign key violation", pgError("23503", "violates foreign key constraint")],
    ["55000 as a statement's ERROR (e.g. currval before nextval)", pgError("55000", "currval of sequence is not yet defined")],
    ["55000 as a statement's ERROR, through the adapter", rawQueryFailed(adapterPostgresError("55000", "ERROR"))],
    ["a syntax error", pgError("42601", "syntax error at or near")],
    [
      "a Prisma error with another code",
      new Prisma.PrismaClientKnownRequestError("Raw query failed.", { code: "P2010", clientVersion: "7" }),
    ],
    ["a string", "ECONNREFUSED"],
    ["null", null],
    ["undefined", undefined],
    ["a number code", Object.assign(new Error("x"), { code: 23505 })],
  ])("%s is not classified", (_, error) => {
    expect(classifyDatabaseError(error)).toBeUndefined();
  });

  test("a cause cycle ends", () => {
    const error = new Error("loop") as Error & { cause?: unknown };
    error.cause = error;
    expect(classifyDatabaseError(error)).toBeUndefined();
  });
});

// formatError (SPEC.md §7-§8): AppErrors keep code and field, a database that is down is SERVICE_UNAVAILABLE, anything
// else is masked; graphql-js variable errors keep their path and reason but lose the echoed value. The messages
// below come from graphql-js itself, running a tiny schema with bad variables.
import { Writable } from "node:stream";
import {
  buildSchema,
  GraphQLBoolean,
  type GraphQLError,
  type GraphQLFormattedError,
  GraphQLObjectType,
  GraphQLSchema,
  graphql,
  parse,
  validate,
} from "graphql";
import { UUIDResolver } from "graphql-scalars";
import { pino } from "pino";
import { describe, expect, test } from "vitest";
import { AppError, ErrorCode } from "../errors.js";
import { DatabaseConnectionError } from "../infra/database/errors.js";
import { createFormatError, withoutEchoedValue } from "./format-error.js";

const SECRET = "sk_live_TopSecret42";
const schema = buildSchema(`
  enum Kind { MAP WEATHER }
  input Patch { name: String! kind: Kind apiKey: String version: Int data: [String!] }
  type Query { write(patch: Patch!, patches: [Patch!]): Boolean }
`);

/** The first variable error graphql-js reports for these variables. */
async function variableError(variables: Record<string, unknown>): Promise<GraphQLError> {
  const result = await graphql({
    schema,
    source: "query($patch: Patch!, $patches: [Patch!]) { write(patch: $patch, patches: $patches) }",
    variableValues: variables,
  });
  const [error] = result.errors ?? [];
  if (!error) throw new Error("expected a variable error");
  expect(error.message).toMatch(/^Variable "\$patch(es)?" got invalid value /);
  return error;
}

function capturingLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(JSON.parse(String(chunk)));
      callback();
    },
  });
  return { logger: pino({ level: "info" }, sink), lines };
}

/** As Apollo hands a variable coercion error to formatError: code BAD_USER_INPUT, the error itself alongside. */
function format(error: GraphQLError): GraphQLFormattedError {
  return createFormatError(capturingLogger().logger)({ message: error.message, extensions: { code: "BAD_USER_INPUT" } }, error);
}

describe("withoutEchoedValue on graphql-js messages", () => {
  test.each([
    ["a missing required field", { patch: { apiKey: SECRET } }, undefined, 'Field "name" of required type "String!" was not provided.'],
    [
      "an unknown field",
      { patch: { name: "n", apiKey: SECRET, extra: SECRET } },
      undefined,
      'Field "extra" is not defined by type "Patch".',
    ],
    [
      "an object where a string goes",
      { patch: { name: "n", apiKey: { nested: SECRET } } },
      "patch.apiKey",
      "String cannot represent a non string value.",
    ],
    [
      "a list where a string goes",
      { patch: { name: "n", apiKey: [SECRET] } },
      "patch.apiKey",
      "String cannot represent a non string value.",
    ],
    [
      "a string where an Int goes",
      { patch: { name: "n", apiKey: "k", version: SECRET } },
      "patch.version",
      "Int cannot represent non-integer value.",
    ],
    [
      "a bad list item",
      { patch: { name: "n", data: ["ok", { k: SECRET }] } },
      "patch.data[1]",
      "String cannot represent a non string value.",
    ],
    [
      "a bad item of a list variable",
      { patch: { name: "n" }, patches: [{ name: "n" }, { apiKey: SECRET }] },
      "patches[1]",
      'Field "name" of required type "String!" was not provided.',
    ],
  ])("%s: the value is gone, the path and the reason remain", async (_, variables, path, reason) => {
    const error = await variableError(variables);
    expect(error.message).toContain(SECRET);
    const message = withoutEchoedValue(error.message, error.originalError?.message);
    expect(message).not.toContain(SECRET);
    const variable = path?.startsWith("patches") || "patches" in variables ? "patches" : "patch";
    // graphql-js may add a suggestion ("Did you mean ...?") after the reason.
    expect(message.startsWith(`Variable "$${variable}" has an invalid value${path ? ` at "${path}"` : ""}: ${reason}`)).toBe(true);
  });

  test.each([
    ["inside a nested object", { nested: `pre; ${SECRET}` }],
    ["inside a list", [`a; ${SECRET}`]],
    ["after a fake path", { 'x" at "patch.zz"; ': SECRET }],
  ])('a value holding "; " %s cannot push itself into the reason', async (_, apiKey) => {
    const error = await variableError({ patch: { name: "n", apiKey } });
    const message = withoutEchoedValue(error.message, error.originalError?.message);
    expect(message).toBe('Variable "$patch" has an invalid value at "patch.apiKey": String cannot represent a non string value.');
  });

  test("without the reason only the variable is kept", async () => {
    const error = await variableError({ patch: { name: "n", apiKey: { nested: `pre; ${SECRET}` } } });
    expect(withoutEchoedValue(error.message)).toBe('Variable "$patch" has an invalid value.');
    expect(withoutEchoedValue(error.message, "some other reason")).toBe('Variable "$patch" has an invalid value.');
  });

  test("an enum reason keeps its own words, not the value (a key sent where an enum goes)", async () => {
    const error = await variableError({ patch: { name: "n", kind: SECRET, apiKey: SECRET } });
    const message = withoutEchoedValue(error.message, error.originalError?.message);
    expect(message).toMatch(/^Variable "\$patch" has an invalid value at "patch\.kind": The value does not exist in "Kind" enum/);
    expect(message).not.toContain(SECRET);
  });

  test.each([
    ["a bare name where a string goes", `{ name: "n", apiKey: ${SECRET} }`, "String cannot represent a non string value."],
    ["a string where an enum goes", `{ name: "n", kind: "${SECRET}" }`, 'Enum "Kind" cannot represent non-enum value.'],
    ["a name where an enum goes", `{ name: "n", kind: ${SECRET} }`, 'The value does not exist in "Kind" enum.'],
    ["a string where an Int goes", `{ name: "n", version: "${SECRET}" }`, "Int cannot represent non-integer value."],
    ["an object where a string goes", `{ name: "n", data: [{ k: "${SECRET}" }] }`, "String cannot represent a non string value."],
    ["a string where an object goes", `"${SECRET}"`, 'Expected value of type "Patch!".'],
  ])("a literal in the document: %s loses its value", (_, patch, expected) => {
    const [error] = validate(schema, parse(`{ write(patch: ${patch}) }`));
    expect(error?.message).toContain(SECRET);
    const message = withoutEchoedValue(error?.message ?? "", error?.originalError?.message);
    expect(message).not.toContain(SECRET);
    expect(message.startsWith(expected)).toBe(true);
  });

  test("a custom scalar literal (UUID) loses its value", () => {
    const uuidSchema = new GraphQLSchema({
      query: new GraphQLObjectType({ name: "Query", fields: { one: { type: GraphQLBoolean, args: { id: { type: UUIDResolver } } } } }),
    });
    const [error] = validate(uuidSchema, parse(`{ one(id: "${SECRET}") }`));
    expect(error?.message).toContain(SECRET);
    expect(withoutEchoedValue(error?.message ?? "")).toBe("Value is not a valid UUID.");
  });

  test("a syntax error does not repeat the token it stopped at", () => {
    let message = "";
    try {
      parse(`{ write(patch: { name: "n" apiKey "${SECRET}" }) }`);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(SECRET);
    expect(withoutEchoedValue(message)).toBe('Syntax Error: Expected ":", found String.');
  });

  test("other messages pass through unchanged", () => {
    for (const message of ['Cannot query field "nope" on type "Query".', 'Variable "$patch" of required type "Patch!" was not provided.']) {
      expect(withoutEchoedValue(message)).toBe(message);
    }
  });
});

describe("createFormatError", () => {
  test("masks the echoed value of a variable error the way Apollo delivers it", async () => {
    const error = await variableError({ patch: { name: "n", apiKey: { nested: `pre; ${SECRET}` } } });
    expect(format(error)).toEqual({
      message: 'Variable "$patch" has an invalid value at "patch.apiKey": String cannot represent a non string value.',
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  test("an AppError keeps its code, message and field", () => {
    const { logger } = capturingLogger();
    const formatted = createFormatError(logger)(
      { message: "raw", path: ["upsertProviderConfig"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      new AppError(ErrorCode.CONFLICT, "The config is at version 3.", "input.expectedVersion"),
    );
    expect(formatted).toEqual({
      message: "The config is at version 3.",
      path: ["upsertProviderConfig"],
      extensions: { code: "CONFLICT", field: "input.expectedVersion" },
    });
  });

  test("an input checked as a whole lists every problem in extensions.problems", () => {
    const { logger } = capturingLogger();
    const problems = [
      { field: "usage[0].quantity", message: "must be a finite number greater than 0" },
      { field: "usage[2].at", message: "must not be older than 35 days" },
    ];
    const formatted = createFormatError(logger)(
      { message: "raw", path: ["recordProviderUsage"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      new AppError(ErrorCode.BAD_USER_INPUT, "Invalid input. ...", "usage[0].quantity", problems),
    );
    expect(formatted.extensions).toEqual({ code: "BAD_USER_INPUT", field: "usage[0].quantity", problems });
  });

  test("a database that cannot be reached is SERVICE_UNAVAILABLE, logged as a warning", () => {
    const { logger, lines } = capturingLogger();
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    const formatted = createFormatError(logger)({ message: refused.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, refused);
    expect(formatted).toMatchObject({ extensions: { code: "SERVICE_UNAVAILABLE" } });
    expect(formatted.message).not.toContain("5432");
    expect(lines.map((line) => line.msg)).toEqual(["database unavailable"]);
  });

  test("a connection that could not be had is SERVICE_UNAVAILABLE; the log keeps the server's reason", () => {
    const { logger, lines } = capturingLogger();
    const refused = new DatabaseConnectionError(
      Object.assign(new Error('database "pcs" is not currently accepting connections'), { code: "55000", severity: "FATAL" }),
    );
    const formatted = createFormatError(logger)({ message: refused.message, extensions: { code: "INTERNAL_SERVER_ERROR" } }, refused);
    expect(formatted).toEqual({ message: "The database is unavailable; try again shortly.", extensions: { code: "SERVICE_UNAVAILABLE" } });
    expect(lines).toMatchObject([
      {
        msg: "database unavailable",
        error: {
          type: "DatabaseConnectionError",
          cause: { type: "Error", code: "55000", message: 'database "pcs" is not currently accepting connections' },
        },
      },
    ]);
  });

  test("anything else is masked as INTERNAL_SERVER_ERROR and logged without a stack", () => {
    const { logger, lines } = capturingLogger();
    const internal = new TypeError("Cannot read properties of undefined (reading 'version')");
    const formatted = createFormatError(logger)(
      { message: internal.message, path: ["providerCredentials"], extensions: { code: "INTERNAL_SERVER_ERROR" } },
      internal,
    );
    expect(formatted).toEqual({
      message: "Internal server error.",
      path: ["providerCredentials"],
      extensions: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: "unexpected error",
      error: { type: "TypeError", message: internal.message },
      path: ["providerCredentials"],
    });
    expect(lines[0]?.error).not.toHaveProperty("stack");
  });
});

// Ajv's errors as the service's problems ({path, message}, SPEC.md §10.3): the path in the request's own terms
// (`configData.maxZoom`, `configs[2].configData.indices[1]`), a short human message built from the schema alone.
// A message never echoes the value: configData may hold secrets (x-secret fields), and Ajv's verbose `data` is ignored.
import type { ErrorObject } from "ajv/dist/2020.js";
import { PLAIN_NAME } from "../../domain/validation.js";
import type { Problem } from "../../errors.js";

const INDEX = /^(0|[1-9][0-9]{0,8})$/;

const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: "a whole number",
  number: "a number",
  string: "a string",
  boolean: "true or false",
  object: "an object",
  array: "a list",
  null: "null",
};

const COMPARISON_WORDS: Readonly<Record<string, string>> = { "<=": "at most", ">=": "at least", "<": "less than", ">": "greater than" };

/** `/indices/2` under `configData` → `configData.indices[2]` (JSON Pointer segments unescaped). */
export function problemPath(field: string, instancePath: string): string {
  if (instancePath === "") return field;
  return instancePath
    .slice(1)
    .split("/")
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce((path, segment) => `${path}${childPath(segment)}`, field);
}

function childPath(segment: string): string {
  if (INDEX.test(segment)) return `[${segment}]`;
  return PLAIN_NAME.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}

const listOf = (values: unknown): string => (Array.isArray(values) ? values.map((value) => String(value)).join(", ") : "");

/** "Three capital letters (...)." → "three capital letters (...)": a pattern's description completes "must be". */
const asPhrase = (description: string): string => description.charAt(0).toLowerCase() + description.slice(1).replace(/\.$/, "");

/** Where the error belongs and what it says; `params` and the schema only, never `data`. */
function describe(error: ErrorObject, field: string): Problem {
  const path = problemPath(field, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "type":
      return {
        path,
        message: `must be ${[params.type]
          .flat()
          .map((type) => TYPE_WORDS[String(type)] ?? String(type))
          .join(" or ")}`,
      };
    case "enum":
      return { path, message: `must be one of ${listOf(params.allowedValues)}` };
    case "pattern": {
      const description = (error.parentSchema as { description?: unknown } | undefined)?.description;
      return {
        path,
        message: typeof description === "string" ? `must be ${asPhrase(description)}` : `must match ${String(params.pattern)}`,
      };
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return {
        path,
        message: `must be ${COMPARISON_WORDS[String(params.comparison)] ?? String(params.comparison)} ${String(params.limit)}`,
      };
    case "minLength":
      return { path, message: `must be at least ${String(params.limit)} characters long` };
    case "maxLength":
      return { path, message: `must be at most ${String(params.limit)} characters long` };
    case "minItems":
      return { path, message: `must hold at least ${String(params.limit)} items` };
    case "maxItems":
      return { path, message: `must hold at most ${String(params.limit)} items` };
    case "uniqueItems":
      return { path, message: "must not hold the same item twice" };
    case "required":
      return { path: `${path}${childPath(String(params.missingProperty))}`, message: "is required" };
    case "additionalProperties": {
      // The name comes from the caller's data: echoed only when short and plain.
      const name = String(params.additionalProperty);
      return PLAIN_NAME.test(name)
        ? { path: `${path}.${name}`, message: "is not a known field" }
        : { path, message: "has a field that is not a known field" };
    }
    default:
      // Ajv's own messages name the schema's constraint, not the value.
      return { path, message: error.message ?? "is not valid" };
  }
}

/** One problem per path, in Ajv's order; several broken constraints of one value are joined ("must be X and must be Y"). */
export function schemaProblems(errors: readonly ErrorObject[], field: string): Problem[] {
  const byPath = new Map<string, string[]>();
  for (const error of errors) {
    const { path, message } = describe(error, field);
    const messages = byPath.get(path) ?? [];
    if (!messages.includes(message)) messages.push(message);
    byPath.set(path, messages);
  }
  return [...byPath].map(([path, messages]) => ({ path, message: messages.join(" and ") }));
}

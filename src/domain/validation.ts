// Input rules shared by every module (SPEC.md §2). Each check names the field it is about; a write with any
// problem is rejected whole, with every problem listed, before anything touches the database.
import { AppError, ErrorCode, type Problem } from "../errors.js";
import type { JsonObject, JsonValue } from "./provider.js";

// The one home of these shapes: modules, the authenticator and metrics labels use them from here.
export const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$/;
export const TENANT_ID_RULE = "must be 1-255 characters of letters, digits, '_', '.', ':' or '-', starting with a letter or digit";
export const PROVIDER_NAME = /^[a-z0-9][a-z0-9_.-]{0,99}$/;
/** A name from the caller's free text (a config field, a JSON key) is echoed in a problem's path only when it is this plain. */
export const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const MAX_CONFIG_DATA_BYTES = 64 * 1024;
const MAX_CONFIG_DATA_DEPTH = 64;
export const MAX_CREDENTIAL_LENGTH = 4096;
export const MAX_CHANGE_REASON_LENGTH = 1000;
/** The most items one page of a paged query (configHistory, credentialAccessLog) returns. */
export const MAX_PAGE_LIMIT = 500;

/** Enough to fix a request; a 100-patch batch of bad input should not produce a 10 KB message. */
const MAX_REPORTED_PROBLEMS = 10;
/**
 * `extensions.problems` lists every problem, so that a client can mark each field; bounded all the same (a 1 MiB
 * import document could otherwise produce a response many times its size).
 */
export const MAX_LISTED_PROBLEMS = 1000;
/** A UTF-16 surrogate without its partner: not valid Unicode, and PostgreSQL rejects it in JSON. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text the database can store exactly: no NUL character, no lone surrogate. */
export function textIssue(value: string): string | undefined {
  if (value.includes("\u0000")) return "must not contain NUL characters";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode text";
  return undefined;
}

/** Collects problems so that one error can report all of them. */
export class Problems {
  private readonly list: Array<{ field: string; message: string }> = [];

  add(field: string, message: string): void {
    this.list.push({ field, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  get count(): number {
    return this.list.length;
  }

  throwIfAny(): void {
    const [first] = this.list;
    if (!first) return;
    const shown = this.list.slice(0, MAX_REPORTED_PROBLEMS).map((problem) => `${problem.field}: ${problem.message}`);
    const more = this.list.length - shown.length;
    const message = `${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`;
    const problems: Problem[] = this.list.slice(0, MAX_LISTED_PROBLEMS).map(({ field, message }) => ({ path: field, message }));
    throw new AppError(ErrorCode.BAD_USER_INPUT, `Invalid input. ${message}.`, first.field, problems);
  }
}

/** Runs `check` against a fresh collector and throws if it found anything. */
export function validate<T>(check: (problems: Problems) => T): T {
  const problems = new Problems();
  const result = check(problems);
  problems.throwIfAny();
  return result;
}

const codePoints = (value: string): number => {
  let count = 0;
  for (const _ of value) count++;
  return count;
};

export const isTenantId = (value: string): boolean => TENANT_ID.test(value);

export function checkTenantId(problems: Problems, value: string, field = "tenantId"): void {
  if (!TENANT_ID.test(value)) problems.add(field, TENANT_ID_RULE);
}

export function checkProviderName(problems: Problems, value: string, field = "providerName"): void {
  if (!PROVIDER_NAME.test(value)) {
    problems.add(field, "must be 1-100 characters of lower-case letters, digits, '_', '.' or '-', starting with a letter or digit");
  }
}

export function checkPageLimit(problems: Problems, limit: number, field = "limit"): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) problems.add(field, `must be between 1 and ${MAX_PAGE_LIMIT}`);
}

/** A version number argument: 1 or more. */
export function checkVersion(problems: Problems, version: number, field: string): void {
  if (!Number.isInteger(version) || version < 1) problems.add(field, "must be a version number (1 or more)");
}

export function checkCredential(problems: Problems, value: string | null | undefined, field: string): void {
  if (typeof value !== "string") return;
  if (value.length === 0) problems.add(field, "must not be empty (use null to remove it)");
  else if (codePoints(value) > MAX_CREDENTIAL_LENGTH) problems.add(field, `must be at most ${MAX_CREDENTIAL_LENGTH} characters`);
  else {
    const issue = textIssue(value);
    if (issue) problems.add(field, issue);
  }
}

export function checkChangeReason(problems: Problems, value: string | null | undefined, field = "changeReason"): void {
  if (typeof value !== "string") return;
  if (codePoints(value) > MAX_CHANGE_REASON_LENGTH) problems.add(field, `must be at most ${MAX_CHANGE_REASON_LENGTH} characters`);
  else {
    const issue = textIssue(value);
    if (issue) problems.add(field, issue);
  }
}

export function checkConfigData(problems: Problems, value: unknown, field = "configData"): value is JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    problems.add(field, "must be a JSON object");
    return false;
  }
  const issue = jsonIssue(value as JsonObject, 0);
  if (issue) {
    problems.add(field, issue);
    return false;
  }
  if (Buffer.byteLength(JSON.stringify(value), "utf8") > MAX_CONFIG_DATA_BYTES) {
    problems.add(field, `must be at most ${MAX_CONFIG_DATA_BYTES} bytes as JSON`);
    return false;
  }
  return true;
}

/** PostgreSQL's jsonb rejects \u0000 in strings; very deep nesting is never a real configuration. */
function jsonIssue(value: JsonValue, depth: number): string | undefined {
  if (depth > MAX_CONFIG_DATA_DEPTH) return `must not nest deeper than ${MAX_CONFIG_DATA_DEPTH} levels`;
  if (typeof value === "string") return textIssue(value);
  if (typeof value === "number") return Number.isFinite(value) ? undefined : "must contain only finite numbers";
  if (typeof value !== "object" || value === null) return undefined;
  const entries = Array.isArray(value) ? value.map((item) => ["", item] as const) : Object.entries(value);
  for (const [key, item] of entries) {
    const keyIssue = textIssue(key);
    if (keyIssue) return keyIssue;
    const issue = jsonIssue(item, depth + 1);
    if (issue) return issue;
  }
  return undefined;
}

/** Structural equality of JSON values; object key order does not matter (as in jsonb). */
export function jsonEqual(a: JsonValue, b: JsonValue): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, index) => jsonEqual(item, b[index] as JsonValue))
    );
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key] as JsonValue, b[key] as JsonValue))
  );
}

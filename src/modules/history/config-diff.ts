// configDiff (SPEC.md §11): the field-level differences between two snapshots of one config, as a pure function.
// Order of `changes` (stable, documented in the schema): priority, enabled, apiKey, apiSecret, then the configData
// paths sorted by code unit. configData is compared key by key: where both sides hold an object the keys inside
// are compared (dotted paths, e.g. configData.limits.daily); anything else (scalars, arrays, an object on one side
// only, a key on one side only) is one entry at that path with both whole values. An absent key reads as null,
// so a key added with the value null is an entry whose before and after are both null. Secret configData fields
// are never in configData (secret-data.ts): one whose plaintext changed is an entry at its path, both values null.
import type { JsonObject, JsonValue } from "../../domain/provider.js";
import { jsonEqual } from "../../domain/validation.js";
import { compareNames } from "../provider-config/provider-config.order.js";
import type { CredentialField } from "../provider-config/provider-config.rules.js";
import type { StoredSnapshot } from "./config-version.model.js";

export interface FieldChangeRecord {
  field: string;
  /** The JSON value in the first snapshot; null when absent, and always null for credentials. */
  before: JsonValue | null;
  after: JsonValue | null;
}

export interface ConfigDiffRecord {
  configId: string;
  fromVersion: number;
  toVersion: number;
  changes: FieldChangeRecord[];
}

export const CREDENTIAL_FIELDS: readonly CredentialField[] = ["apiKey", "apiSecret"];

type Diffable = Pick<StoredSnapshot, "priority" | "enabled" | "configData">;

/**
 * `credentialChanged` says whether a credential's plaintext differs between the two snapshots, `changedSecrets`
 * names the secret configData fields whose plaintext differs (the caller opens the sealed values); both are
 * reported by name only.
 */
export function diffSnapshots(
  before: Diffable,
  after: Diffable,
  credentialChanged: (field: CredentialField) => boolean,
  changedSecrets: readonly string[] = [],
): FieldChangeRecord[] {
  const changes: FieldChangeRecord[] = [];
  if (before.priority !== after.priority) changes.push({ field: "priority", before: before.priority, after: after.priority });
  if (before.enabled !== after.enabled) changes.push({ field: "enabled", before: before.enabled, after: after.enabled });
  for (const field of CREDENTIAL_FIELDS) if (credentialChanged(field)) changes.push({ field, before: null, after: null });
  const data: FieldChangeRecord[] = [];
  diffObjects(before.configData, after.configData, "configData", data);
  for (const name of changedSecrets) data.push({ field: `configData.${name}`, before: null, after: null });
  data.sort((a, b) => compareNames(a.field, b.field));
  return [...changes, ...data];
}

const isObject = (value: JsonValue | undefined): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function diffObjects(before: JsonObject, after: JsonObject, path: string, out: FieldChangeRecord[]): void {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const key of keys) {
    const was = Object.hasOwn(before, key) ? before[key] : undefined;
    const is = Object.hasOwn(after, key) ? after[key] : undefined;
    const field = `${path}.${key}`;
    if (isObject(was) && isObject(is)) diffObjects(was, is, field, out);
    else if (was === undefined || is === undefined ? was !== is : !jsonEqual(was, is)) {
      out.push({ field, before: was ?? null, after: is ?? null });
    }
  }
}

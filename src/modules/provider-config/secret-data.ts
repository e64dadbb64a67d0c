// Secret configData fields at rest (SPEC.md §10.3): kept apart from configData as field name -> the field's JSON
// value sealed like an API key (same SecretBox, same key ring), bound to its config and field, so a sealed value
// copied to another config or field does not open. Every function that opens, seals or compares them is here.
import type { JsonObject, JsonValue, ProviderType } from "../../domain/provider.js";
import { jsonEqual } from "../../domain/validation.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import { type CredentialSealer, credentialContext, openOrUndefined } from "./provider-config.rules.js";

/** Field name -> sealed JSON text of its value. */
export type SealedSecrets = Readonly<Record<string, string>>;

/** The secret fields of a stored config or snapshot. */
export interface StoredSecrets {
  secretData: SealedSecrets;
  /**
   * Secret fields still in clear inside config_data, written before they were sealed (usually empty): never
   * returned in configData; the next write of the config, or the start-up step (secret-fields.sealer.ts), seals them.
   */
  clearSecrets: JsonObject;
}

export const secretFieldContext = (configId: string, field: string): string => credentialContext(configId, `configData.${field}`);

export const sealSecret = (sealer: CredentialSealer, configId: string, field: string, value: JsonValue): string =>
  sealer.seal(JSON.stringify(value), secretFieldContext(configId, field));

const openSecret = (sealer: CredentialSealer, configId: string, field: string, sealed: string): JsonValue =>
  JSON.parse(sealer.open(sealed, secretFieldContext(configId, field))) as JsonValue;

/**
 * A row as read from provider_configs or config_versions: secret fields found in clear in its configData move to
 * `clearSecrets`, so that no read returns them whatever the storage holds. A row without any (nearly every row) is
 * returned itself with an empty `clearSecrets` added, not copied: rows are read many at a time (history pages).
 */
export function separateClearSecrets<T extends { providerType: ProviderType; providerName: string; configData: JsonObject }>(
  row: T,
  fields: SecretFields,
): T & { clearSecrets: JsonObject } {
  const { plain, secret } = fields.split(row.providerType, row.providerName, row.configData);
  if (plain === row.configData) return Object.assign(row, { clearSecrets: secret });
  return { ...row, configData: plain, clearSecrets: secret };
}

/** The names of the set secret fields, sorted. */
export function secretFieldNames(stored: StoredSecrets | null): string[] {
  if (!stored) return [];
  return [...new Set([...Object.keys(stored.secretData), ...Object.keys(stored.clearSecrets)])].sort();
}

/** Every set secret field in clear; throws (SecretDecryptionError) when a value does not open, as credentials do. */
export function openSecrets(sealer: CredentialSealer, configId: string, stored: StoredSecrets): JsonObject {
  const opened: JsonObject = {};
  for (const name of secretFieldNames(stored)) {
    const sealed = stored.secretData[name];
    opened[name] = sealed === undefined ? (stored.clearSecrets[name] as JsonValue) : openSecret(sealer, configId, name, sealed);
  }
  return opened;
}

/** One field's plaintext; undefined when it is not set or does not open with any configured key. */
function plaintextOf(sealer: CredentialSealer, configId: string, stored: StoredSecrets, name: string): JsonValue | undefined {
  const sealed = stored.secretData[name];
  if (sealed === undefined) return stored.clearSecrets[name];
  const opened = openOrUndefined(sealer, sealed, secretFieldContext(configId, name));
  return opened === undefined ? undefined : (JSON.parse(opened) as JsonValue);
}

const sameValue = (a: JsonValue | undefined, b: JsonValue | undefined): boolean => a !== undefined && b !== undefined && jsonEqual(a, b);

/**
 * The sealed map after a write, as for credentials: `given` (the secret fields of the patch's configData; none when
 * it has no configData) sets a field with a value and removes it with null; an omitted field keeps its stored value.
 * A field set to the plaintext it already holds keeps its sealed value, so that the write is recognised as a no-op.
 * Fields still in clear are sealed.
 */
export function mergeSecrets(
  sealer: CredentialSealer,
  configId: string,
  current: StoredSecrets | null,
  given: JsonObject = {},
): SealedSecrets {
  const merged: Record<string, string> = {};
  for (const name of new Set([...secretFieldNames(current), ...Object.keys(given)])) {
    const value = Object.hasOwn(given, name) ? given[name] : undefined;
    if (value === null) continue;
    const sealed = current?.secretData[name];
    if (value === undefined) {
      merged[name] = sealed ?? sealSecret(sealer, configId, name, current?.clearSecrets[name] as JsonValue);
    } else {
      const same = sealed !== undefined && current !== null && sameValue(plaintextOf(sealer, configId, current, name), value);
      merged[name] = same ? sealed : sealSecret(sealer, configId, name, value);
    }
  }
  return merged;
}

/**
 * A snapshot's secret fields as a rollback restores them: where the current config holds the same plaintext (e.g.
 * re-sealed by key rotation since), its sealed value is kept, so that "nothing changed" is recognised.
 */
export function restoreSecrets(
  sealer: CredentialSealer,
  configId: string,
  target: StoredSecrets,
  current: StoredSecrets | null,
): SealedSecrets {
  const restored: Record<string, string> = {};
  for (const name of secretFieldNames(target)) {
    const stored = current?.secretData[name];
    const same =
      stored !== undefined &&
      current !== null &&
      sameValue(plaintextOf(sealer, configId, target, name), plaintextOf(sealer, configId, current, name));
    restored[name] = same
      ? stored
      : (target.secretData[name] ?? sealSecret(sealer, configId, name, target.clearSecrets[name] as JsonValue));
  }
  return restored;
}

/**
 * The secret fields whose plaintext differs between two snapshots of one config (configDiff). A value no configured
 * key opens counts as changed unless it is the very same sealed value, as for credentials.
 */
export function changedSecretFields(sealer: CredentialSealer, configId: string, before: StoredSecrets, after: StoredSecrets): string[] {
  return [...new Set([...secretFieldNames(before), ...secretFieldNames(after)])].sort().filter((name) => {
    const a = before.secretData[name];
    const b = after.secretData[name];
    if (a !== undefined && a === b) return false;
    return !sameValue(plaintextOf(sealer, configId, before, name), plaintextOf(sealer, configId, after, name));
  });
}

/**
 * Whether writing `next` keeps every secret field's plaintext. Cheap in the usual case: mergeSecrets and
 * restoreSecrets keep a sealed value whose plaintext stays, and identical sealed values are not opened. Sealing a
 * value stored in clear alone is no change.
 */
export function sameSecrets(sealer: CredentialSealer, configId: string, current: StoredSecrets, next: SealedSecrets): boolean {
  return changedSecretFields(sealer, configId, current, { secretData: next, clearSecrets: {} }).length === 0;
}

// The write rules of SPEC.md §2-§3 as pure functions: merge a patch into the stored state (omitted keeps,
// null removes), check expectedVersion and the API-key rule, detect no-op writes and pick the change type.
import { ChangeType, type JsonObject, ProviderPriority } from "../../domain/provider.js";
import { jsonEqual, type Problems } from "../../domain/validation.js";
import { AppError, badInput, conflict, ErrorCode } from "../../errors.js";
import { apiKeyHint } from "../../infra/crypto/secret-box.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import type { ConfigKey, ConfigState, RestoredVersion, Revival, StoredConfig } from "./provider-config.model.js";
import { mergeSecrets, restoreSecrets, sameSecrets } from "./secret-data.js";

/** A validated write to one config. Absent properties keep the stored value. */
export interface ConfigPatch extends ConfigKey {
  priority?: ProviderPriority;
  enabled?: boolean;
  /** As given: secret fields included (null removes one; see secret-data.ts). */
  configData?: JsonObject;
  /** null removes the stored value. */
  apiKey?: string | null;
  apiSecret?: string | null;
}

/** Seals and opens credentials; bound to the config and field they belong to. */
export interface CredentialSealer {
  seal(plaintext: string, context: string): string;
  open(sealed: string, context: string): string;
}

export type CredentialField = "apiKey" | "apiSecret";
/** A sealed value's field: a credential, or a secret configData field (`configData.webhookSecret`). */
export type SealedField = CredentialField | `configData.${string}`;
export const credentialContext = (configId: string, field: SealedField): string => `provider-config:${configId}:${field}`;

export type PlannedWrite =
  | { kind: "unchanged"; config: StoredConfig }
  /** `revival`: a deleted config brought back by a rollback, under its old id. */
  | { kind: "create"; id: string; state: ConfigState; revival?: Revival }
  | { kind: "update"; config: StoredConfig; state: ConfigState; changeType: ChangeType };

export interface PlanOptions {
  sealer: CredentialSealer;
  secretFields: SecretFields;
  /** Whether the catalog says this provider needs an API key. */
  requiresApiKey: boolean;
  expectedVersion?: number;
  /** Prefix of field names in error messages, e.g. `input.` or `configs[2].`. */
  fieldPrefix: string;
  newId: () => string;
  /** Collect input problems here instead of throwing the first (an import reports every problem at once). */
  problems?: Problems;
}

export function checkExpectedVersion(current: { version: number } | null, expectedVersion: number | undefined, field: string): void {
  if (expectedVersion === undefined) return;
  const actual = current?.version ?? 0;
  if (actual !== expectedVersion) {
    const found = current ? `is at version ${actual}` : "does not exist";
    throw conflict(`${field} is ${expectedVersion}, but the config ${found}; nothing was written.`, field);
  }
}

export function planUpsert(current: StoredConfig | null, patch: ConfigPatch, options: PlanOptions): PlannedWrite {
  checkExpectedVersion(current, options.expectedVersion, `${options.fieldPrefix}expectedVersion`);
  const id = current?.id ?? options.newId();
  const apiKey = mergeCredential(current, id, "apiKey", patch.apiKey, options.sealer);
  const given = patch.configData && options.secretFields.split(patch.providerType, patch.providerName, patch.configData);
  const state: ConfigState = {
    priority: patch.priority ?? current?.priority ?? ProviderPriority.PRIMARY,
    enabled: patch.enabled ?? current?.enabled ?? true,
    configData: given?.plain ?? current?.configData ?? {},
    secretData: mergeSecrets(options.sealer, id, current, given?.secret),
    apiKey,
    apiSecret: mergeCredential(current, id, "apiSecret", patch.apiSecret, options.sealer),
    apiKeyHint:
      apiKey === (current?.apiKey ?? null)
        ? (current?.apiKeyHint ?? null)
        : typeof patch.apiKey === "string"
          ? apiKeyHint(patch.apiKey)
          : null,
  };
  if (state.enabled && options.requiresApiKey && state.apiKey === null) {
    const field = `${options.fieldPrefix}apiKey`;
    const problem = `provider '${patch.providerName}' requires an API key while it is enabled; give one, or set enabled to false`;
    if (!options.problems) throw badInput(field, `Invalid input. ${field}: ${problem}.`);
    options.problems.add(field, problem);
  }
  if (!current) return { kind: "create", id, state };
  if (sameState(current, state, options.sealer)) return { kind: "unchanged", config: current };
  return { kind: "update", config: current, state, changeType: changeTypeOf(current, state) };
}

/**
 * Plans a rollback of `current` to `target` (SPEC.md §3): a ROLLED_BACK update, or unchanged. No schema and no
 * API-key check: the version was valid when it was written.
 */
export function planRestore(current: StoredConfig, target: RestoredVersion, sealer: CredentialSealer): PlannedWrite {
  const state = restoredState(target, current, sealer);
  if (sameState(current, state, sealer)) return { kind: "unchanged", config: current };
  return { kind: "update", config: current, state, changeType: ChangeType.ROLLED_BACK };
}

/** Plans a rollback of a deleted config to `target`: it is created again under its id, as `revival` says. */
export function planRevival(target: RestoredVersion, revival: Revival, sealer: CredentialSealer): PlannedWrite {
  return { kind: "create", id: target.configId, state: restoredState(target, null, sealer), revival };
}

/**
 * The target's state. Where the target holds the same plaintext credential (or secret field) as the current config
 * (e.g. after the current one was re-sealed by key rotation), the current sealed value is kept, so that "nothing
 * changed" is recognised.
 */
function restoredState(target: RestoredVersion, current: StoredConfig | null, sealer: CredentialSealer): ConfigState {
  const keep = (field: CredentialField): string | null => {
    const wanted = target[field];
    const stored = current?.[field] ?? null;
    if (wanted === null || stored === null || wanted === stored) return wanted;
    const context = credentialContext(target.configId, field);
    const same = openOrUndefined(sealer, wanted, context);
    return same !== undefined && same === openOrUndefined(sealer, stored, context) ? stored : wanted;
  };
  const apiKey = keep("apiKey");
  return {
    priority: target.priority,
    enabled: target.enabled,
    configData: target.configData,
    secretData: restoreSecrets(sealer, target.configId, target, current),
    apiKey,
    apiSecret: keep("apiSecret"),
    apiKeyHint: apiKey === null ? null : apiKey === current?.apiKey ? current.apiKeyHint : target.apiKeyHint,
  };
}

/**
 * What `patch` sets whatever the stored state is, as planUpsert would merge it: the fields it gives, a removed API
 * key with its hint. Undefined when the result depends on the stored state beyond that: a credential given in
 * plaintext is kept when it is the stored one, else sealed to the config's id, which only planUpsert can tell; so
 * is any write of a provider with secret fields (its configData merges with the sealed ones, and a value still in
 * clear from before they were sealed must be sealed by the write, never copied into a new snapshot).
 */
export function fixedChanges(patch: ConfigPatch, secretFields: SecretFields): Partial<ConfigState> | undefined {
  if (typeof patch.apiKey === "string" || typeof patch.apiSecret === "string") return undefined;
  if (secretFields.of(patch.providerType, patch.providerName).length > 0) return undefined;
  const changes: Partial<ConfigState> = {};
  if (patch.priority !== undefined) changes.priority = patch.priority;
  if (patch.enabled !== undefined) changes.enabled = patch.enabled;
  if (patch.configData !== undefined) changes.configData = patch.configData;
  if (patch.apiKey === null) Object.assign(changes, { apiKey: null, apiKeyHint: null });
  if (patch.apiSecret === null) changes.apiSecret = null;
  return changes;
}

/** ENABLED/DISABLED when the flag flips, whatever else changed; UPDATED otherwise. */
function changeTypeOf(current: ConfigState, next: ConfigState): ChangeType {
  if (current.enabled !== next.enabled) return next.enabled ? ChangeType.ENABLED : ChangeType.DISABLED;
  return ChangeType.UPDATED;
}

/**
 * Whether writing `next` over `current` changes nothing. Credentials compare by identity of the sealed value
 * (mergeCredential keeps it when the plaintext is the same), secret fields by plaintext (see sameSecrets).
 */
export function sameState(current: StoredConfig, next: ConfigState, sealer: CredentialSealer): boolean {
  return (
    current.priority === next.priority &&
    current.enabled === next.enabled &&
    current.apiKey === next.apiKey &&
    current.apiSecret === next.apiSecret &&
    jsonEqual(current.configData, next.configData) &&
    sameSecrets(sealer, current.id, current, next.secretData)
  );
}

/** Omitted keeps, null removes; re-sending the stored plaintext keeps the stored sealed value (no change). */
function mergeCredential(
  current: StoredConfig | null,
  configId: string,
  field: CredentialField,
  given: string | null | undefined,
  sealer: CredentialSealer,
): string | null {
  const stored = current?.[field] ?? null;
  if (given === undefined) return stored;
  if (given === null) return null;
  const context = credentialContext(configId, field);
  if (stored !== null && openOrUndefined(sealer, stored, context) === given) return stored;
  return sealer.seal(given, context);
}

/** A stored value that no configured key opens any more is simply replaced by a new one. */
export function openOrUndefined(sealer: CredentialSealer, sealed: string, context: string): string | undefined {
  try {
    return sealer.open(sealed, context);
  } catch {
    return undefined;
  }
}

export function notFoundConfig(id: string): AppError {
  return new AppError(ErrorCode.NOT_FOUND, `No provider config with id '${id}'.`, "id");
}

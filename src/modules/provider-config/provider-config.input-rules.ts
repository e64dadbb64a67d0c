// Validation of write inputs as they arrive from the API (SPEC.md §2). Omitted fields stay absent; null is
// meaningful only for apiKey / apiSecret (remove). Every problem is reported at once, naming its field.
import type { JsonObject, ProviderPriority, ProviderType } from "../../domain/provider.js";
import {
  checkChangeReason,
  checkConfigData,
  checkCredential,
  checkProviderName,
  checkTenantId,
  type Problems,
  validate,
} from "../../domain/validation.js";
import type { ConfigPatch } from "./provider-config.rules.js";

export const MAX_BATCH_SIZE = 100;

/** The catalog providers' configData schemas (SPEC.md §10.3); a name outside the catalog accepts any object. */
export interface ConfigDataSchemas {
  /** Adds a problem per field of `configData` its schema refuses, under `field` (e.g. `configs[2].configData`). */
  check(problems: Problems, providerType: ProviderType, providerName: string, configData: JsonObject, field: string): void;
}

/** One config's fields as the API delivers them (absent = omitted). */
export interface PatchInput {
  providerType: ProviderType;
  providerName: string;
  priority?: ProviderPriority | null;
  enabled?: boolean | null;
  configData?: JsonObject | null;
  apiKey?: string | null;
  apiSecret?: string | null;
}

export interface UpsertInput extends PatchInput {
  tenantId: string;
  expectedVersion?: number | null;
  changeReason?: string | null;
}

export interface ValidatedUpsert {
  patch: ConfigPatch;
  expectedVersion?: number;
  changeReason: string | null;
}

export function validateUpsert(input: UpsertInput, schemas: ConfigDataSchemas): ValidatedUpsert {
  return validate((problems) => {
    checkTenantId(problems, input.tenantId, "input.tenantId");
    const patch = checkPatch(problems, input.tenantId, input, "input.", schemas);
    if (input.expectedVersion !== undefined && input.expectedVersion !== null && input.expectedVersion < 0) {
      problems.add("input.expectedVersion", "must be 0 (the config must not exist yet) or a version number");
    }
    checkChangeReason(problems, input.changeReason, "input.changeReason");
    return { patch, expectedVersion: input.expectedVersion ?? undefined, changeReason: input.changeReason ?? null };
  });
}

export function validateBatch(
  tenantId: string,
  inputs: readonly PatchInput[],
  changeReason: string | null | undefined,
  schemas: ConfigDataSchemas,
): ConfigPatch[] {
  return validate((problems) => {
    checkTenantId(problems, tenantId);
    checkChangeReason(problems, changeReason);
    // Invalid as a whole: listing the problems of every patch too would only bury this one.
    if (inputs.length > MAX_BATCH_SIZE) {
      problems.add("configs", `must hold at most ${MAX_BATCH_SIZE} patches, not ${inputs.length}`);
      return [];
    }
    const seen = new Map<string, number>();
    return inputs.map((input, index) => {
      const key = `${input.providerType}/${input.providerName}`;
      const first = seen.get(key);
      if (first !== undefined) problems.add(`configs[${index}]`, `patches the same provider as configs[${first}] (${key})`);
      else seen.set(key, index);
      return checkPatch(problems, tenantId, input, `configs[${index}].`, schemas);
    });
  });
}

/**
 * The one check of a single config's fields, shared by upsert, batch and import (`prefix`: `input.`,
 * `configs[2].`); rules that look at one entry alone (such as the provider's configData schema) belong here.
 */
export function checkPatch(
  problems: Problems,
  tenantId: string,
  input: PatchInput,
  prefix: string,
  schemas: ConfigDataSchemas,
): ConfigPatch {
  checkProviderName(problems, input.providerName, `${prefix}providerName`);
  for (const field of ["priority", "enabled", "configData"] as const) {
    if (input[field] === null) problems.add(`${prefix}${field}`, "must not be null; omit it to keep the stored value");
  }
  const configData = input.configData;
  // The schema only sees data that is a storable JSON object; an unknown providerType has no schema.
  if (configData !== undefined && configData !== null && checkConfigData(problems, configData, `${prefix}configData`)) {
    schemas.check(problems, input.providerType, input.providerName, configData, `${prefix}configData`);
  }
  checkCredential(problems, input.apiKey, `${prefix}apiKey`);
  checkCredential(problems, input.apiSecret, `${prefix}apiSecret`);
  const patch: ConfigPatch = { tenantId, providerType: input.providerType, providerName: input.providerName };
  if (input.priority != null) patch.priority = input.priority;
  if (input.enabled != null) patch.enabled = input.enabled;
  if (input.configData != null) patch.configData = input.configData;
  if (input.apiKey !== undefined) patch.apiKey = input.apiKey;
  if (input.apiSecret !== undefined) patch.apiSecret = input.apiSecret;
  return patch;
}

// The portable document of a tenant's configs (SPEC.md §10.1): its shape, and the reading of an imported one.
// Reading checks the JSON types of every field, then hands each entry to the same check as an upsert patch
// (checkPatch), so an import accepts exactly what upserts accept. Every problem is collected with its path.
import {
  type JsonObject,
  type JsonValue,
  PROVIDER_PRIORITIES,
  PROVIDER_TYPES,
  type ProviderPriority,
  type ProviderType,
} from "../../domain/provider.js";
import { PLAIN_NAME, type Problems } from "../../domain/validation.js";
import { type ConfigDataSchemas, checkPatch, type PatchInput } from "../provider-config/provider-config.input-rules.js";
import { keyOf, type TenantEntry } from "../provider-config/provider-config.tenant-plan.js";

export const CONFIG_DOCUMENT_FORMAT = "provider-config/v1";
/** SPEC.md §10.1: a document with more configs is invalid as a whole. */
export const MAX_DOCUMENT_CONFIGS = 500;

/** One config in a document. Credentials appear only in an export with secrets (then both, null when unset). */
export interface DocumentConfig {
  providerType: ProviderType;
  providerName: string;
  priority: ProviderPriority;
  enabled: boolean;
  configData: JsonObject;
  apiKey?: string | null;
  apiSecret?: string | null;
}

export interface ConfigDocument {
  format: typeof CONFIG_DOCUMENT_FORMAT;
  tenantId: string;
  exportedAt: string;
  configs: DocumentConfig[];
}

const ENTRY_FIELDS = new Set(["providerType", "providerName", "priority", "enabled", "configData", "apiKey", "apiSecret"]);

const isObject = (value: unknown): value is JsonObject => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The document's configs as entries for `tenantId`, each naming its place in the document (the document's own tenantId is ignored: a document moves
 * between tenants). Problems go to `problems`; the result is meaningful only when there are none.
 */
export function readConfigDocument(problems: Problems, tenantId: string, document: JsonObject, schemas: ConfigDataSchemas): TenantEntry[] {
  if (document.format !== CONFIG_DOCUMENT_FORMAT) {
    problems.add("format", `must be "${CONFIG_DOCUMENT_FORMAT}"`);
  }
  const configs = document.configs;
  if (!Array.isArray(configs)) {
    problems.add("configs", "must be a list of configs");
    return [];
  }
  // Invalid as a whole: listing the problems of every entry too would only bury this one.
  if (configs.length > MAX_DOCUMENT_CONFIGS) {
    problems.add("configs", `must hold at most ${MAX_DOCUMENT_CONFIGS} configs, not ${configs.length}`);
    return [];
  }
  const seen = new Map<string, number>();
  return configs.flatMap((entry, index) => {
    const { input, keyValid } = readEntry(problems, entry, `configs[${index}]`);
    if (!input) return [];
    if (keyValid) {
      const key = keyOf(input);
      const first = seen.get(key);
      if (first !== undefined) problems.add(`configs[${index}]`, `names the same provider (type and name) as configs[${first}]`);
      else seen.set(key, index);
    }
    const fieldPrefix = `configs[${index}].`;
    return [{ patch: checkPatch(problems, tenantId, input, fieldPrefix, schemas), fieldPrefix }];
  });
}

/**
 * The entry's fields with their JSON types checked. `input` is undefined when there is nothing more to check (not
 * an object, or no providerName string); `keyValid` is false when the type is not a provider type.
 */
function readEntry(problems: Problems, entry: JsonValue, path: string): { input?: PatchInput; keyValid: boolean } {
  if (!isObject(entry)) {
    problems.add(path, "must be an object");
    return { keyValid: false };
  }
  for (const field of Object.keys(entry)) {
    if (ENTRY_FIELDS.has(field)) continue;
    // A name is echoed in the path only when it is short and plain: the document is the caller's free text.
    if (PLAIN_NAME.test(field)) problems.add(`${path}.${field}`, `is not a config field (${[...ENTRY_FIELDS].join(", ")})`);
    else problems.add(path, `has a field that is not a config field (${[...ENTRY_FIELDS].join(", ")})`);
  }
  const { providerType, providerName, priority, enabled, configData, apiKey, apiSecret } = entry;
  const typeValid = typeof providerType === "string" && (PROVIDER_TYPES as readonly string[]).includes(providerType);
  if (!typeValid) problems.add(`${path}.providerType`, `must be one of ${PROVIDER_TYPES.join(", ")}`);
  if (typeof providerName !== "string") problems.add(`${path}.providerName`, "must be a string");
  // An invalid type still lets the other fields be checked; the result is discarded with the problems anyway.
  const input: PatchInput = { providerType: providerType as ProviderType, providerName: String(providerName) };
  // null is passed on: checkPatch says why it is not allowed, as for an upsert.
  if (priority === null || (typeof priority === "string" && (PROVIDER_PRIORITIES as readonly string[]).includes(priority))) {
    input.priority = priority as ProviderPriority | null;
  } else if (priority !== undefined) problems.add(`${path}.priority`, `must be one of ${PROVIDER_PRIORITIES.join(", ")}`);
  if (enabled === null || typeof enabled === "boolean") input.enabled = enabled;
  else if (enabled !== undefined) problems.add(`${path}.enabled`, "must be true or false");
  if (configData === null || isObject(configData)) input.configData = configData;
  else if (configData !== undefined) problems.add(`${path}.configData`, "must be a JSON object");
  for (const [field, value] of [
    ["apiKey", apiKey],
    ["apiSecret", apiSecret],
  ] as const) {
    if (value === null || typeof value === "string") input[field] = value;
    else if (value !== undefined) problems.add(`${path}.${field}`, "must be a string, or null for none");
  }
  return typeof providerName === "string" ? { input, keyValid: typeValid } : { keyValid: false };
}

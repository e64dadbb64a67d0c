// A whole-tenant write planned as pure functions (import and templates, SPEC.md §10.1-§10.2): every entry is an
// upsert patch planned by the upsert rules against the tenant's stored config of that key; REPLACE also deletes
// the tenant's configs that no entry names. The service runs the plan in one transaction, or only returns it.
import type { ProviderPriority, ProviderType } from "../../domain/provider.js";
import { jsonEqual, type Problems } from "../../domain/validation.js";
import type { SecretFields } from "../catalog/secret-fields.js";
import type { ConfigKey, ConfigState, StoredConfig } from "./provider-config.model.js";
import { sortConfigs } from "./provider-config.order.js";
import { type ConfigPatch, type CredentialSealer, type PlannedWrite, planUpsert } from "./provider-config.rules.js";
import { sameSecrets } from "./secret-data.js";
import type { ProviderConfigViewRecord } from "./tenant-config.model.js";

/** One config to bring into the tenant. */
export interface TenantEntry {
  /** Applied like an upsert patch: omitted fields keep the stored value. */
  patch: ConfigPatch;
  /** Values for fields the patch omits, used only when the entry creates the config (a template's defaults). */
  onCreate?: Pick<ConfigPatch, "enabled" | "configData">;
  /** How problems name the entry's fields, e.g. `configs[3].`; default: by its position among the entries. */
  fieldPrefix?: string;
}

export const PlannedAction = {
  CREATE: "CREATE",
  UPDATE: "UPDATE",
  DELETE: "DELETE",
  UNCHANGED: "UNCHANGED",
} as const;
export type PlannedAction = (typeof PlannedAction)[keyof typeof PlannedAction];

export interface PlannedChange {
  providerType: ProviderType;
  providerName: string;
  action: PlannedAction;
  /** Top-level fields that change: priority, enabled, configData, apiKey, apiSecret. */
  changedFields: string[];
}

export interface TenantPlan {
  /** One per entry, in entry order. */
  writes: Array<{ patch: ConfigPatch; plan: PlannedWrite }>;
  /** The stored configs REPLACE removes, in API order. */
  deletes: StoredConfig[];
  /** The writes' changes in entry order, then the deletes. */
  changes: PlannedChange[];
}

export interface TenantPlanOptions {
  replace: boolean;
  sealer: CredentialSealer;
  secretFields: SecretFields;
  requiresApiKey: (providerType: ProviderType, providerName: string) => boolean;
  newId: () => string;
  /** Where every entry's problem goes (the API-key rule), so that all are reported at once. */
  problems: Problems;
}

export const keyOf = (key: Omit<ConfigKey, "tenantId">): string => `${key.providerType}/${key.providerName}`;

export function planTenant(stored: readonly StoredConfig[], entries: readonly TenantEntry[], options: TenantPlanOptions): TenantPlan {
  const byKey = new Map(stored.map((config) => [keyOf(config), config]));
  const writes = entries.map((entry, index) => {
    const current = byKey.get(keyOf(entry.patch)) ?? null;
    const patch: ConfigPatch = current ? entry.patch : { ...entry.onCreate, ...entry.patch };
    const plan = planUpsert(current, patch, {
      sealer: options.sealer,
      secretFields: options.secretFields,
      requiresApiKey: options.requiresApiKey(patch.providerType, patch.providerName),
      fieldPrefix: entry.fieldPrefix ?? `configs[${index}].`,
      newId: options.newId,
      problems: options.problems,
    });
    return { patch, plan };
  });
  const named = new Set(entries.map((entry) => keyOf(entry.patch)));
  const deletes = options.replace ? sortConfigs(stored.filter((config) => !named.has(keyOf(config)))) : [];
  const changes: PlannedChange[] = [
    ...writes.map(({ patch, plan }) => ({
      providerType: patch.providerType,
      providerName: patch.providerName,
      action: actionOf(plan),
      changedFields: changedFields(plan, options.sealer),
    })),
    ...deletes.map((config) => ({
      providerType: config.providerType,
      providerName: config.providerName,
      action: PlannedAction.DELETE,
      changedFields: [],
    })),
  ];
  return { writes, deletes, changes };
}

const ACTION_OF_KIND = { create: PlannedAction.CREATE, update: PlannedAction.UPDATE, unchanged: PlannedAction.UNCHANGED } as const;
const actionOf = (plan: PlannedWrite): PlannedAction => ACTION_OF_KIND[plan.kind];

const FIELDS = ["priority", "enabled", "configData", "apiKey", "apiSecret"] as const;

/** A create sets every field it gives a value (credentials only when set); an update lists what differs. */
export function changedFields(plan: PlannedWrite, sealer: CredentialSealer): string[] {
  if (plan.kind === "unchanged") return [];
  if (plan.kind === "create") return FIELDS.filter((field) => plan.state[field] !== null);
  const before: ConfigState = plan.config;
  const after = plan.state;
  // Credentials compare by their sealed value (planUpsert keeps it when the plaintext is the same), secret fields
  // by plaintext.
  return FIELDS.filter((field) =>
    field === "configData"
      ? !jsonEqual(before.configData, after.configData) || !sameSecrets(sealer, plan.config.id, plan.config, after.secretData)
      : before[field] !== after[field],
  );
}

export interface PlanCounts {
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export function countChanges(changes: readonly PlannedChange[]): PlanCounts {
  const count = (action: PlannedAction) => changes.filter((change) => change.action === action).length;
  return {
    created: count(PlannedAction.CREATE),
    updated: count(PlannedAction.UPDATE),
    deleted: count(PlannedAction.DELETE),
    unchanged: count(PlannedAction.UNCHANGED),
  };
}

/** The tenant's configs as the plan would leave them (API order): new ones have no id or version yet. */
export function predictedConfigs(stored: readonly StoredConfig[], plan: TenantPlan): ProviderConfigViewRecord[] {
  const touched = new Set([...plan.writes.map(({ patch }) => keyOf(patch)), ...plan.deletes.map(keyOf)]);
  const untouched = stored.filter((config) => !touched.has(keyOf(config))).map(viewOf);
  const written = plan.writes.map(({ patch, plan: write }) => {
    if (write.kind === "unchanged") return viewOf(write.config);
    const existing = write.kind === "update" ? write.config : null;
    return stateView(patch, write.state, existing?.id ?? null, existing ? existing.version + 1 : null);
  });
  return sortConfigs([...untouched, ...written]);
}

export const viewOf = (config: StoredConfig): ProviderConfigViewRecord => stateView(config, config, config.id, config.version);

function stateView(
  key: { providerType: ProviderType; providerName: string },
  state: { priority: ProviderPriority; enabled: boolean; configData: ConfigState["configData"]; apiKey: string | null },
  id: string | null,
  version: number | null,
): ProviderConfigViewRecord {
  return {
    id,
    version,
    providerType: key.providerType,
    providerName: key.providerName,
    priority: state.priority,
    enabled: state.enabled,
    configData: state.configData,
    hasApiKey: state.apiKey !== null,
  };
}

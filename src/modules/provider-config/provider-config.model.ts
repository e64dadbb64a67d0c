// Domain shapes of a provider config. `StoredConfig` holds sealed credentials and never leaves the services;
// `ProviderConfigRecord` is what callers see (and what may be cached): no credential material at all.
import type { JsonObject, ProviderPriority, ProviderType } from "../../domain/provider.js";
import { type SealedSecrets, type StoredSecrets, secretFieldNames } from "./secret-data.js";

/** The part of a config a write can change; credentials and secret configData fields sealed. */
export interface ConfigState {
  priority: ProviderPriority;
  enabled: boolean;
  /** Without the secret fields: those are in secretData. */
  configData: JsonObject;
  secretData: SealedSecrets;
  apiKey: string | null;
  apiSecret: string | null;
  apiKeyHint: string | null;
}

export interface ConfigKey {
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
}

/**
 * The one order in which any write that locks several configs takes their locks (tenant, type, name), so that no two
 * such writes can deadlock each other: upsertMany, tenant-wide writes and the update batches.
 */
export function compareConfigKeys(a: ConfigKey, b: ConfigKey): number {
  if (a.tenantId !== b.tenantId) return a.tenantId < b.tenantId ? -1 : 1;
  if (a.providerType !== b.providerType) return a.providerType < b.providerType ? -1 : 1;
  if (a.providerName !== b.providerName) return a.providerName < b.providerName ? -1 : 1;
  return 0;
}

/** A past version of a config as a rollback restores it (a history snapshot): sealed values as they were stored. */
export interface RestoredVersion extends ConfigKey, ConfigState, StoredSecrets {
  configId: string;
}

/** Where a deleted config comes back: the version after its DELETED entry, and its creation as history recorded it. */
export interface Revival {
  version: number;
  createdAt: Date;
  createdBy: string | null;
}

export interface StoredConfig extends ConfigKey, ConfigState, StoredSecrets {
  id: string;
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

/** What every caller-facing view of one provider's settings holds (configs, defaults, history). */
export interface ProviderSettings {
  providerType: ProviderType;
  providerName: string;
  priority: ProviderPriority;
  enabled: boolean;
  configData: JsonObject;
  hasApiKey: boolean;
}

export interface ProviderConfigRecord extends ProviderSettings {
  id: string;
  tenantId: string;
  hasApiSecret: boolean;
  apiKeyHint: string | null;
  /** Names of the set secret configData fields, sorted. */
  secretFields: string[];
  version: number;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string | null;
  updatedBy: string | null;
}

export function toRecord(config: StoredConfig): ProviderConfigRecord {
  return {
    id: config.id,
    tenantId: config.tenantId,
    providerType: config.providerType,
    providerName: config.providerName,
    priority: config.priority,
    enabled: config.enabled,
    configData: config.configData,
    hasApiKey: config.apiKey !== null,
    hasApiSecret: config.apiSecret !== null,
    apiKeyHint: config.apiKeyHint,
    secretFields: secretFieldNames(config),
    version: config.version,
    createdAt: config.createdAt,
    updatedAt: config.updatedAt,
    createdBy: config.createdBy,
    updatedBy: config.updatedBy,
  };
}

/** Who made a change and why; recorded on the config and in its history snapshot. */
export interface ChangeAudit {
  changedBy: string;
  changeReason: string | null;
}

export interface CredentialsRecord {
  configId: string;
  apiKey: string | null;
  apiSecret: string | null;
  /** The secret configData fields in clear. */
  secretFields: JsonObject;
}

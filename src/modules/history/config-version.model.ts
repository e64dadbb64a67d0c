// A history snapshot: the state of a config right after one change (for DELETED: right before the delete).
import type { ChangeType, JsonObject, ProviderPriority, ProviderType } from "../../domain/provider.js";

export interface StoredSnapshot {
  /** Total order of all snapshots; the history cursor. */
  seq: bigint;
  id: string;
  configId: string;
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
  priority: ProviderPriority;
  enabled: boolean;
  configData: JsonObject;
  /** Sealed, kept so that a rollback restores it. */
  apiKey: string | null;
  apiSecret: string | null;
  apiKeyHint: string | null;
  version: number;
  changeType: ChangeType;
  changedAt: Date;
  changedBy: string | null;
  changeReason: string | null;
}

/** What callers see of a snapshot: no credential material. */
export interface ConfigVersionRecord {
  id: string;
  configId: string;
  tenantId: string;
  providerType: ProviderType;
  providerName: string;
  priority: ProviderPriority;
  enabled: boolean;
  configData: JsonObject;
  hasApiKey: boolean;
  version: number;
  changeType: ChangeType;
  changedAt: Date;
  changedBy: string | null;
  changeReason: string | null;
}

export function toVersionRecord(snapshot: StoredSnapshot): ConfigVersionRecord {
  return {
    id: snapshot.id,
    configId: snapshot.configId,
    tenantId: snapshot.tenantId,
    providerType: snapshot.providerType,
    providerName: snapshot.providerName,
    priority: snapshot.priority,
    enabled: snapshot.enabled,
    configData: snapshot.configData,
    hasApiKey: snapshot.apiKey !== null,
    version: snapshot.version,
    changeType: snapshot.changeType,
    changedAt: snapshot.changedAt,
    changedBy: snapshot.changedBy,
    changeReason: snapshot.changeReason,
  };
}

export interface HistoryFilter {
  tenantId: string;
  providerType?: ProviderType;
  providerName?: string;
  configId?: string;
}

// A history snapshot: the state of a config right after one change (for DELETED: right before the delete).
import type { ChangeType, ProviderType } from "../../domain/provider.js";
import type { ConfigKey, ConfigState, ProviderSettings } from "../provider-config/provider-config.model.js";
import type { StoredSecrets } from "../provider-config/secret-data.js";

/** Credentials and secret fields (in ConfigState) stay sealed; they are kept so that a rollback restores them. */
export interface StoredSnapshot extends ConfigKey, ConfigState, StoredSecrets {
  /** Total order of all snapshots; the history cursor. */
  seq: bigint;
  id: string;
  configId: string;
  version: number;
  changeType: ChangeType;
  changedAt: Date;
  changedBy: string | null;
  changeReason: string | null;
}

/** What callers see of a snapshot: no credential material, no secret field. */
export interface ConfigVersionRecord extends ProviderSettings {
  id: string;
  configId: string;
  tenantId: string;
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
  /** Only these change types (an empty list matches nothing). */
  changeTypes?: readonly ChangeType[];
  /** Only changes by this caller. */
  changedBy?: string;
  /** changedAt >= from. */
  from?: Date;
  /** changedAt < to. */
  to?: Date;
}

// rollbackProviderConfig (SPEC.md §3): restores priority, enabled, configData and the credentials of a past
// version as a new ROLLED_BACK version; brings a deleted config back under its old id.

import { assertTenantAccess, type Caller, Scope, tenantScope } from "../../domain/caller.js";
import { ChangeType } from "../../domain/provider.js";
import { checkChangeReason, checkVersion, validate } from "../../domain/validation.js";
import { AppError, badInput, conflict, ErrorCode } from "../../errors.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import { LOST_RACE, type LostRace, type UnitOfWork } from "../../infra/database/unit-of-work.js";
import {
  type ChangeAudit,
  type ConfigState,
  type ProviderConfigRecord,
  type StoredConfig,
  toRecord,
} from "../provider-config/provider-config.model.js";
import type { ProviderConfigRepository } from "../provider-config/provider-config.repository.js";
import { type CredentialSealer, credentialContext, openOrUndefined, sameState } from "../provider-config/provider-config.rules.js";
import type { ConfigChangeListener } from "../provider-config/provider-config.service.js";
import { restoreSecrets } from "../provider-config/secret-data.js";
import type { TenantConfigLimit } from "../provider-config/tenant-config-limit.js";
import type { StoredSnapshot } from "./config-version.model.js";
import type { HistoryRepository } from "./history.repository.js";

export interface RollbackServiceDeps {
  unitOfWork: UnitOfWork;
  configs: ProviderConfigRepository;
  history: HistoryRepository;
  sealer: CredentialSealer;
  listener: ConfigChangeListener;
  /** Bringing a deleted config back creates one: MAX_CONFIGS_PER_TENANT applies. */
  limit: TenantConfigLimit;
}

export class RollbackService {
  constructor(private readonly deps: RollbackServiceDeps) {}

  async rollback(caller: Caller, configId: string, version: number, changeReason?: string | null): Promise<ProviderConfigRecord> {
    validate((problems) => {
      checkVersion(problems, version, "version");
      checkChangeReason(problems, changeReason);
    });
    const audit = { changedBy: caller.id, changeReason: changeReason ?? null };
    const { config, changed } = await this.deps.unitOfWork.write(tenantScope(caller), async (db) => {
      const target = await this.deps.history.findVersion(db, configId, version, tenantScope(caller));
      if (!target) throw await this.notFound(db, caller, configId, version);
      assertTenantAccess(caller, target.tenantId, Scope.CONFIG_WRITE);
      if (target.changeType === ChangeType.DELETED) {
        throw badInput("version", `Invalid input. version: ${version} records the deletion; roll back to a version before it.`);
      }
      const current = await this.deps.configs.findById(db, configId, tenantScope(caller), { lock: true });
      const state = this.restoredState(target, current);
      if (current) {
        if (sameState(current, state, this.deps.sealer)) return { config: current, changed: false };
        const written = await this.deps.configs.update(db, current.id, current.version, state, ChangeType.ROLLED_BACK, audit);
        return written === LOST_RACE ? LOST_RACE : { config: written, changed: true };
      }
      return this.restoreDeleted(db, target, state, audit);
    });
    if (changed) await this.deps.listener.configsChanged(config.tenantId);
    return toRecord(config);
  }

  /**
   * Names what is missing: the config itself (no snapshot at all) or only that version (never written, or purged by
   * history retention, which may remove version 1 too but always keeps a config's latest snapshot).
   */
  private async notFound(db: Executor, caller: Caller, configId: string, version: number): Promise<AppError> {
    const exists = await this.deps.history.hasHistory(db, configId, tenantScope(caller));
    return exists
      ? new AppError(ErrorCode.NOT_FOUND, `Config '${configId}' has no version ${version}.`, "version")
      : new AppError(ErrorCode.NOT_FOUND, `No provider config with configId '${configId}'.`, "configId");
  }

  /** A deleted config comes back under its id, at the version after its DELETED entry, unless its key is taken. */
  private async restoreDeleted(
    db: Executor,
    target: StoredSnapshot,
    state: ConfigState,
    audit: ChangeAudit,
  ): Promise<{ config: StoredConfig; changed: boolean } | LostRace> {
    const occupant = await this.deps.configs.findByKey(db, target);
    // A concurrent rollback brought this very config back after our read: start again from the restored config.
    if (occupant?.id === target.configId) return LOST_RACE;
    if (occupant) {
      throw conflict(
        `Config '${target.configId}' was deleted and ${target.providerType}/${target.providerName} of tenant '${target.tenantId}' now belongs to config '${occupant.id}'; roll that one back instead, or delete it first.`,
      );
    }
    const bounds = await this.deps.history.bounds(db, target.configId);
    if (!bounds) return LOST_RACE;
    await this.deps.limit.ensureRoom(db, target.tenantId, [target], "configId");
    const written = await this.deps.configs.insert(
      db,
      {
        id: target.configId,
        tenantId: target.tenantId,
        providerType: target.providerType,
        providerName: target.providerName,
        ...state,
        version: bounds.last.version + 1,
        createdAt: bounds.first.changedAt,
        createdBy: bounds.first.changedBy,
      },
      ChangeType.ROLLED_BACK,
      audit,
    );
    return written === LOST_RACE ? LOST_RACE : { config: written, changed: true };
  }

  /**
   * The target's state. Where the target holds the same plaintext credential (or secret field) as the current config
   * (e.g. after the current one was re-sealed by key rotation), the current sealed value is kept, so that "nothing changed"
   * is recognised.
   */
  private restoredState(target: StoredSnapshot, current: StoredConfig | null): ConfigState {
    const keep = (field: "apiKey" | "apiSecret"): string | null => {
      const wanted = target[field];
      const stored = current?.[field] ?? null;
      if (wanted === null || stored === null || wanted === stored) return wanted;
      const context = credentialContext(target.configId, field);
      const same = openOrUndefined(this.deps.sealer, wanted, context);
      return same !== undefined && same === openOrUndefined(this.deps.sealer, stored, context) ? stored : wanted;
    };
    const apiKey = keep("apiKey");
    return {
      priority: target.priority,
      enabled: target.enabled,
      configData: target.configData,
      secretData: restoreSecrets(this.deps.sealer, target.configId, target, current),
      apiKey,
      apiSecret: keep("apiSecret"),
      apiKeyHint: apiKey === null ? null : apiKey === current?.apiKey ? current.apiKeyHint : target.apiKeyHint,
    };
  }
}

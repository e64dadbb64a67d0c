// rollbackProviderConfig (SPEC.md §3), history's part: which version to restore, and whether the caller may. The
// write itself (restored state, a deleted config brought back, the change listener) is the provider-config
// service's, shared with upsert.

import { assertTenantAccess, type Caller, Scope, tenantScope } from "../../domain/caller.js";
import { ChangeType } from "../../domain/provider.js";
import { checkChangeReason, checkVersion, validate } from "../../domain/validation.js";
import { AppError, badInput, ErrorCode } from "../../errors.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { ProviderConfigRecord } from "../provider-config/provider-config.model.js";
import type { ProviderConfigService } from "../provider-config/provider-config.service.js";
import type { StoredSnapshot } from "./config-version.model.js";
import type { HistoryRepository } from "./history.repository.js";

export class RollbackService {
  constructor(
    private readonly history: HistoryRepository,
    private readonly configs: ProviderConfigService,
  ) {}

  async rollback(caller: Caller, configId: string, version: number, changeReason?: string | null): Promise<ProviderConfigRecord> {
    validate((problems) => {
      checkVersion(problems, version, "version");
      checkChangeReason(problems, changeReason);
    });
    return this.configs.restore(caller, (db) => this.target(db, caller, configId, version), changeReason);
  }

  /** The snapshot to restore, read in the rollback's transaction. */
  private async target(db: Executor, caller: Caller, configId: string, version: number): Promise<StoredSnapshot> {
    const target = await this.history.findVersion(db, configId, version, tenantScope(caller));
    if (!target) throw await this.notFound(db, caller, configId, version);
    assertTenantAccess(caller, target.tenantId, Scope.CONFIG_WRITE);
    if (target.changeType === ChangeType.DELETED) {
      throw badInput("version", `Invalid input. version: ${version} records the deletion; roll back to a version before it.`);
    }
    return target;
  }

  /**
   * Names what is missing: the config itself (no snapshot at all) or only that version (never written, or purged by
   * history retention, which may remove version 1 too but always keeps a config's latest snapshot).
   */
  private async notFound(db: Executor, caller: Caller, configId: string, version: number): Promise<AppError> {
    const exists = await this.history.hasHistory(db, configId, tenantScope(caller));
    return exists
      ? new AppError(ErrorCode.NOT_FOUND, `Config '${configId}' has no version ${version}.`, "version")
      : new AppError(ErrorCode.NOT_FOUND, `No provider config with configId '${configId}'.`, "configId");
  }
}

// configDiff (SPEC.md §11): what changed between two versions of one config. Snapshots come through the request's
// SnapshotLoader (aliased diffs cost one query); credentials and secret fields are opened here only to compare
// their plaintexts and are reported by name, never by value.

import { assertScope, assertTenantAccess, type Caller, Scope, tenantScope } from "../../domain/caller.js";
import { checkVersion, validate } from "../../domain/validation.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import {
  type CredentialField,
  type CredentialSealer,
  credentialContext,
  openOrUndefined,
} from "../provider-config/provider-config.rules.js";
import { changedSecretFields } from "../provider-config/secret-data.js";
import { type ConfigDiffRecord, diffSnapshots } from "./config-diff.js";
import type { StoredSnapshot } from "./config-version.model.js";
import type { SnapshotLoader } from "./history.loader.js";
import type { HistoryRepository } from "./history.repository.js";

export class ConfigDiffService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: HistoryRepository,
    private readonly sealer: CredentialSealer,
  ) {}

  async diff(caller: Caller, loader: SnapshotLoader, configId: string, fromVersion: number, toVersion: number): Promise<ConfigDiffRecord> {
    validate((problems) => {
      checkVersion(problems, fromVersion, "fromVersion");
      checkVersion(problems, toVersion, "toVersion");
    });
    assertScope(caller, Scope.CONFIG_READ);
    const [from, to] = await Promise.all([loader.load({ configId, version: fromVersion }), loader.load({ configId, version: toVersion })]);
    if (!from) throw await this.notFound(caller, configId, "fromVersion", fromVersion);
    if (!to) throw await this.notFound(caller, configId, "toVersion", toVersion);
    // The loader only finds snapshots of the caller's tenants; checked again as every read of a tenant is.
    assertTenantAccess(caller, from.tenantId, Scope.CONFIG_READ);
    return {
      configId: from.configId,
      fromVersion,
      toVersion,
      changes: diffSnapshots(
        from,
        to,
        (field) => this.credentialChanged(from, to, field),
        changedSecretFields(this.sealer, from.configId, from, to),
      ),
    };
  }

  /**
   * Whether the plaintext differs. A value no configured key opens cannot be compared: it counts as changed unless
   * it is the very same sealed value (reporting a change that may not be one is safer than hiding one).
   */
  private credentialChanged(from: StoredSnapshot, to: StoredSnapshot, field: CredentialField): boolean {
    const before = from[field];
    const after = to[field];
    if (before === after) return false;
    if (before === null || after === null) return true;
    const context = credentialContext(from.configId, field);
    const opened = openOrUndefined(this.sealer, before, context);
    return opened === undefined || opened !== openOrUndefined(this.sealer, after, context);
  }

  /** Names what is missing: the config (no snapshot of it in the caller's tenants) or only that version. */
  private async notFound(caller: Caller, configId: string, field: string, version: number): Promise<AppError> {
    const scope = tenantScope(caller);
    const exists = await this.unitOfWork.read(scope, (db) => this.repository.hasHistory(db, configId, scope));
    return exists
      ? new AppError(ErrorCode.NOT_FOUND, `Config '${configId}' has no version ${version} (${field}).`, field)
      : new AppError(ErrorCode.NOT_FOUND, `No provider config with configId '${configId}'.`, "configId");
  }
}

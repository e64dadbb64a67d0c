// exportTenantConfig (SPEC.md §10.1): the tenant's configs as a portable document, in providerConfigs order.
// With secrets, the export is audited first (SPEC.md §11): if the audit record cannot be written, no document
// (and no secret) is returned. Read from the database, never from the cache (the cache holds no credentials).

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import { onlyTenants } from "../../domain/tenant-scope.js";
import { checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { StoredConfig } from "../provider-config/provider-config.model.js";
import { sortConfigs } from "../provider-config/provider-config.order.js";
import type { ProviderConfigRepository } from "../provider-config/provider-config.repository.js";
import { type CredentialField, type CredentialSealer, credentialContext } from "../provider-config/provider-config.rules.js";
import { openSecrets } from "../provider-config/secret-data.js";
import { CONFIG_DOCUMENT_FORMAT, type ConfigDocument, type DocumentConfig } from "./config-document.js";

/** A config whose credentials an export with secrets hands out. */
export interface ExportedSecrets {
  configId: string;
  providerType: ProviderType;
  providerName: string;
}

/**
 * Records an export with secrets (the credential access log, SPEC.md §11). Must have recorded it durably when the
 * promise resolves; a rejection withholds the document.
 */
export interface SecretExportAudit {
  recordSecretExport(caller: Caller, tenantId: string, requestId: string, configs: readonly ExportedSecrets[]): Promise<void>;
}

export interface ConfigExportDeps {
  unitOfWork: UnitOfWork;
  repository: ProviderConfigRepository;
  sealer: CredentialSealer;
  audit: SecretExportAudit;
  now?: () => Date;
}

export class ConfigExportService {
  constructor(private readonly deps: ConfigExportDeps) {}

  async export(caller: Caller, tenantId: string, includeSecrets: boolean, requestId: string): Promise<ConfigDocument> {
    validate((problems) => checkTenantId(problems, tenantId));
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    if (includeSecrets) assertTenantAccess(caller, tenantId, Scope.SECRETS_READ);
    const { unitOfWork, repository } = this.deps;
    const stored = sortConfigs(await unitOfWork.read(onlyTenants(tenantId), (db) => repository.listByTenants(db, [tenantId])));
    if (includeSecrets) {
      const exported = stored.map((config) => ({
        configId: config.id,
        providerType: config.providerType,
        providerName: config.providerName,
      }));
      await this.deps.audit.recordSecretExport(caller, tenantId, requestId, exported);
    }
    return {
      format: CONFIG_DOCUMENT_FORMAT,
      tenantId,
      exportedAt: (this.deps.now?.() ?? new Date()).toISOString(),
      configs: stored.map((config) => (includeSecrets ? this.withSecrets(config) : settingsOf(config))),
    };
  }

  /** The credentials, and the secret configData fields back inside configData, where an import expects them. */
  private withSecrets(config: StoredConfig): DocumentConfig {
    const open = (field: CredentialField) => {
      const sealed = config[field];
      return sealed === null ? null : this.deps.sealer.open(sealed, credentialContext(config.id, field));
    };
    const configData = { ...config.configData, ...openSecrets(this.deps.sealer, config.id, config) };
    return { ...settingsOf(config), configData, apiKey: open("apiKey"), apiSecret: open("apiSecret") };
  }
}

const settingsOf = (config: StoredConfig): DocumentConfig => ({
  providerType: config.providerType,
  providerName: config.providerName,
  priority: config.priority,
  enabled: config.enabled,
  configData: config.configData,
});

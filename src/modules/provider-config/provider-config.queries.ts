// Reads of provider configs: lists, one by id, the grouped tenant view and decrypted
// credentials. List reads go through the request's DataLoaders (and so through the cache); credentials never do.

import { assertScope, assertTenantAccess, type Caller, Scope, tenantScope } from "../../domain/caller.js";
import type { ProviderType } from "../../domain/provider.js";
import { checkTenantId, validate } from "../../domain/validation.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { CredentialOperation } from "../credential-access/credential-access.model.js";
import type { CredentialAccessRecorder } from "../credential-access/credential-access.recorder.js";
import type { ConfigLoaders } from "./provider-config.loaders.js";
import type { CredentialsRecord, ProviderConfigRecord } from "./provider-config.model.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import { type CredentialSealer, credentialContext, notFoundConfig } from "./provider-config.rules.js";
import { openSecrets } from "./secret-data.js";
import { buildTenantConfig, type TenantConfigRecord } from "./tenant-config.model.js";

export interface ConfigListFilter {
  providerType?: ProviderType | null;
  enabled?: boolean | null;
}

export class ProviderConfigQueries {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly repository: ProviderConfigRepository,
    private readonly sealer: CredentialSealer,
    private readonly accessLog: CredentialAccessRecorder,
  ) {}

  async list(caller: Caller, loaders: ConfigLoaders, tenantId: string, filter: ConfigListFilter = {}): Promise<ProviderConfigRecord[]> {
    const configs = await this.tenantConfigs(caller, loaders, tenantId, filter.providerType ?? undefined);
    return filter.enabled == null ? configs : configs.filter((config) => config.enabled === filter.enabled);
  }

  async get(caller: Caller, loaders: ConfigLoaders, id: string): Promise<ProviderConfigRecord | null> {
    assertScope(caller, Scope.CONFIG_READ);
    return loaders.byId.load(id);
  }

  async tenantConfig(caller: Caller, loaders: ConfigLoaders, tenantId: string): Promise<TenantConfigRecord> {
    return buildTenantConfig(tenantId, await this.tenantConfigs(caller, loaders, tenantId));
  }

  /**
   * Decrypted credentials; needs `secrets:read` for the config's tenant. Read from the database, never cached. The
   * access is logged in the same transaction, which commits before the plaintext is returned: when the entry
   * cannot be written, the caller gets an error and no secret (SPEC.md §11).
   */
  async credentials(caller: Caller, configId: string, requestId: string | null): Promise<CredentialsRecord> {
    const scope = tenantScope(caller);
    return this.unitOfWork.write(scope, async (db) => {
      const config = await this.repository.findById(db, configId, scope);
      if (!config) throw notFoundConfig(configId);
      assertTenantAccess(caller, config.tenantId, Scope.SECRETS_READ);
      const credentials = {
        configId: config.id,
        apiKey: config.apiKey === null ? null : this.sealer.open(config.apiKey, credentialContext(config.id, "apiKey")),
        apiSecret: config.apiSecret === null ? null : this.sealer.open(config.apiSecret, credentialContext(config.id, "apiSecret")),
        secretFields: openSecrets(this.sealer, config.id, config),
      };
      await this.accessLog.record(db, { caller, requestId, operation: CredentialOperation.PROVIDER_CREDENTIALS }, [config]);
      return credentials;
    });
  }

  private async tenantConfigs(
    caller: Caller,
    loaders: ConfigLoaders,
    tenantId: string,
    providerType?: ProviderType,
  ): Promise<ProviderConfigRecord[]> {
    validate((problems) => checkTenantId(problems, tenantId));
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    return loaders.byTenant.load({ tenantId, providerType });
  }
}

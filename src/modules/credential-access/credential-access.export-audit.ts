// exportTenantConfig(includeSecrets: true) in the credential access log (SPEC.md §11): one entry per exported
// config (or one without a config when the tenant has none), committed before the document is returned.
import { onlyTenants } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { SecretExportAudit } from "../config-transfer/config-export.service.js";
import { CredentialOperation } from "./credential-access.model.js";
import type { CredentialAccessRecorder } from "./credential-access.recorder.js";
import type { CredentialAccessRepository } from "./credential-access.repository.js";

export function secretExportAudit(
  unitOfWork: UnitOfWork,
  recorder: CredentialAccessRecorder,
  repository: CredentialAccessRepository,
): SecretExportAudit {
  return {
    recordSecretExport: (caller, tenantId, requestId, configs) =>
      unitOfWork.write(onlyTenants(tenantId), async (db) => {
        const reader = { caller, requestId, operation: CredentialOperation.EXPORT_TENANT_CONFIG };
        if (configs.length > 0) {
          const accessed = configs.map((config) => ({ id: config.configId, tenantId, ...config }));
          await recorder.record(db, reader, accessed);
        } else {
          await repository.append(db, [
            { tenantId, actor: caller.id, operation: reader.operation, configId: null, providerType: null, providerName: null, requestId },
          ]);
        }
      }),
  };
}

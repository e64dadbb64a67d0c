// Every provider some tenant has enabled, with that tenant's decrypted key, for the health monitor's re-checks.
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { EnabledProvider } from "../provider-health/provider-health.monitor.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import { type CredentialSealer, credentialContext, openOrUndefined } from "./provider-config.rules.js";

export function enabledProvidersSource(unitOfWork: UnitOfWork, repository: ProviderConfigRepository, sealer: CredentialSealer) {
  return async (): Promise<EnabledProvider[]> => {
    // Across every tenant: the monitor checks providers, not tenants' data.
    const rows = await unitOfWork.read(ALL_TENANTS, (db) => repository.listEnabledProviders(db));
    return rows.map((row) => ({
      providerType: row.providerType,
      providerName: row.providerName,
      apiKey: row.apiKey === null ? null : (openOrUndefined(sealer, row.apiKey, credentialContext(row.id, "apiKey")) ?? null),
    }));
  };
}

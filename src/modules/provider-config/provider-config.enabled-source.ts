// Every provider some tenant has enabled, with that tenant's decrypted key, for the health monitor's re-checks.
import type { Executor } from "../../infra/database/unit-of-work.js";
import type { EnabledProvider } from "../provider-health/provider-health.monitor.js";
import type { ProviderConfigRepository } from "./provider-config.repository.js";
import { type CredentialSealer, credentialContext, openOrUndefined } from "./provider-config.rules.js";

export function enabledProvidersSource(db: Executor, repository: ProviderConfigRepository, sealer: CredentialSealer) {
  return async (): Promise<EnabledProvider[]> => {
    const rows = await repository.listEnabledProviders(db);
    return rows.map((row) => ({
      providerType: row.providerType,
      providerName: row.providerName,
      apiKey: row.apiKey === null ? null : (openOrUndefined(sealer, row.apiKey, credentialContext(row.id, "apiKey")) ?? null),
    }));
  };
}

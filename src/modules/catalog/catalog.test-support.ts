// Test helpers: a tenant config reader over a fixed table, and a service wired to the real catalog.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { ProviderType } from "../../domain/provider.js";
import type { ProviderHealthRecord } from "../provider-health/provider-health.model.js";
import { InMemoryProviderHealthStore } from "../provider-health/provider-health.store.js";
import { loadCatalog } from "./catalog.js";
import type { StoredProviderRef, TenantProviderReader } from "./catalog.model.js";
import { CatalogService } from "./catalog.service.js";

/** Like the real reader, it checks tenant access itself; it also records what it was asked. */
export class FakeTenantProviderReader implements TenantProviderReader {
  readonly calls: Array<{ tenantId: string; providerType: ProviderType }> = [];

  constructor(private readonly configs: Readonly<Record<string, Partial<Record<ProviderType, StoredProviderRef[]>>>>) {}

  async listForFailover(caller: Caller, tenantId: string, providerType: ProviderType): Promise<StoredProviderRef[]> {
    assertTenantAccess(caller, tenantId, Scope.CONFIG_READ);
    this.calls.push({ tenantId, providerType });
    return [...(this.configs[tenantId]?.[providerType] ?? [])];
  }
}

export const TENANT_CONFIGS = {
  "farm-1": {
    [ProviderType.MAP]: [
      { providerName: "esri_streets", priority: "SECONDARY", enabled: true },
      { providerName: "openstreetmap", priority: "PRIMARY", enabled: true },
      { providerName: "my_tiles", priority: "TERTIARY", enabled: true },
    ],
    [ProviderType.SMS]: [{ providerName: "twilio", priority: "PRIMARY", enabled: false }],
  },
} as const satisfies Record<string, Partial<Record<ProviderType, StoredProviderRef[]>>>;

export const healthRecord = (
  providerType: ProviderType,
  providerName: string,
  status: ProviderHealthRecord["status"],
): ProviderHealthRecord => ({
  providerType,
  providerName,
  status,
  checkedAt: new Date("2025-03-01T12:00:00Z"),
  responseTimeMs: status === "AVAILABLE" ? 42 : null,
  errorMessage: status === "AVAILABLE" ? null : "HTTP 503",
});

export async function catalogServiceForTests(health: readonly ProviderHealthRecord[] = []) {
  // A clock just after the records' checkedAt, so they have not expired (HEALTH_RESULT_TTL_SECONDS).
  const healthStore = new InMemoryProviderHealthStore({ now: () => Date.parse("2025-03-01T12:05:00Z") });
  for (const record of health) await healthStore.record(record);
  const tenantConfigs = new FakeTenantProviderReader(TENANT_CONFIGS);
  return { service: new CatalogService(loadCatalog(), healthStore), tenantConfigs };
}

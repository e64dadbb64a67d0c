// What the history tests share: the configHistory query, typed, and a few writes that produce history.
import { expect } from "vitest";
import type { TestApp } from "./app.js";

export interface Version {
  id: string;
  configId: string;
  providerType: string;
  providerName: string;
  version: number;
  changeType: string;
  changedAt: string;
}

export const VERSION_FIELDS =
  "id configId tenantId providerType providerName priority enabled configData hasApiKey version changeType changedAt changedBy changeReason";
export const HISTORY = `query($tenantId: String!, $providerType: ProviderType, $providerName: String, $configId: UUID, $limit: Int, $after: String) {
  configHistory(tenantId: $tenantId, providerType: $providerType, providerName: $providerName, configId: $configId, limit: $limit, after: $after) {
    items { ${VERSION_FIELDS} } nextCursor } }`;

/** History helpers bound to the test file's app (a getter: the app starts in beforeAll). */
export function historyClient(app: () => TestApp) {
  async function upsert(input: Record<string, unknown>): Promise<{ id: string; version: number; updatedAt: string }> {
    const response = await app().gql(
      `mutation($input: UpsertProviderConfigInput!) { upsertProviderConfig(input: $input) { id version updatedAt } }`,
      { input },
    );
    expect(response.errors).toBeUndefined();
    return response.data?.upsertProviderConfig;
  }

  function page(variables: Record<string, unknown>) {
    return app().gql<{ configHistory: { items: Version[]; nextCursor: string | null } }>(HISTORY, variables);
  }

  async function items(variables: Record<string, unknown>): Promise<Version[]> {
    const response = await page(variables);
    expect(response.errors).toBeUndefined();
    return response.data?.configHistory.items ?? [];
  }

  /** A config of `tenantId` with versions 1..count (CREATED, then UPDATED by priority/configData changes). */
  async function configWithVersions(tenantId: string, count: number, providerName = "openstreetmap") {
    const key = { tenantId, providerType: "MAP", providerName };
    const created = await upsert(key);
    for (let version = 2; version <= count; version++) await upsert({ ...key, configData: { step: version } });
    return created.id;
  }

  return { upsert, page, items, configWithVersions };
}

// What the export/import and template tests share: the operations, and helpers bound to the test file's app.
import { expect } from "vitest";
import type { GraphQLResponse, TestApp } from "./app.js";

export const VIEW_FIELDS = "id providerType providerName priority enabled configData hasApiKey version";
const RESULT_FIELDS = `tenantId dryRun created updated deleted unchanged changes { providerType providerName action changedFields } configs { ${VIEW_FIELDS} }`;

export const EXPORT = `query($t: String!, $secrets: Boolean) { exportTenantConfig(tenantId: $t, includeSecrets: $secrets) }`;
export const IMPORT = `mutation($t: String!, $doc: JSONObject!, $mode: ImportMode, $dryRun: Boolean, $reason: String) {
  importTenantConfig(tenantId: $t, document: $doc, mode: $mode, dryRun: $dryRun, changeReason: $reason) { ${RESULT_FIELDS} } }`;
export const APPLY_TEMPLATE = `mutation($t: String!, $name: String!, $mode: ImportMode, $dryRun: Boolean, $reason: String) {
  applyConfigTemplate(tenantId: $t, template: $name, mode: $mode, dryRun: $dryRun, changeReason: $reason) { ${RESULT_FIELDS} } }`;
export const TEMPLATES = `{ configTemplates { name description descriptionAr entries { providerType providerName priority enabled configData } } }`;
const BATCH = `mutation($t: String!, $configs: [ProviderConfigPatch!]!) { upsertProviderConfigs(tenantId: $t, configs: $configs) { id } }`;
const LIST = `query($t: String!) { providerConfigs(tenantId: $t) { ${VIEW_FIELDS} hasApiSecret apiKeyHint } }`;
const HISTORY = `query($t: String!) { configHistory(tenantId: $t, limit: 500) { items { providerName version changeType changedBy changeReason } } }`;
const CREDENTIALS = `query($id: UUID!) { providerCredentials(configId: $id) { apiKey apiSecret } }`;

export interface ImportResult {
  tenantId: string;
  dryRun: boolean;
  created: number;
  updated: number;
  deleted: number;
  unchanged: number;
  changes: Array<{ providerType: string; providerName: string; action: string; changedFields: string[] }>;
  configs: Array<Record<string, unknown> & { id: string | null; providerName: string; version: number | null }>;
}

export interface StoredView {
  id: string;
  providerType: string;
  providerName: string;
  priority: string;
  enabled: boolean;
  configData: Record<string, unknown>;
  hasApiKey: boolean;
  hasApiSecret: boolean;
  apiKeyHint: string | null;
  version: number;
}

export const document = (configs: unknown[], extra: Record<string, unknown> = {}) => ({
  format: "provider-config/v1",
  tenantId: "somewhere-else",
  exportedAt: "2026-01-01T00:00:00.000Z",
  configs,
  ...extra,
});

export function transferClient(app: () => TestApp, headers?: Record<string, string>) {
  const gql = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown>) => app().gql<T>(query, variables, headers);
  async function ok<T>(response: Promise<GraphQLResponse<Record<string, T>>>, field: string): Promise<T> {
    const result = await response;
    expect(result.errors).toBeUndefined();
    return result.data?.[field] as T;
  }
  return {
    exportRaw: (tenantId: string, includeSecrets?: boolean) => gql(EXPORT, { t: tenantId, secrets: includeSecrets }),
    export: (tenantId: string, includeSecrets?: boolean) =>
      ok<Record<string, unknown> & { configs: Array<Record<string, unknown>> }>(
        gql(EXPORT, { t: tenantId, secrets: includeSecrets }),
        "exportTenantConfig",
      ),
    importRaw: (tenantId: string, doc: unknown, options: { mode?: string; dryRun?: boolean; reason?: string } = {}) =>
      gql<{ importTenantConfig: ImportResult }>(IMPORT, {
        t: tenantId,
        doc,
        mode: options.mode,
        dryRun: options.dryRun,
        reason: options.reason,
      }),
    import: (tenantId: string, doc: unknown, options: { mode?: string; dryRun?: boolean; reason?: string } = {}) =>
      ok<ImportResult>(
        gql(IMPORT, { t: tenantId, doc, mode: options.mode, dryRun: options.dryRun, reason: options.reason }),
        "importTenantConfig",
      ),
    applyRaw: (tenantId: string, name: string, options: { mode?: string; dryRun?: boolean; reason?: string } = {}) =>
      gql<{ applyConfigTemplate: ImportResult }>(APPLY_TEMPLATE, {
        t: tenantId,
        name,
        mode: options.mode,
        dryRun: options.dryRun,
        reason: options.reason,
      }),
    apply: (tenantId: string, name: string, options: { mode?: string; dryRun?: boolean; reason?: string } = {}) =>
      ok<ImportResult>(
        gql(APPLY_TEMPLATE, { t: tenantId, name, mode: options.mode, dryRun: options.dryRun, reason: options.reason }),
        "applyConfigTemplate",
      ),
    seed: (tenantId: string, configs: Array<Record<string, unknown>>) =>
      ok<unknown[]>(gql(BATCH, { t: tenantId, configs }), "upsertProviderConfigs"),
    list: (tenantId: string) => ok<StoredView[]>(gql(LIST, { t: tenantId }), "providerConfigs"),
    history: async (tenantId: string) =>
      (
        await ok<{
          items: Array<{ providerName: string; version: number; changeType: string; changedBy: string; changeReason: string | null }>;
        }>(gql(HISTORY, { t: tenantId }), "configHistory")
      ).items,
    credentials: (configId: string) =>
      ok<{ apiKey: string | null; apiSecret: string | null }>(gql(CREDENTIALS, { id: configId }), "providerCredentials"),
  };
}

/** A stored config without what differs between tenants (ids, timestamps). */
export const portable = ({ id: _id, ...rest }: StoredView) => rest;

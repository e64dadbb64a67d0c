// The export's audit ordering (SPEC.md §11): an export with secrets is recorded before the document is returned,
// and a failed record returns no document. Fakes for the database and the sealer; the real rules.
import { describe, expect, it } from "vitest";
import type { Caller } from "../../domain/caller.js";
import type { Executor } from "../../infra/database/sql-executor.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { StoredConfig } from "../provider-config/provider-config.model.js";
import type { ProviderConfigRepository } from "../provider-config/provider-config.repository.js";
import { credentialContext } from "../provider-config/provider-config.rules.js";
import { ConfigExportService, type ExportedSecrets, type SecretExportAudit } from "./config-export.service.js";

const TENANT = "farm-1";
const reader = (tenants: string[], scopes: string[]): Caller =>
  ({ id: "alice", tenants: new Set(tenants), scopes: new Set(scopes) }) as Caller;
const ALL = reader([TENANT], ["config:read", "config:write", "secrets:read"]);

const stored = (providerType: string, providerName: string, priority: string, apiKey: string | null): StoredConfig =>
  ({
    id: `${providerType}-${providerName}`,
    tenantId: TENANT,
    providerType,
    providerName,
    priority,
    enabled: true,
    configData: { zoom: 3 },
    secretData: {},
    clearSecrets: {},
    apiKey: apiKey === null ? null : `sealed(${credentialContext(`${providerType}-${providerName}`, "apiKey")}):${apiKey}`,
    apiSecret: null,
    apiKeyHint: null,
    version: 1,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    createdBy: null,
    updatedBy: null,
  }) as StoredConfig;

const CONFIGS = [
  stored("SMS", "twilio", "PRIMARY", "sk-1"),
  stored("MAP", "osm_b", "SECONDARY", null),
  stored("MAP", "osm_a", "SECONDARY", null),
];

function exporter(audit: SecretExportAudit) {
  const unitOfWork = { read: (_scope: unknown, work: (db: Executor) => Promise<unknown>) => work({} as Executor) } as unknown as UnitOfWork;
  const repository = { listByTenants: async () => [...CONFIGS] } as unknown as ProviderConfigRepository;
  const sealer = {
    seal: (plain: string, context: string) => `sealed(${context}):${plain}`,
    open: (sealed: string, context: string) => {
      const prefix = `sealed(${context}):`;
      if (!sealed.startsWith(prefix)) throw new Error("wrong context");
      return sealed.slice(prefix.length);
    },
  };
  return new ConfigExportService({ unitOfWork, repository, sealer, audit, now: () => new Date("2026-01-02T03:04:05Z") });
}

class RecordingAudit implements SecretExportAudit {
  readonly calls: Array<{ caller: string; tenantId: string; requestId: string; configs: readonly ExportedSecrets[] }> = [];
  release: () => void = () => {};
  constructor(private readonly hold = false) {}
  recordSecretExport(caller: Caller, tenantId: string, requestId: string, configs: readonly ExportedSecrets[]): Promise<void> {
    this.calls.push({ caller: caller.id, tenantId, requestId, configs });
    return this.hold ? new Promise((resolve) => (this.release = resolve)) : Promise.resolve();
  }
}

describe("ConfigExportService", () => {
  it("exports in providerConfigs order, without any credential field unless asked, and audits nothing then", async () => {
    const audit = new RecordingAudit();
    const document = await exporter(audit).export(ALL, TENANT, false, "req-1");
    expect(document).toEqual({
      format: "provider-config/v1",
      tenantId: TENANT,
      exportedAt: "2026-01-02T03:04:05.000Z",
      configs: [
        { providerType: "MAP", providerName: "osm_a", priority: "SECONDARY", enabled: true, configData: { zoom: 3 } },
        { providerType: "MAP", providerName: "osm_b", priority: "SECONDARY", enabled: true, configData: { zoom: 3 } },
        { providerType: "SMS", providerName: "twilio", priority: "PRIMARY", enabled: true, configData: { zoom: 3 } },
      ],
    });
    expect(audit.calls).toEqual([]);
  });

  it("with secrets: credentials in clear (null when unset), after the audit record has completed", async () => {
    const audit = new RecordingAudit(true);
    let settled = false;
    const pending = exporter(audit)
      .export(ALL, TENANT, true, "req-2")
      .finally(() => {
        settled = true;
      });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(audit.calls).toEqual([
      {
        caller: "alice",
        tenantId: TENANT,
        requestId: "req-2",
        configs: [
          { configId: "MAP-osm_a", providerType: "MAP", providerName: "osm_a" },
          { configId: "MAP-osm_b", providerType: "MAP", providerName: "osm_b" },
          { configId: "SMS-twilio", providerType: "SMS", providerName: "twilio" },
        ],
      },
    ]);
    expect(settled).toBe(false);
    audit.release();
    const document = await pending;
    expect(document.configs.map((c) => [c.providerName, c.apiKey, c.apiSecret])).toEqual([
      ["osm_a", null, null],
      ["osm_b", null, null],
      ["twilio", "sk-1", null],
    ]);
  });

  it("returns no document when the audit record fails", async () => {
    const failing: SecretExportAudit = { recordSecretExport: () => Promise.reject(new Error("audit log down")) };
    await expect(exporter(failing).export(ALL, TENANT, true, "req-3")).rejects.toThrow("audit log down");
  });

  it("needs config:read, and secrets:read as well for secrets, for that tenant", async () => {
    const audit = new RecordingAudit();
    const readOnly = reader([TENANT], ["config:read"]);
    await expect(exporter(audit).export(readOnly, TENANT, false, "r")).resolves.toMatchObject({ tenantId: TENANT });
    await expect(exporter(audit).export(readOnly, TENANT, true, "r")).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(exporter(audit).export(reader([TENANT], ["secrets:read"]), TENANT, true, "r")).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(exporter(audit).export(ALL, "farm-2", false, "r")).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(audit.calls).toEqual([]);
  });
});

// importTenantConfig (SPEC.md §10.1): the document is read and checked whole (every problem at once, with its
// path), then applied through the provider-config write path in one transaction (ProviderConfigService.applyToTenant).
import type { JsonObject } from "../../domain/provider.js";
import { checkChangeReason, checkTenantId, validate } from "../../domain/validation.js";
import { assertTenantAccess, type Caller, Scope } from "../access/caller.js";
import type { ProviderConfigService, TenantApplyResult } from "../provider-config/provider-config.service.js";
import { readConfigDocument } from "./config-document.js";
import { ImportMode } from "./import-mode.js";

export const DEFAULT_IMPORT_REASON = "import";

export interface ImportRequest {
  tenantId: string;
  document: JsonObject;
  mode: ImportMode;
  dryRun: boolean;
  changeReason?: string | null;
}

export class ConfigImportService {
  constructor(private readonly configs: ProviderConfigService) {}

  async import(caller: Caller, request: ImportRequest): Promise<TenantApplyResult> {
    // Access first: a caller who may not write the tenant learns nothing about the document.
    assertTenantAccess(caller, request.tenantId, Scope.CONFIG_WRITE);
    const patches = validate((problems) => {
      checkTenantId(problems, request.tenantId);
      checkChangeReason(problems, request.changeReason);
      return readConfigDocument(problems, request.tenantId, request.document);
    });
    return this.configs.applyToTenant(
      caller,
      request.tenantId,
      patches.map((patch) => ({ patch })),
      { replace: request.mode === ImportMode.REPLACE, dryRun: request.dryRun, changeReason: request.changeReason ?? DEFAULT_IMPORT_REASON },
    );
  }
}

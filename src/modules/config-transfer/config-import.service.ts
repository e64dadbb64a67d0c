// importTenantConfig (SPEC.md §10.1): the document is read and checked whole (every problem at once, with its
// path), then applied through the provider-config write path in one transaction (ProviderConfigService.applyToTenant).

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import type { JsonObject } from "../../domain/provider.js";
import { checkChangeReason, checkTenantId, Problems, validate } from "../../domain/validation.js";
import type { ConfigDataSchemas } from "../provider-config/provider-config.input-rules.js";
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
  constructor(
    private readonly configs: ProviderConfigService,
    private readonly schemas: ConfigDataSchemas,
  ) {}

  async import(caller: Caller, request: ImportRequest): Promise<TenantApplyResult> {
    // Access first: a caller who may not write the tenant learns nothing about the document.
    assertTenantAccess(caller, request.tenantId, Scope.CONFIG_WRITE);
    validate((problems) => checkTenantId(problems, request.tenantId));
    const problems = new Problems();
    checkChangeReason(problems, request.changeReason);
    const entries = readConfigDocument(problems, request.tenantId, request.document, this.schemas);
    // Not thrown yet: planning against the stored configs adds its own problems (an enabled provider without a
    // key), and every problem of the document is reported at once. Nothing is written while there is any.
    return this.configs.applyToTenant(caller, request.tenantId, entries, {
      replace: request.mode === ImportMode.REPLACE,
      dryRun: request.dryRun,
      changeReason: request.changeReason ?? DEFAULT_IMPORT_REASON,
      problems,
    });
  }
}

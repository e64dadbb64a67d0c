// configTemplates and applyConfigTemplate (SPEC.md §10.2). A template is applied like an import of its entries,
// with one difference the spec asks for: a config the tenant already has keeps its credentials, its enabled flag
// and its configData (the template's enabled and configData are defaults for configs it creates; it sets the
// priority of all). So applying any template to any tenant succeeds: it never enables a provider without a key.

import { assertTenantAccess, type Caller, Scope } from "../../domain/caller.js";
import { checkChangeReason, checkTenantId, validate } from "../../domain/validation.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { ConfigDataSchemas } from "../provider-config/provider-config.input-rules.js";
import type { ProviderConfigService, TenantApplyResult } from "../provider-config/provider-config.service.js";
import type { TenantEntry } from "../provider-config/provider-config.tenant-plan.js";
import { type ConfigTemplate, checkTemplates } from "./config-template.js";
import { ImportMode } from "./import-mode.js";

export interface ApplyTemplateRequest {
  tenantId: string;
  template: string;
  mode: ImportMode;
  dryRun: boolean;
  changeReason?: string | null;
}

/** Names are short; a longer one is not echoed back whole. */
const MAX_ECHOED_NAME = 64;

export class ConfigTemplateService {
  private readonly byName: ReadonlyMap<string, ConfigTemplate>;

  constructor(
    private readonly templates: readonly ConfigTemplate[],
    private readonly configs: ProviderConfigService,
    schemas: ConfigDataSchemas,
  ) {
    checkTemplates(templates, schemas);
    this.byName = new Map(templates.map((template) => [template.name, template]));
  }

  list(): readonly ConfigTemplate[] {
    return this.templates;
  }

  async apply(caller: Caller, request: ApplyTemplateRequest): Promise<TenantApplyResult> {
    assertTenantAccess(caller, request.tenantId, Scope.CONFIG_WRITE);
    validate((problems) => {
      checkTenantId(problems, request.tenantId);
      checkChangeReason(problems, request.changeReason);
    });
    const template = this.byName.get(request.template);
    if (!template) {
      const shown = request.template.length > MAX_ECHOED_NAME ? `${request.template.slice(0, MAX_ECHOED_NAME)}…` : request.template;
      throw new AppError(ErrorCode.NOT_FOUND, `No config template named '${shown}'; configTemplates lists them.`, "template");
    }
    const entries: TenantEntry[] = template.entries.map((entry) => ({
      patch: { tenantId: request.tenantId, providerType: entry.providerType, providerName: entry.providerName, priority: entry.priority },
      onCreate: { enabled: entry.enabled, configData: entry.configData },
    }));
    return this.configs.applyToTenant(caller, request.tenantId, entries, {
      replace: request.mode === ImportMode.REPLACE,
      dryRun: request.dryRun,
      changeReason: request.changeReason ?? `template:${template.name}`,
    });
  }
}

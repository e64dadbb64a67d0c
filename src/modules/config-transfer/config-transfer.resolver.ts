// exportTenantConfig, importTenantConfig (SPEC.md §10.1): arguments in, service call, result out.
import { Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";
import type { TenantApplyResult } from "../provider-config/provider-config.service.js";
import type { ConfigDocument } from "./config-document.js";
import type { ConfigExportService } from "./config-export.service.js";
import type { ConfigImportService } from "./config-import.service.js";
import { applyOptionsOf, ExportTenantConfigArgs, ImportTenantConfigArgs, TRANSFER_DEFAULTS } from "./config-transfer.args.js";
import { ImportResultType } from "./config-transfer.type.js";

@Resolver()
export class ConfigTransferResolver {
  constructor(
    private readonly exporter: ConfigExportService,
    private readonly importer: ConfigImportService,
  ) {}

  @Query(() => JSONObjectScalar, { description: "v2: a portable document of the tenant's configs (SPEC.md 10.1)." })
  exportTenantConfig(
    @Args(() => ExportTenantConfigArgs) args: ExportTenantConfigArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ConfigDocument> {
    return this.exporter.export(ctx.caller, args.tenantId, args.includeSecrets ?? TRANSFER_DEFAULTS.includeSecrets, ctx.requestId);
  }

  @Mutation(() => ImportResultType, {
    description: "v2: create/update/delete the tenant's configs from an exported document, atomically (SPEC.md 10.1).",
  })
  importTenantConfig(
    @Args(() => ImportTenantConfigArgs) args: ImportTenantConfigArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<TenantApplyResult> {
    return this.importer.import(ctx.caller, { tenantId: args.tenantId, document: args.document, ...applyOptionsOf(args) });
  }
}

// configTemplates, applyConfigTemplate (SPEC.md §10.2). Listing templates concerns no tenant: a valid token suffices.
import { Args, Ctx, Extensions, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { LIST_SIZE_EXTENSION } from "../../graphql/limits/cost-limit.plugin.js";
import type { TenantApplyResult } from "../provider-config/provider-config.service.js";
import { type ConfigTemplate, TEMPLATE_LIST_SIZE } from "./config-template.js";
import type { ConfigTemplateService } from "./config-template.service.js";
import { ApplyConfigTemplateArgs, applyOptionsOf } from "./config-transfer.args.js";
import { ConfigTemplateType, ImportResultType } from "./config-transfer.type.js";

@Resolver()
export class ConfigTemplateResolver {
  constructor(private readonly templates: ConfigTemplateService) {}

  @Query(() => [ConfigTemplateType], { description: "v2: the built-in templates (SPEC.md 10.2)." })
  @Extensions({ [LIST_SIZE_EXTENSION]: TEMPLATE_LIST_SIZE })
  configTemplates(): readonly ConfigTemplate[] {
    return this.templates.list();
  }

  @Mutation(() => ImportResultType, { description: "v2: apply a built-in template like an import (SPEC.md 10.2)." })
  applyConfigTemplate(
    @Args(() => ApplyConfigTemplateArgs) args: ApplyConfigTemplateArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<TenantApplyResult> {
    return this.templates.apply(ctx.caller, { tenantId: args.tenantId, template: args.template, ...applyOptionsOf(args) });
  }
}

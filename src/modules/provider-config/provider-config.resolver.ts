import { Arg, Args, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { UUIDScalar } from "../../graphql/scalars.js";
import { DeleteProviderConfigArgs, ProviderConfigsArgs, ResetTenantConfigArgs, UpsertProviderConfigsArgs } from "./provider-config.args.js";
import { UpsertProviderConfigInput } from "./provider-config.input.js";
import type { CredentialsRecord, ProviderConfigRecord } from "./provider-config.model.js";
import type { ProviderConfigQueries } from "./provider-config.queries.js";
import type { DeletedConfig, ProviderConfigService } from "./provider-config.service.js";
import { DeletedProviderConfigType, ProviderConfigType, ProviderCredentialsType, TenantConfigType } from "./provider-config.type.js";
import type { TenantConfigRecord } from "./tenant-config.model.js";

@Resolver(() => ProviderConfigType)
export class ProviderConfigResolver {
  constructor(
    private readonly queries: ProviderConfigQueries,
    private readonly service: ProviderConfigService,
  ) {}

  @Query(() => [ProviderConfigType], {
    description: "The tenant's stored configs, ordered by type, then priority (PRIMARY first), then name.",
  })
  providerConfigs(@Args(() => ProviderConfigsArgs) args: ProviderConfigsArgs, @Ctx() ctx: RequestContext): Promise<ProviderConfigRecord[]> {
    return this.queries.list(ctx.caller, ctx.loaders.configs, args.tenantId, { providerType: args.providerType, enabled: args.enabled });
  }

  @Query(() => ProviderConfigType, { nullable: true })
  providerConfig(@Arg("id", () => UUIDScalar) id: string, @Ctx() ctx: RequestContext): Promise<ProviderConfigRecord | null> {
    return this.queries.get(ctx.caller, ctx.loaders.configs, id);
  }

  @Query(() => TenantConfigType)
  tenantConfig(@Arg("tenantId", () => String) tenantId: string, @Ctx() ctx: RequestContext): Promise<TenantConfigRecord> {
    return this.queries.tenantConfig(ctx.caller, ctx.loaders.configs, tenantId);
  }

  @Query(() => ProviderCredentialsType)
  providerCredentials(@Arg("configId", () => UUIDScalar) configId: string, @Ctx() ctx: RequestContext): Promise<CredentialsRecord> {
    return this.queries.credentials(ctx.caller, configId, ctx.requestId);
  }

  @Mutation(() => ProviderConfigType)
  upsertProviderConfig(
    @Arg("input", () => UpsertProviderConfigInput) input: UpsertProviderConfigInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderConfigRecord> {
    return this.service.upsert(ctx.caller, input);
  }

  @Mutation(() => [ProviderConfigType], { description: "All or nothing: every patch is applied in one transaction, or none is." })
  upsertProviderConfigs(
    @Args(() => UpsertProviderConfigsArgs) args: UpsertProviderConfigsArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderConfigRecord[]> {
    return this.service.upsertMany(ctx.caller, args.tenantId, args.configs, args.changeReason);
  }

  @Mutation(() => DeletedProviderConfigType)
  deleteProviderConfig(
    @Args(() => DeleteProviderConfigArgs) args: DeleteProviderConfigArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<DeletedConfig> {
    return this.service.delete(ctx.caller, args.id, args.expectedVersion, args.changeReason);
  }

  @Mutation(() => Int, {
    description: "Deletes every config of the tenant (each gets a DELETED history entry). Returns how many were deleted.",
  })
  resetTenantConfig(@Args(() => ResetTenantConfigArgs) args: ResetTenantConfigArgs, @Ctx() ctx: RequestContext): Promise<number> {
    return this.service.reset(ctx.caller, args.tenantId, args.changeReason);
  }
}

import { Arg, Ctx, Int, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderType } from "../../graphql/enums.js";
import { UUIDScalar } from "../../graphql/scalars.js";
import { ProviderConfigPatchInput, UpsertProviderConfigInput } from "./provider-config.input.js";
import type { ProviderConfigRecord } from "./provider-config.model.js";
import type { ProviderConfigQueries } from "./provider-config.queries.js";
import type { ProviderConfigService } from "./provider-config.service.js";
import { DeletedProviderConfigType, ProviderConfigType, ProviderCredentialsType, TenantConfigType } from "./provider-config.type.js";

@Resolver(() => ProviderConfigType)
export class ProviderConfigResolver {
  constructor(
    private readonly queries: ProviderConfigQueries,
    private readonly service: ProviderConfigService,
  ) {}

  @Query(() => [ProviderConfigType], {
    description: "The tenant's stored configs, ordered by type, then priority (PRIMARY first), then name.",
  })
  providerConfigs(
    @Arg("tenantId", () => String) tenantId: string,
    @Arg("providerType", () => ProviderType, { nullable: true }) providerType: ProviderType | null,
    @Arg("enabled", () => Boolean, { nullable: true }) enabled: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderConfigRecord[]> {
    return this.queries.list(ctx.caller, ctx.loaders.configs, tenantId, { providerType, enabled });
  }

  @Query(() => ProviderConfigType, { nullable: true })
  providerConfig(@Arg("id", () => UUIDScalar) id: string, @Ctx() ctx: RequestContext): Promise<ProviderConfigRecord | null> {
    return this.queries.get(ctx.caller, ctx.loaders.configs, id);
  }

  @Query(() => TenantConfigType)
  tenantConfig(@Arg("tenantId", () => String) tenantId: string, @Ctx() ctx: RequestContext) {
    return this.queries.tenantConfig(ctx.caller, ctx.loaders.configs, tenantId);
  }

  @Query(() => ProviderCredentialsType)
  providerCredentials(@Arg("configId", () => UUIDScalar) configId: string, @Ctx() ctx: RequestContext) {
    return this.queries.credentials(ctx.caller, configId);
  }

  @Mutation(() => ProviderConfigType)
  upsertProviderConfig(@Arg("input", () => UpsertProviderConfigInput) input: UpsertProviderConfigInput, @Ctx() ctx: RequestContext) {
    return this.service.upsert(ctx.caller, input);
  }

  @Mutation(() => [ProviderConfigType], { description: "All or nothing: every patch is applied in one transaction, or none is." })
  upsertProviderConfigs(
    @Arg("tenantId", () => String) tenantId: string,
    @Arg("configs", () => [ProviderConfigPatchInput]) configs: ProviderConfigPatchInput[],
    @Arg("changeReason", () => String, { nullable: true }) changeReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.upsertMany(ctx.caller, tenantId, configs, changeReason);
  }

  @Mutation(() => DeletedProviderConfigType)
  deleteProviderConfig(
    @Arg("id", () => UUIDScalar) id: string,
    @Arg("expectedVersion", () => Int, { nullable: true }) expectedVersion: number | null,
    @Arg("changeReason", () => String, { nullable: true }) changeReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.delete(ctx.caller, id, expectedVersion, changeReason);
  }

  @Mutation(() => Int, {
    description: "Deletes every config of the tenant (each gets a DELETED history entry). Returns how many were deleted.",
  })
  resetTenantConfig(
    @Arg("tenantId", () => String) tenantId: string,
    @Arg("changeReason", () => String, { nullable: true }) changeReason: string | null,
    @Ctx() ctx: RequestContext,
  ) {
    return this.service.reset(ctx.caller, tenantId, changeReason);
  }
}

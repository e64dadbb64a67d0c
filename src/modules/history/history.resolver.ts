import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderType } from "../../graphql/enums.js";
import { UUIDScalar } from "../../graphql/scalars.js";
import type { ProviderConfigRecord } from "../provider-config/provider-config.model.js";
import { ProviderConfigType } from "../provider-config/provider-config.type.js";
import type { ConfigVersionRecord } from "./config-version.model.js";
import { ConfigHistoryPageType, ConfigVersionType } from "./config-version.type.js";
import { checkHistoryLimit, type HistoryPage, type HistoryService } from "./history.service.js";
import type { RollbackService } from "./rollback.service.js";

@Resolver(() => ProviderConfigType)
export class HistoryResolver {
  constructor(
    private readonly historyService: HistoryService,
    private readonly rollbacks: RollbackService,
  ) {}

  @Query(() => ConfigHistoryPageType, { description: "Newest first; limit 1..500." })
  configHistory(
    @Arg("tenantId", () => String) tenantId: string,
    @Arg("providerType", () => ProviderType, { nullable: true }) providerType: ProviderType | null,
    @Arg("providerName", () => String, { nullable: true }) providerName: string | null,
    @Arg("configId", () => UUIDScalar, { nullable: true }) configId: string | null,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 100 }) limit: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<HistoryPage> {
    const filter = {
      tenantId,
      providerType: providerType ?? undefined,
      providerName: providerName ?? undefined,
      configId: configId ?? undefined,
    };
    return this.historyService.page(ctx.caller, filter, limit ?? 100, after);
  }

  @Mutation(() => ProviderConfigType, {
    description: "Restores the snapshot of that version (also of a deleted config) as a new version with change type ROLLED_BACK.",
  })
  rollbackProviderConfig(
    @Arg("configId", () => UUIDScalar) configId: string,
    @Arg("version", () => Int) version: number,
    @Arg("changeReason", () => String, { nullable: true }) changeReason: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderConfigRecord> {
    return this.rollbacks.rollback(ctx.caller, configId, version, changeReason);
  }

  @FieldResolver(() => [ConfigVersionType], { description: "Newest first." })
  history(
    @Root() config: ProviderConfigRecord,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) limit: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ConfigVersionRecord[]> {
    checkHistoryLimit(limit ?? 20);
    return ctx.loaders.history.load({ configId: config.id, limit: limit ?? 20 });
  }
}

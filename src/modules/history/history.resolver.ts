import { Arg, Args, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import type { ProviderConfigRecord } from "../provider-config/provider-config.model.js";
import { ProviderConfigType } from "../provider-config/provider-config.type.js";
import type { ConfigDiffRecord } from "./config-diff.js";
import type { ConfigDiffService } from "./config-diff.service.js";
import { ConfigDiffType } from "./config-diff.type.js";
import type { ConfigVersionRecord } from "./config-version.model.js";
import { ConfigHistoryPageType, ConfigVersionType } from "./config-version.type.js";
import {
  ConfigDiffArgs,
  ConfigHistoryArgs,
  DEFAULT_CONFIG_HISTORY_LIMIT,
  DEFAULT_HISTORY_PAGE_LIMIT,
  RollbackProviderConfigArgs,
  TenantConfigAtArgs,
} from "./history.args.js";
import type { HistoryPage, HistoryService } from "./history.service.js";
import type { RollbackService } from "./rollback.service.js";

@Resolver(() => ProviderConfigType)
export class HistoryResolver {
  constructor(
    private readonly historyService: HistoryService,
    private readonly rollbacks: RollbackService,
    private readonly diffs: ConfigDiffService,
  ) {}

  @Query(() => ConfigHistoryPageType, { description: "Newest first; limit 1..500." })
  configHistory(@Args(() => ConfigHistoryArgs) args: ConfigHistoryArgs, @Ctx() ctx: RequestContext): Promise<HistoryPage> {
    const filter = {
      tenantId: args.tenantId,
      providerType: args.providerType ?? undefined,
      providerName: args.providerName ?? undefined,
      configId: args.configId ?? undefined,
      changeTypes: args.changeTypes ?? undefined,
      changedBy: args.changedBy ?? undefined,
      from: args.from ?? undefined,
      to: args.to ?? undefined,
    };
    return this.historyService.page(ctx.caller, ctx.loaders.historyPages, filter, args.limit ?? DEFAULT_HISTORY_PAGE_LIMIT, args.after);
  }

  @Query(() => ConfigDiffType, { description: "v2: changes between two versions of one config (SPEC.md 11)." })
  configDiff(@Args(() => ConfigDiffArgs) args: ConfigDiffArgs, @Ctx() ctx: RequestContext): Promise<ConfigDiffRecord> {
    return this.diffs.diff(ctx.caller, ctx.loaders.snapshots, args.configId, args.fromVersion, args.toVersion);
  }

  @Query(() => [ConfigVersionType], { description: "v2: every config of the tenant as it was at that instant (SPEC.md 11)." })
  tenantConfigAt(@Args(() => TenantConfigAtArgs) args: TenantConfigAtArgs, @Ctx() ctx: RequestContext): Promise<ConfigVersionRecord[]> {
    return this.historyService.configsAt(ctx.caller, ctx.loaders.configsAt, args.tenantId, args.at);
  }

  @Mutation(() => ProviderConfigType, {
    description: "Restores the snapshot of that version (also of a deleted config) as a new version with change type ROLLED_BACK.",
  })
  rollbackProviderConfig(
    @Args(() => RollbackProviderConfigArgs) args: RollbackProviderConfigArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderConfigRecord> {
    return this.rollbacks.rollback(ctx.caller, args.configId, args.version, args.changeReason);
  }

  @FieldResolver(() => [ConfigVersionType], { description: "Newest first." })
  history(
    @Root() config: ProviderConfigRecord,
    @Arg("limit", () => Int, { nullable: true, defaultValue: DEFAULT_CONFIG_HISTORY_LIMIT }) limit: number | null,
    @Ctx() ctx: RequestContext,
  ): Promise<ConfigVersionRecord[]> {
    return this.historyService.recent(ctx.caller, ctx.loaders.history, config.id, limit ?? DEFAULT_CONFIG_HISTORY_LIMIT);
  }
}

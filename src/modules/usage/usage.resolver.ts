import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderUsageArgs, RateLimitStatusArgs } from "./usage.args.js";
import { ProviderUsageInput } from "./usage.input.js";
import type { ProviderUsageRecord, RateLimitStatusRecord, UsageReceipt } from "./usage.model.js";
import type { UsageQueries } from "./usage.queries.js";
import type { UsageService } from "./usage.service.js";
import { ProviderUsageType, RateLimitStatusType, UsageGranularity, UsageReceiptType } from "./usage.type.js";

@Resolver()
export class UsageResolver {
  constructor(
    private readonly usage: UsageService,
    private readonly queries: UsageQueries,
  ) {}

  @Mutation(() => UsageReceiptType, {
    description: "v2: record provider usage reported by calling services; at most 1000 records (SPEC.md 12).",
  })
  recordProviderUsage(
    @Arg("usage", () => [ProviderUsageInput]) usage: ProviderUsageInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<UsageReceipt> {
    return this.usage.record(ctx.caller, usage);
  }

  @Query(() => [ProviderUsageType], {
    description: "v2: recorded usage and its estimated cost, per time bucket and provider (SPEC.md 12).",
  })
  providerUsage(@Args(() => ProviderUsageArgs) args: ProviderUsageArgs, @Ctx() ctx: RequestContext): Promise<ProviderUsageRecord[]> {
    return this.queries.providerUsage(ctx.caller, {
      tenantId: args.tenantId,
      from: args.from,
      to: args.to,
      granularity: args.granularity ?? UsageGranularity.DAY,
      providerType: args.providerType ?? undefined,
    });
  }

  @Query(() => RateLimitStatusType, { description: "v2: use of the provider's per-minute limit in the current minute (SPEC.md 12)." })
  rateLimitStatus(@Args(() => RateLimitStatusArgs) args: RateLimitStatusArgs, @Ctx() ctx: RequestContext): Promise<RateLimitStatusRecord> {
    return this.queries.rateLimitStatus(ctx.caller, {
      tenantId: args.tenantId,
      providerType: args.providerType,
      providerName: args.providerName,
    });
  }
}

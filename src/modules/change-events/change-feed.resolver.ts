import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ConfigChangesArgs, DEFAULT_CHANGE_PAGE_LIMIT } from "./change-event.args.js";
import type { ChangePageRecord } from "./change-event.model.js";
import { ConfigChangePageType } from "./change-event.type.js";
import type { ChangeFeedService } from "./change-feed.service.js";

@Resolver()
export class ChangeFeedResolver {
  constructor(private readonly feed: ChangeFeedService) {}

  @Query(() => ConfigChangePageType, {
    description: "v2: the tenant's changes oldest first, after a cursor (a changes feed for callers that poll; SPEC.md 9).",
  })
  configChanges(@Args(() => ConfigChangesArgs) args: ConfigChangesArgs, @Ctx() ctx: RequestContext): Promise<ChangePageRecord> {
    const filter = { tenantId: args.tenantId, providerType: args.providerType ?? undefined };
    return this.feed.page(ctx.caller, filter, args.after, args.limit ?? DEFAULT_CHANGE_PAGE_LIMIT);
  }
}

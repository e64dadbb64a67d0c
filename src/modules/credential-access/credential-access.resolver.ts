import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { CredentialAccessLogArgs, DEFAULT_ACCESS_LOG_LIMIT } from "./credential-access.args.js";
import type { CredentialAccessPage, CredentialAccessService } from "./credential-access.service.js";
import { CredentialAccessPageType } from "./credential-access.type.js";

@Resolver()
export class CredentialAccessResolver {
  constructor(private readonly service: CredentialAccessService) {}

  @Query(() => CredentialAccessPageType, {
    description: "v2: who read which credentials, newest first; limit 1..500; needs audit:read (SPEC.md 11).",
  })
  credentialAccessLog(
    @Args(() => CredentialAccessLogArgs) args: CredentialAccessLogArgs,
    @Ctx() ctx: RequestContext,
  ): Promise<CredentialAccessPage> {
    return this.service.page(ctx.caller, ctx.loaders.accessLog, args.tenantId, args.limit ?? DEFAULT_ACCESS_LOG_LIMIT, args.after);
  }
}

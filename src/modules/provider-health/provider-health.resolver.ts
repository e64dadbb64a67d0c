import { Arg, Args, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderCheckInput, ProviderHealthArgs } from "./provider-health.input.js";
import type { ProviderHealthRecord } from "./provider-health.model.js";
import type { ProviderHealthService } from "./provider-health.service.js";
import { ProviderHealthType } from "./provider-health.type.js";

@Resolver()
export class ProviderHealthResolver {
  constructor(private readonly service: ProviderHealthService) {}

  @Mutation(() => ProviderHealthType)
  checkProviderHealth(
    @Arg("input", () => ProviderCheckInput) input: ProviderCheckInput,
    @Ctx() ctx: RequestContext,
  ): Promise<ProviderHealthRecord> {
    return this.service.check(ctx.caller, input);
  }

  @Query(() => ProviderHealthType, { nullable: true, description: "The last health check result of a provider; null when never checked." })
  providerHealth(@Args(() => ProviderHealthArgs) args: ProviderHealthArgs): Promise<ProviderHealthRecord | null> {
    return this.service.get(args.providerType, args.providerName);
  }
}

// Catalog queries of contract.graphql: arguments in, service call, result out. Rules live in the service.
import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ARG_DEFAULTS, FailoverChainArgs, ProviderCatalogArgs, RecommendProvidersArgs, SelectProvidersArgs } from "./catalog.args.js";
import type { ProviderInfo } from "./catalog.model.js";
import type { CatalogService } from "./catalog.service.js";
import { FailoverChainType, ProviderInfoType, ProviderSelectionType, RecommendationsType } from "./catalog.type.js";
import type { FailoverChain } from "./failover.js";
import type { Recommendations } from "./recommendation.js";
import type { ProviderSelection } from "./selection.js";

// The service knows only "absent"; GraphQL also has an explicit null, which means the same here.
const absent = <T>(value: T | null | undefined): T | undefined => value ?? undefined;

@Resolver()
export class CatalogResolver {
  constructor(private readonly catalogService: CatalogService) {}

  @Query(() => [ProviderInfoType])
  providerCatalog(@Args(() => ProviderCatalogArgs) args: ProviderCatalogArgs): ProviderInfo[] {
    return this.catalogService.listProviders(absent(args.providerType));
  }

  @Query(() => FailoverChainType, { description: "skipUnhealthy: providers last seen UNAVAILABLE or ERROR go to the end of the chain." })
  failoverChain(@Ctx() ctx: RequestContext, @Args(() => FailoverChainArgs) args: FailoverChainArgs): Promise<FailoverChain> {
    const { providerType, tenantId, country, skipUnhealthy } = args;
    return this.catalogService.failoverChain(ctx.caller, ctx.loaders.tenantProviders, {
      providerType,
      tenantId: absent(tenantId),
      country: absent(country),
      skipUnhealthy: skipUnhealthy ?? ARG_DEFAULTS.skipUnhealthy,
    });
  }

  @Query(() => ProviderSelectionType)
  selectProviders(@Args(() => SelectProvidersArgs) args: SelectProvidersArgs): ProviderSelection {
    return this.catalogService.selectProviders({
      providerType: args.providerType,
      country: absent(args.country),
      includeFallback: args.includeFallback ?? ARG_DEFAULTS.includeFallback,
    });
  }

  @Query(() => RecommendationsType)
  recommendProviders(@Args(() => RecommendProvidersArgs) args: RecommendProvidersArgs): Recommendations {
    const { budget, useCase, offlineRequired } = args;
    return this.catalogService.recommendProviders({
      budget,
      useCase: useCase ?? ARG_DEFAULTS.useCase,
      offlineRequired: offlineRequired ?? ARG_DEFAULTS.offlineRequired,
    });
  }
}

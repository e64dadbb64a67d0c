// Arguments of the catalog queries as in contract.graphql. ArgsType classes rather than one @Arg per parameter:
// type-graphql emits separate @Arg parameters in reverse order, and the emitted schema should read like the contract.
// Nullable-with-default arguments still arrive as null when a client sends null explicitly; the resolver maps that.
import { ArgsType, Field } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { Budget } from "./budget.enum.js";

/** The contract's argument defaults; the resolver also applies them to an explicit null. */
export const ARG_DEFAULTS = { skipUnhealthy: false, includeFallback: true, useCase: "agricultural", offlineRequired: true } as const;

@ArgsType()
export class ProviderCatalogArgs {
  @Field(() => ProviderType, { nullable: true })
  providerType?: ProviderType | null;
}

@ArgsType()
export class FailoverChainArgs {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String, { nullable: true })
  tenantId?: string | null;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: ARG_DEFAULTS.skipUnhealthy })
  skipUnhealthy?: boolean | null;
}

@ArgsType()
export class SelectProvidersArgs {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String, { nullable: true })
  country?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: ARG_DEFAULTS.includeFallback })
  includeFallback?: boolean | null;
}

@ArgsType()
export class RecommendProvidersArgs {
  @Field(() => Budget)
  budget!: Budget;

  @Field(() => String, { nullable: true, defaultValue: ARG_DEFAULTS.useCase })
  useCase?: string | null;

  @Field(() => Boolean, { nullable: true, defaultValue: ARG_DEFAULTS.offlineRequired })
  offlineRequired?: boolean | null;
}

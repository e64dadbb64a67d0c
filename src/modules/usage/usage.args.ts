// Arguments of the usage queries, in contract order. A nullable argument with a default still arrives as null
// when a client sends null explicitly: the resolver maps that to the default.
import { ArgsType, Field } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar } from "../../graphql/scalars.js";
import { UsageGranularity } from "./usage.type.js";

@ArgsType()
export class ProviderUsageArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => DateTimeScalar)
  from!: Date;

  @Field(() => DateTimeScalar)
  to!: Date;

  @Field(() => UsageGranularity, { nullable: true, defaultValue: UsageGranularity.DAY })
  granularity?: UsageGranularity | null;

  @Field(() => ProviderType, { nullable: true })
  providerType?: ProviderType | null;
}

@ArgsType()
export class RateLimitStatusArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;
}

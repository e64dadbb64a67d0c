import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar } from "../../graphql/scalars.js";
import { UsageGranularity } from "./usage.model.js";

registerEnumType(UsageGranularity, { name: "UsageGranularity", description: "v2" });

export { UsageGranularity };

@ObjectType("UsageReceipt", { description: "v2" })
export class UsageReceiptType {
  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  duplicates!: number;
}

@ObjectType("ProviderUsage", { description: "v2" })
export class ProviderUsageType {
  @Field(() => DateTimeScalar)
  start!: Date;

  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => Float)
  quantity!: number;

  @Field(() => Int)
  events!: number;

  @Field(() => Float)
  estimatedCostUsd!: number;
}

@ObjectType("RateLimitStatus", { description: "v2" })
export class RateLimitStatusType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => Int, { nullable: true, description: "From the catalog; null when the provider has none." })
  limitPerMinute!: number | null;

  @Field(() => Float)
  usedThisMinute!: number;

  @Field(() => Float, { nullable: true, description: "null when there is no limit." })
  remaining!: number | null;

  @Field(() => DateTimeScalar)
  resetAt!: Date;
}

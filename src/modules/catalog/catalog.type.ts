// GraphQL shapes of the catalog queries (contract.graphql). Resolvers return the domain objects as they are.
import { Field, Int, ObjectType } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { ProviderPriority, ProviderType } from "../../graphql/enums.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";
import type { ProviderHealthRecord } from "../provider-health/provider-health.model.js";
import { ProviderHealthType } from "../provider-health/provider-health.type.js";
import { Budget } from "./budget.enum.js";

@ObjectType("ProviderInfo", { description: "Static facts about one provider from the catalog." })
export class ProviderInfoType {
  @Field(() => String)
  id!: string;

  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  nameAr!: string;

  @Field(() => Boolean)
  requiresApiKey!: boolean;

  @Field(() => ProviderPriority)
  defaultPriority!: ProviderPriority;

  @Field(() => String, { nullable: true })
  baseUrl!: string | null;

  @Field(() => JSONObjectScalar, { description: "Every other catalog attribute (costs, countries, zoom, indices ...) as in SPEC.md." })
  details!: JsonObject;

  @Field(() => JSONObjectScalar, {
    description:
      'v2: JSON Schema (draft 2020-12) that configData of this provider must satisfy (SPEC.md 10.3); "x-secret": true marks a secret field.',
  })
  configSchema!: JsonObject;
}

@ObjectType("FailoverEntry")
export class FailoverEntryType {
  @Field(() => Int)
  order!: number;

  @Field(() => String)
  providerName!: string;

  @Field(() => ProviderPriority)
  priority!: ProviderPriority;

  @Field(() => Boolean, { description: "True when it comes from the tenant's stored configs, false when from catalog defaults." })
  configured!: boolean;

  @Field(() => ProviderInfoType, { nullable: true })
  provider!: ProviderInfoType | null;

  @Field(() => ProviderHealthType, {
    nullable: true,
    description: "The last health check result of this provider; null when never checked.",
  })
  health!: ProviderHealthRecord | null;

  // An addition to the contract: without it a client cannot tell a demoted provider from a low-priority one.
  @Field(() => Boolean, {
    description: "True when skipUnhealthy moved this provider to the end because its last check was UNAVAILABLE or ERROR.",
  })
  skipped!: boolean;
}

@ObjectType("FailoverChain")
export class FailoverChainType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => String, { nullable: true })
  tenantId!: string | null;

  @Field(() => [FailoverEntryType])
  entries!: FailoverEntryType[];
}

@ObjectType("ProviderSelection")
export class ProviderSelectionType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String, { nullable: true })
  country!: string | null;

  @Field(() => [ProviderInfoType])
  selected!: ProviderInfoType[];

  @Field(() => [ProviderInfoType])
  fallbackProviders!: ProviderInfoType[];
}

@ObjectType("Recommendation")
export class RecommendationType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => String)
  reasonAr!: string;
}

@ObjectType("Recommendations")
export class RecommendationsType {
  @Field(() => Budget)
  budget!: Budget;

  @Field(() => String)
  useCase!: string;

  @Field(() => Boolean)
  offlineRequired!: boolean;

  @Field(() => [RecommendationType])
  map!: RecommendationType[];

  @Field(() => [RecommendationType])
  weather!: RecommendationType[];

  @Field(() => [RecommendationType])
  satellite!: RecommendationType[];
}

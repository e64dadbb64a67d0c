import { Field, Int, ObjectType } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { ChangeType, ProviderPriority, ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar, JSONObjectScalar, UUIDScalar } from "../../graphql/scalars.js";

@ObjectType("ConfigVersion", { description: "A snapshot of a config taken at one change. Secrets are never returned here." })
export class ConfigVersionType {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => ProviderPriority)
  priority!: ProviderPriority;

  @Field(() => Boolean)
  enabled!: boolean;

  @Field(() => JSONObjectScalar)
  configData!: JsonObject;

  @Field(() => Boolean)
  hasApiKey!: boolean;

  @Field(() => Int)
  version!: number;

  @Field(() => ChangeType)
  changeType!: ChangeType;

  @Field(() => DateTimeScalar)
  changedAt!: Date;

  @Field(() => String, { nullable: true })
  changedBy!: string | null;

  @Field(() => String, { nullable: true })
  changeReason!: string | null;
}

@ObjectType("ConfigHistoryPage")
export class ConfigHistoryPageType {
  @Field(() => [ConfigVersionType])
  items!: ConfigVersionType[];

  @Field(() => String, { nullable: true, description: "Pass as 'after' to get the next page; null on the last page." })
  nextCursor!: string | null;
}

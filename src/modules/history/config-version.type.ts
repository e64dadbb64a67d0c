import { Field, Int, ObjectType } from "type-graphql";
import { ChangeType } from "../../graphql/enums.js";
import { DateTimeScalar, UUIDScalar } from "../../graphql/scalars.js";
import { ProviderSettingsFields } from "../provider-config/provider-settings.type.js";

@ObjectType("ConfigVersion", { description: "A snapshot of a config taken at one change. Secrets are never returned here." })
export class ConfigVersionType extends ProviderSettingsFields {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => String)
  tenantId!: string;

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

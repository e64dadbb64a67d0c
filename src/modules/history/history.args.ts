// Arguments of the history operations, in contract order (see provider-config.args.ts for why ArgsType).
// Nullable arguments with a default still arrive as null when a client sends null explicitly: resolvers map
// that to the default.
import { ArgsType, Field, Int } from "type-graphql";
import { ChangeType, ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar, UUIDScalar } from "../../graphql/scalars.js";

export const DEFAULT_HISTORY_PAGE_LIMIT = 100;
export const DEFAULT_CONFIG_HISTORY_LIMIT = 20;

@ArgsType()
export class ConfigHistoryArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType, { nullable: true })
  providerType?: ProviderType | null;

  @Field(() => String, { nullable: true })
  providerName?: string | null;

  @Field(() => UUIDScalar, { nullable: true })
  configId?: string | null;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_HISTORY_PAGE_LIMIT })
  limit?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;

  @Field(() => [ChangeType], { nullable: true, description: "v2: only these change types (an empty list matches nothing)." })
  changeTypes?: ChangeType[] | null;

  @Field(() => String, { nullable: true, description: "v2: only changes by this caller (token sub)." })
  changedBy?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "v2: changedAt >= from." })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "v2: changedAt < to." })
  to?: Date | null;
}

@ArgsType()
export class ConfigDiffArgs {
  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => Int)
  fromVersion!: number;

  @Field(() => Int)
  toVersion!: number;
}

@ArgsType()
export class TenantConfigAtArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => DateTimeScalar)
  at!: Date;
}

@ArgsType()
export class RollbackProviderConfigArgs {
  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => Int)
  version!: number;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

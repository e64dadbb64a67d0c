// Arguments of the history operations, in contract order (see provider-config.args.ts for why ArgsType).
// Nullable arguments with a default still arrive as null when a client sends null explicitly: resolvers map
// that to the default.
import { ArgsType, Field, Int } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { UUIDScalar } from "../../graphql/scalars.js";

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

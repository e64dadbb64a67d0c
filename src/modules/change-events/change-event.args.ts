// Arguments of providerConfigChanged and configChanges, in contract order (inherited fields come first).
import { ArgsType, Field, Int } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";

export const DEFAULT_CHANGE_PAGE_LIMIT = 100;

@ArgsType()
export class ProviderConfigChangedArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType, { nullable: true })
  providerType?: ProviderType | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@ArgsType()
export class ConfigChangesArgs extends ProviderConfigChangedArgs {
  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_CHANGE_PAGE_LIMIT })
  limit?: number | null;
}

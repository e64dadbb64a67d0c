import { ArgsType, Field, InputType } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";

@InputType("ProviderCheckInput")
export class ProviderCheckInput {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => String, { nullable: true, description: "Used for this one check only; never stored or logged." })
  apiKey?: string | null;
}

/** providerHealth's arguments in contract order (type-graphql emits separate @Arg parameters reversed). */
@ArgsType()
export class ProviderHealthArgs {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;
}

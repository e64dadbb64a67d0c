// Arguments of the provider-config operations, in contract order. ArgsType classes rather than one @Arg per
// parameter: type-graphql emits separate @Arg parameters in reverse order, and schema.graphql should read like
// the contract.
import { ArgsType, Field, Int } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { UUIDScalar } from "../../graphql/scalars.js";
import { ProviderConfigPatchInput } from "./provider-config.input.js";

@ArgsType()
export class ProviderConfigsArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType, { nullable: true })
  providerType?: ProviderType | null;

  @Field(() => Boolean, { nullable: true })
  enabled?: boolean | null;
}

@ArgsType()
export class UpsertProviderConfigsArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => [ProviderConfigPatchInput])
  configs!: ProviderConfigPatchInput[];

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

@ArgsType()
export class DeleteProviderConfigArgs {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

@ArgsType()
export class ResetTenantConfigArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

import { Field, InputType, Int } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { ProviderPriority, ProviderType } from "../../graphql/enums.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";

// Omitted fields stay absent on the instance type-graphql builds (it copies only given keys), which is how
// "omitted keeps the stored value" and "null removes the key" are told apart.

@InputType("ProviderConfigPatch", { description: "One provider inside a batch write for one tenant and type." })
export class ProviderConfigPatchInput {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => ProviderPriority, { nullable: true, description: "Omitted: keep the stored value (PRIMARY on create)." })
  priority?: ProviderPriority | null;

  @Field(() => Boolean, { nullable: true, description: "Omitted: keep the stored value (true on create)." })
  enabled?: boolean | null;

  @Field(() => JSONObjectScalar, { nullable: true, description: "Omitted: keep the stored value ({} on create)." })
  configData?: JsonObject | null;

  @Field(() => String, { nullable: true, description: "Omitted: keep. null: remove the key. A string: set it." })
  apiKey?: string | null;

  @Field(() => String, { nullable: true, description: "Omitted: keep. null: remove the secret. A string: set it." })
  apiSecret?: string | null;
}

/** A patch plus the tenant it is for, a condition and a reason. */
@InputType("UpsertProviderConfigInput")
export class UpsertProviderConfigInput extends ProviderConfigPatchInput {
  @Field(() => String)
  tenantId!: string;

  @Field(() => Int, {
    nullable: true,
    description:
      "When given, the write happens only if the stored version equals it (0: only if the config does not exist yet); otherwise CONFLICT.",
  })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

import { Field, ObjectType } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { ProviderPriority, ProviderType } from "../../graphql/enums.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";

/**
 * The fields every view of one provider's settings shares: ProviderConfig, ProviderConfigView, ConfigVersion.
 * Decorated so that subclasses inherit its fields; never returned itself, so it does not appear in the schema.
 */
@ObjectType("ProviderSettingsFields")
export abstract class ProviderSettingsFields {
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
}

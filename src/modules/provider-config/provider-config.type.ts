import { Field, Int, ObjectType } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { DateTimeScalar, JSONObjectScalar, UUIDScalar } from "../../graphql/scalars.js";
import { ProviderSettingsFields } from "./provider-settings.type.js";

@ObjectType("ProviderConfig", { description: "One provider configured for one tenant. Secrets are never returned here." })
export class ProviderConfigType extends ProviderSettingsFields {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => String)
  tenantId!: string;

  @Field(() => Boolean)
  hasApiSecret!: boolean;

  @Field(() => String, { nullable: true, description: "Masked hint of the API key, e.g. '****1a2b'; null when there is no key." })
  apiKeyHint!: string | null;

  @Field(() => [String], {
    description: "v2: names of the set configData fields that the provider's schema marks secret (their values are never returned here).",
  })
  secretFields!: string[];

  @Field(() => Int, { description: "Starts at 1 and grows by exactly 1 on every change of this config." })
  version!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  @Field(() => String, { nullable: true })
  createdBy!: string | null;

  @Field(() => String, { nullable: true })
  updatedBy!: string | null;
}

@ObjectType("ProviderConfigView", { description: "A stored config, or a built-in default (then id and version are null)." })
export class ProviderConfigViewType extends ProviderSettingsFields {
  @Field(() => UUIDScalar, { nullable: true })
  id!: string | null;

  @Field(() => Int, { nullable: true })
  version!: number | null;
}

@ObjectType("TenantConfig", {
  description: "All of a tenant's providers grouped by type (the shape of the original GET /config/{tenant}).",
})
export class TenantConfigType {
  @Field(() => String)
  tenantId!: string;

  @Field(() => Boolean, {
    description: "True when the tenant has no stored map, weather or satellite config and the lists below are the built-in defaults.",
  })
  isDefault!: boolean;

  @Field(() => [ProviderConfigViewType])
  mapProviders!: ProviderConfigViewType[];

  @Field(() => [ProviderConfigViewType])
  weatherProviders!: ProviderConfigViewType[];

  @Field(() => [ProviderConfigViewType])
  satelliteProviders!: ProviderConfigViewType[];

  @Field(() => [ProviderConfigViewType])
  paymentProviders!: ProviderConfigViewType[];

  @Field(() => [ProviderConfigViewType])
  smsProviders!: ProviderConfigViewType[];

  @Field(() => [ProviderConfigViewType])
  notificationProviders!: ProviderConfigViewType[];
}

@ObjectType("DeletedProviderConfig")
export class DeletedProviderConfigType {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => Int, { description: "The version recorded by the DELETED history entry." })
  version!: number;
}

@ObjectType("ProviderCredentials", {
  description: "Decrypted credentials, for services that call the provider. Needs the secrets:read scope.",
})
export class ProviderCredentialsType {
  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => String, { nullable: true })
  apiKey!: string | null;

  @Field(() => String, { nullable: true })
  apiSecret!: string | null;

  @Field(() => JSONObjectScalar, { description: "v2: the secret configData fields, decrypted (empty object when none)." })
  secretFields!: JsonObject;
}

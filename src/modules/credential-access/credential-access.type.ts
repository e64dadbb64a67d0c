import { Field, ObjectType } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar, UUIDScalar } from "../../graphql/scalars.js";

@ObjectType("CredentialAccess", { description: "One read of plaintext credentials (SPEC.md §11)." })
export class CredentialAccessType {
  @Field(() => UUIDScalar)
  id!: string;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => String, { description: "The caller's token sub." })
  actor!: string;

  @Field(() => String, { description: "providerCredentials or exportTenantConfig" })
  operation!: string;

  @Field(() => UUIDScalar, { nullable: true })
  configId!: string | null;

  @Field(() => ProviderType, { nullable: true })
  providerType!: ProviderType | null;

  @Field(() => String, { nullable: true })
  providerName!: string | null;

  @Field(() => String, { nullable: true })
  requestId!: string | null;
}

@ObjectType("CredentialAccessPage")
export class CredentialAccessPageType {
  @Field(() => [CredentialAccessType])
  items!: CredentialAccessType[];

  @Field(() => String, { nullable: true, description: "Pass as 'after' to get the next page; null on the last page." })
  nextCursor!: string | null;
}

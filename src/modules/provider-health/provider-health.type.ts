import { Field, Float, ObjectType, registerEnumType } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar } from "../../graphql/scalars.js";
import { ProviderStatus } from "./provider-health.model.js";

registerEnumType(ProviderStatus, { name: "ProviderStatus" });

@ObjectType("ProviderHealth")
export class ProviderHealthType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => ProviderStatus)
  status!: ProviderStatus;

  @Field(() => DateTimeScalar)
  checkedAt!: Date;

  @Field(() => Float, { nullable: true })
  responseTimeMs!: number | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;
}

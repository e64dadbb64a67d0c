import { Field, Float, InputType } from "type-graphql";
import { ProviderType } from "../../graphql/enums.js";
import { DateTimeScalar } from "../../graphql/scalars.js";

@InputType("ProviderUsageInput", { description: "v2" })
export class ProviderUsageInput {
  @Field(() => String)
  tenantId!: string;

  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => Float, {
    defaultValue: 1,
    description: "Requests (MAP, WEATHER), km2 (SATELLITE), transactions (PAYMENT), messages (SMS), notifications (NOTIFICATION).",
  })
  quantity!: number;

  @Field(() => Float, { nullable: true, description: "PAYMENT only: the transactions' total amount in USD." })
  amountUsd?: number | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Default: now." })
  at?: Date | null;

  @Field(() => String, { nullable: true, description: "The same key for the same tenant is counted once." })
  idempotencyKey?: string | null;
}

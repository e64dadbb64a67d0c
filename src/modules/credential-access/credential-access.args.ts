// Arguments of credentialAccessLog, in contract order (see provider-config.args.ts for why ArgsType). An explicit
// null limit means the default.
import { ArgsType, Field, Int } from "type-graphql";

export const DEFAULT_ACCESS_LOG_LIMIT = 100;

@ArgsType()
export class CredentialAccessLogArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => Int, { nullable: true, defaultValue: DEFAULT_ACCESS_LOG_LIMIT })
  limit?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

// Arguments of export/import and templates as in contract-v2.graphql (ArgsType classes keep the contract's order).
// Nullable-with-default arguments still arrive as null when a client sends null explicitly; resolvers map that.
import { ArgsType, Field } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";
import { ImportMode } from "./config-transfer.type.js";

export const TRANSFER_DEFAULTS = { includeSecrets: false, mode: ImportMode.MERGE, dryRun: false } as const;

@ArgsType()
export class ExportTenantConfigArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => Boolean, { nullable: true, defaultValue: TRANSFER_DEFAULTS.includeSecrets })
  includeSecrets?: boolean | null;
}

@ArgsType()
export class ImportTenantConfigArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => JSONObjectScalar)
  document!: JsonObject;

  @Field(() => ImportMode, { nullable: true, defaultValue: TRANSFER_DEFAULTS.mode })
  mode?: ImportMode | null;

  @Field(() => Boolean, { nullable: true, defaultValue: TRANSFER_DEFAULTS.dryRun })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

@ArgsType()
export class ApplyConfigTemplateArgs {
  @Field(() => String)
  tenantId!: string;

  @Field(() => String)
  template!: string;

  @Field(() => ImportMode, { nullable: true, defaultValue: TRANSFER_DEFAULTS.mode })
  mode?: ImportMode | null;

  @Field(() => Boolean, { nullable: true, defaultValue: TRANSFER_DEFAULTS.dryRun })
  dryRun?: boolean | null;

  @Field(() => String, { nullable: true })
  changeReason?: string | null;
}

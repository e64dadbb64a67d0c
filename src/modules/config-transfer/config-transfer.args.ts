// Arguments of export/import and templates as in contract-v2.graphql (ArgsType classes keep the contract's order).
// Nullable-with-default arguments still arrive as null when a client sends null explicitly; resolvers map that.
import { ArgsType, Field } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";
import { ImportMode } from "./config-transfer.type.js";

export const TRANSFER_DEFAULTS = { includeSecrets: false, mode: ImportMode.MERGE, dryRun: false } as const;

/** What an import and a template application share, with the defaults applied to an explicit null. */
export function applyOptionsOf(args: { mode?: ImportMode | null; dryRun?: boolean | null; changeReason?: string | null }) {
  return { mode: args.mode ?? TRANSFER_DEFAULTS.mode, dryRun: args.dryRun ?? TRANSFER_DEFAULTS.dryRun, changeReason: args.changeReason };
}

// ImportTenantConfigArgs and ApplyConfigTemplateArgs repeat mode, dryRun and changeReason rather than inherit them:
// type-graphql puts inherited fields first, and the arguments should keep the contract's order.

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

// GraphQL shapes of export/import and templates (contract-v2.graphql). Resolvers return the domain objects as they are.
import { Extensions, Field, Int, ObjectType, registerEnumType } from "type-graphql";
import type { JsonObject } from "../../domain/provider.js";
import { ProviderPriority, ProviderType } from "../../graphql/enums.js";
import { LIST_SIZE_EXTENSION } from "../../graphql/limits/cost-limit.plugin.js";
import { JSONObjectScalar } from "../../graphql/scalars.js";
import { PlannedAction } from "../provider-config/provider-config.tenant-plan.js";
import { ProviderConfigViewType } from "../provider-config/provider-config.type.js";
import type { ProviderConfigViewRecord } from "../provider-config/tenant-config.model.js";
import { TEMPLATE_ENTRIES_SIZE } from "./config-template.js";
import { ImportMode } from "./import-mode.js";

registerEnumType(ImportMode, { name: "ImportMode" });
registerEnumType(PlannedAction, { name: "PlannedAction" });

export { ImportMode, PlannedAction };

@ObjectType("PlannedChange")
export class PlannedChangeType {
  @Field(() => ProviderType)
  providerType!: ProviderType;

  @Field(() => String)
  providerName!: string;

  @Field(() => PlannedAction)
  action!: PlannedAction;

  @Field(() => [String], { description: "Top-level fields that change: priority, enabled, configData, apiKey, apiSecret." })
  changedFields!: string[];
}

@ObjectType("ImportResult")
export class ImportResultType {
  @Field(() => String)
  tenantId!: string;

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  deleted!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => [PlannedChangeType])
  changes!: PlannedChangeType[];

  @Field(() => [ProviderConfigViewType], {
    description: "The tenant's configs after the import (as they would be, for a dry run: ids and versions of existing ones only).",
  })
  configs!: ProviderConfigViewRecord[];
}

@ObjectType("ConfigTemplateEntry")
export class ConfigTemplateEntryType {
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
}

@ObjectType("ConfigTemplate")
export class ConfigTemplateType {
  @Field(() => String)
  name!: string;

  @Field(() => String)
  description!: string;

  @Field(() => String)
  descriptionAr!: string;

  // At most every PAYMENT and SMS provider of the catalog (a country template); tells the cost limit so.
  @Field(() => [ConfigTemplateEntryType])
  @Extensions({ [LIST_SIZE_EXTENSION]: TEMPLATE_ENTRIES_SIZE })
  entries!: ConfigTemplateEntryType[];
}

import { Field, Int, ObjectType } from "type-graphql";
import type { JsonValue } from "../../domain/provider.js";
import { JSONScalar, UUIDScalar } from "../../graphql/scalars.js";

@ObjectType("FieldChange")
export class FieldChangeType {
  @Field(() => String, {
    description: "priority, enabled, apiKey, apiSecret, configData.<key>[.<key>...] (secret configData fields by name).",
  })
  field!: string;

  @Field(() => JSONScalar, { nullable: true, description: "Always null for apiKey, apiSecret and secret configData fields." })
  before!: JsonValue | null;

  @Field(() => JSONScalar, { nullable: true })
  after!: JsonValue | null;
}

@ObjectType("ConfigDiff")
export class ConfigDiffType {
  @Field(() => UUIDScalar)
  configId!: string;

  @Field(() => Int)
  fromVersion!: number;

  @Field(() => Int)
  toVersion!: number;

  @Field(() => [FieldChangeType], {
    description:
      "In this order: priority, enabled, apiKey, apiSecret, then configData paths sorted by code unit. before is fromVersion's value.",
  })
  changes!: FieldChangeType[];
}

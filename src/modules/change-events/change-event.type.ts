import { Field, ObjectType } from "type-graphql";
import { ConfigVersionType } from "../history/config-version.type.js";

@ObjectType("ConfigChangeEvent")
export class ConfigChangeEventType {
  @Field(() => String, { description: "Opaque and increasing in commit order; pass it as after to resume." })
  cursor!: string;

  @Field(() => ConfigVersionType)
  change!: ConfigVersionType;
}

@ObjectType("ConfigChangePage")
export class ConfigChangePageType {
  @Field(() => [ConfigChangeEventType])
  items!: ConfigChangeEventType[];

  @Field(() => String, {
    nullable: true,
    description: "The cursor of the last item, or the given after when there is none; poll again with it.",
  })
  cursor!: string | null;
}

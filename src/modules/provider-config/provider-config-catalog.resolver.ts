import { FieldResolver, Resolver, Root } from "type-graphql";
import type { Catalog } from "../catalog/catalog.js";
import type { ProviderInfo } from "../catalog/catalog.model.js";
import { ProviderInfoType } from "../catalog/catalog.type.js";
import type { ProviderConfigRecord } from "./provider-config.model.js";
import { ProviderConfigType } from "./provider-config.type.js";

/** ProviderConfig.provider: the catalog entry of the config's provider (null for names outside the catalog). */
@Resolver(() => ProviderConfigType)
export class ProviderConfigCatalogResolver {
  constructor(private readonly catalog: Catalog) {}

  @FieldResolver(() => ProviderInfoType, {
    nullable: true,
    description: "The catalog entry for this provider; null for a name the catalog does not know.",
  })
  provider(@Root() config: ProviderConfigRecord): ProviderInfo | null {
    return this.catalog.find(config.providerType, config.providerName) ?? null;
  }
}

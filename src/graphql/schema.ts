// Builds the executable schema from the resolver classes. Resolver instances come from the composition root
// (app.ts), already wired with their services: a plain lookup, not a reflection-based DI container.
import type { GraphQLSchema } from "graphql";
import { buildSchema, type NonEmptyArray, type PubSub } from "type-graphql";
import { CatalogResolver } from "../modules/catalog/catalog.resolver.js";
import { ChangeFeedResolver } from "../modules/change-events/change-feed.resolver.js";
import { ChangeSubscriptionResolver } from "../modules/change-events/change-subscription.resolver.js";
import { ConfigTemplateResolver } from "../modules/config-transfer/config-template.resolver.js";
import { ConfigTransferResolver } from "../modules/config-transfer/config-transfer.resolver.js";
import { CredentialAccessResolver } from "../modules/credential-access/credential-access.resolver.js";
import { HistoryResolver } from "../modules/history/history.resolver.js";
import { ProviderConfigResolver } from "../modules/provider-config/provider-config.resolver.js";
import { ProviderConfigCatalogResolver } from "../modules/provider-config/provider-config-catalog.resolver.js";
import { ProviderHealthResolver } from "../modules/provider-health/provider-health.resolver.js";
import { UsageResolver } from "../modules/usage/usage.resolver.js";

// biome-ignore lint/complexity/noBannedTypes: type-graphql identifies resolvers by their class.
export const RESOLVER_CLASSES: NonEmptyArray<Function> = [
  ProviderConfigResolver,
  ProviderConfigCatalogResolver,
  HistoryResolver,
  CatalogResolver,
  ProviderHealthResolver,
  ChangeFeedResolver,
  ChangeSubscriptionResolver,
  CredentialAccessResolver,
  ConfigTransferResolver,
  ConfigTemplateResolver,
  UsageResolver,
];

/**
 * type-graphql insists on a pub/sub once there is a subscription, even though ours (providerConfigChanged) has
 * its own `subscribe` function and never uses it. This one refuses, so a topic-based subscription added by
 * mistake fails loudly instead of silently never firing.
 */
const NO_PUB_SUB: PubSub = {
  publish: () => {
    throw new Error("subscriptions here have their own subscribe function; there is no pub/sub");
  },
  subscribe: () => {
    throw new Error("subscriptions here have their own subscribe function; there is no pub/sub");
  },
};

export function buildGraphQLSchema(resolvers: readonly object[] = []): Promise<GraphQLSchema> {
  const instances = new Map(resolvers.map((resolver) => [resolver.constructor, resolver]));
  return buildSchema({
    resolvers: RESOLVER_CLASSES,
    container: {
      get: (resolverClass) => {
        const instance = instances.get(resolverClass);
        if (!instance) throw new Error(`No instance of ${resolverClass.name} was wired in app.ts`);
        return instance;
      },
    },
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_PUB_SUB,
  });
}

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

/**
 * Every resolver class, the one list of them: the schema is built from it, and the composition root (app.ts) hands
 * over one instance per entry, which the compiler checks (ResolverInstances).
 */
const RESOLVERS = {
  providerConfig: ProviderConfigResolver,
  providerConfigCatalog: ProviderConfigCatalogResolver,
  history: HistoryResolver,
  catalog: CatalogResolver,
  providerHealth: ProviderHealthResolver,
  changeFeed: ChangeFeedResolver,
  changeSubscription: ChangeSubscriptionResolver,
  credentialAccess: CredentialAccessResolver,
  configTransfer: ConfigTransferResolver,
  configTemplate: ConfigTemplateResolver,
  usage: UsageResolver,
} as const;

export type ResolverInstances = { readonly [K in keyof typeof RESOLVERS]: InstanceType<(typeof RESOLVERS)[K]> };

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

/** The schema; without instances (printing it), no resolver can run. */
export function buildGraphQLSchema(instances?: ResolverInstances): Promise<GraphQLSchema> {
  const byClass = new Map<unknown, object>(Object.values(instances ?? {}).map((instance) => [instance.constructor, instance]));
  return buildSchema({
    // The values of a literal with entries: never empty, though the compiler cannot tell.
    // biome-ignore lint/complexity/noBannedTypes: type-graphql identifies resolvers by their class.
    resolvers: Object.values(RESOLVERS) as unknown as NonEmptyArray<Function>,
    container: {
      get: (resolverClass) => {
        const instance = byClass.get(resolverClass);
        if (!instance) throw new Error(`No instance of ${resolverClass.name} was wired in app.ts`);
        return instance;
      },
    },
    validate: false,
    emitSchemaFile: false,
    pubSub: NO_PUB_SUB,
  });
}

// GraphQL responses are never stored by HTTP caches: the service caches them itself and checks every hit for
// freshness (src/graphql/response-cache). Apollo's cache-control plugin said so too (no field has a cache hint, so
// every response was `no-store`), but to collect hints nothing sets it wrapped every field's resolver in a per-field
// hook, a third of the time a history page spends executing (BENCHMARKS.md, History page). It is disabled
// (ApolloServerPluginCacheControlDisabled) and this plugin sends the header instead.
import type { ApolloServerPlugin } from "@apollo/server";

export function noStorePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          response.http.headers.set("cache-control", "no-store");
        },
      };
    },
  };
}

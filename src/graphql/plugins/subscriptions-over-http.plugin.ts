// A subscription sent over HTTP is refused with a pointer to the WebSocket endpoint: Apollo would otherwise execute
// it as a query, calling the subscription's resolver with no event.
import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";

export function subscriptionsOverHttpPlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation !== "subscription") return;
          throw new GraphQLError(
            "Subscriptions are served over WebSocket (graphql-ws, protocol graphql-transport-ws) at /graphql, not over HTTP.",
            { extensions: { code: "BAD_REQUEST", http: { status: 400 } } },
          );
        },
      };
    },
  };
}

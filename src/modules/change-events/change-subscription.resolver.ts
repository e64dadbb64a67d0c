// Subscription.providerConfigChanged (SPEC.md §9), served over graphql-ws (infra/http/subscription-server.ts).
// type-graphql calls a `subscribe` function without its resolver instance, so the service travels in the
// subscription's context (built per subscription in app.ts), the way Apollo's docs pass a pub/sub: no
// module-level singleton, and two instances in one process stay apart.
import { Args, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../graphql/context.js";
import { ProviderConfigChangedArgs } from "./change-event.args.js";
import type { ChangeEventRecord } from "./change-event.model.js";
import { ConfigChangeEventType } from "./change-event.type.js";
import type { ChangeStream, ChangeStreamItem } from "./change-stream.js";
import type { ChangeSubscriptionService } from "./change-subscription.service.js";

/** The context of an operation over graphql-ws. */
export interface SubscriptionContext extends RequestContext {
  readonly changeSubscriptions: ChangeSubscriptionService;
}

/** Opens the stream: the access checks and the cursor check throw here, before anything is sent. */
const openStream = ({ args, context }: { args: ProviderConfigChangedArgs; context: SubscriptionContext }): Promise<ChangeStream> =>
  context.changeSubscriptions.open(context.caller, { tenantId: args.tenantId, providerType: args.providerType ?? undefined }, args.after);

@Resolver()
export class ChangeSubscriptionResolver {
  @Subscription(() => ConfigChangeEventType, {
    description:
      "v2: every committed change of the tenant (optionally of one type), in commit order; with after, the missed ones first (graphql-ws on /graphql; SPEC.md 9).",
    subscribe: openStream,
  })
  providerConfigChanged(
    @Root() item: ChangeStreamItem,
    // Declares the arguments (in contract order); openStream reads them.
    @Args(() => ProviderConfigChangedArgs) _args: ProviderConfigChangedArgs,
  ): ChangeEventRecord {
    // The stream's last item: the client gets it as a GraphQL error, then the stream ends.
    if ("error" in item) throw item.error;
    return item;
  }
}

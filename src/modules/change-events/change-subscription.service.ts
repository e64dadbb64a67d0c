// providerConfigChanged (SPEC.md §9): checks the arguments and the caller exactly as configChanges does (a tenant
// the token does not grant is FORBIDDEN, a bad cursor BAD_USER_INPUT), then opens a stream on the instance's hub.

import type { Caller } from "../../domain/caller.js";
import { AppError, ErrorCode } from "../../errors.js";
import type { ChangeFeedService } from "./change-feed.service.js";
import type { ChangeHub } from "./change-hub.js";
import type { ChangeFilter } from "./change-position.js";
import { ChangeStream, type ChangeStreamOptions } from "./change-stream.js";

/** Open streams per instance: each may hold up to 1,000 undelivered events, so their number is bounded too. */
export const MAX_SUBSCRIPTIONS_PER_INSTANCE = 20_000;

export interface ChangeSubscriptionOptions extends Omit<ChangeStreamOptions, "hub" | "replay"> {
  maxSubscriptions?: number;
}

export class ChangeSubscriptionService {
  constructor(
    private readonly feed: ChangeFeedService,
    private readonly hub: ChangeHub,
    private readonly options: ChangeSubscriptionOptions = {},
  ) {}

  async open(caller: Caller, filter: ChangeFilter, after: string | null | undefined): Promise<ChangeStream> {
    const position = this.feed.open(caller, filter, after);
    const max = this.options.maxSubscriptions ?? MAX_SUBSCRIPTIONS_PER_INSTANCE;
    if (this.hub.size >= max) {
      throw new AppError(
        ErrorCode.SERVICE_UNAVAILABLE,
        `This instance already serves its maximum of ${max} subscriptions; try again shortly.`,
      );
    }
    const { maxSubscriptions: _, ...streamOptions } = this.options;
    const stream = new ChangeStream(
      { ...streamOptions, hub: this.hub, replay: (streamFilter, from, limit) => this.feed.read(streamFilter, from, limit) },
      filter,
      position,
    );
    return stream.open();
  }
}

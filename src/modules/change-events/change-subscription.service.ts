// providerConfigChanged (SPEC.md §9): checks the arguments and the caller exactly as configChanges does (a tenant
// the token does not grant is FORBIDDEN, a bad cursor BAD_USER_INPUT), then opens a stream on the instance's hub.
import type { Caller } from "../access/caller.js";
import type { ChangeFeedService } from "./change-feed.service.js";
import type { ChangeHub } from "./change-hub.js";
import type { ChangeFilter } from "./change-position.js";
import { ChangeStream, type ChangeStreamOptions } from "./change-stream.js";

export class ChangeSubscriptionService {
  constructor(
    private readonly feed: ChangeFeedService,
    private readonly hub: ChangeHub,
    private readonly streamOptions: Omit<ChangeStreamOptions, "hub" | "replay"> = {},
  ) {}

  async open(caller: Caller, filter: ChangeFilter, after: string | null | undefined): Promise<ChangeStream> {
    const position = this.feed.open(caller, filter, after);
    const stream = new ChangeStream(
      { ...this.streamOptions, hub: this.hub, replay: (streamFilter, from, limit) => this.feed.read(streamFilter, from, limit) },
      filter,
      position,
    );
    return stream.open();
  }
}

// One subscription to providerConfigChanged (SPEC.md §9): with `after`, every later event of the tenant (and type)
// first — read from the database page by page as the consumer takes them — then live ones from the hub, with no
// gap and no duplicate between the two. Without `after`, live events from where the hub stands.
//
// Why the switch is gap-free: while replaying, live events are kept aside. The replay has read everything below
// its last read's watermark, and the hub dispatched everything below its position before this stream registered
// (hub positions never pass the watermark of a later read). So replayed ∪ kept-aside covers the stream; events
// already replayed are dropped by position. If more than `maxPending` events are kept aside, they are thrown away
// and the replay simply goes on (it reads them from the database) until a read that began after the last
// throw-away reaches the end.
//
// A consumer that falls more than `maxPending` live events behind is ended with an error, never skipped.
import { AppError, ErrorCode } from "../../errors.js";
import type { ChangeEventRecord } from "./change-event.model.js";
import type { StoredEvent } from "./change-event.repository.js";
import { positionOf, toChangeEvent } from "./change-feed.service.js";
import type { ChangeHub, HubSubscriber } from "./change-hub.js";
import { type ChangeFilter, type ChangePosition, compare } from "./change-position.js";

/** What a subscription yields: an event, or the error it ends with. */
export type ChangeStreamItem = ChangeEventRecord | { readonly error: AppError };

export type ReplayReader = (filter: ChangeFilter, position: ChangePosition, limit: number) => Promise<{ events: StoredEvent[] }>;

export interface ChangeStreamOptions {
  hub: ChangeHub;
  replay: ReplayReader;
  /** Undelivered events a consumer may fall behind by; SPEC.md §9 says 1,000. */
  maxPending?: number;
  replayBatch?: number;
  /** Told when this stream has registered with the hub (metrics); `onEnd` follows exactly once. */
  onOpen?: () => void;
  /** Told when this stream ends, however it ends (metrics). */
  onEnd?: (reason: "closed" | "too-slow" | "failed") => void;
}

export const MAX_PENDING_EVENTS = 1000;
const REPLAY_BATCH = 200;

export class ChangeStream implements AsyncIterableIterator<ChangeStreamItem>, HubSubscriber {
  private position: ChangePosition = { txid: 0n, seq: 0n };
  private live = false;
  private readonly queue: StoredEvent[] = [];
  private keptAside: StoredEvent[] = [];
  private discards = 0;
  private failure: AppError | undefined;
  private ended = false;
  private wakeUp: (() => void) | undefined;

  constructor(
    private readonly options: ChangeStreamOptions,
    readonly filter: ChangeFilter,
    private readonly after: ChangePosition | undefined,
  ) {}

  /** Registers with the hub; the stream then receives events until it is returned or fails. */
  async open(): Promise<this> {
    await this.options.hub.add(this);
    this.options.onOpen?.();
    return this;
  }

  begin(hubPosition: ChangePosition): void {
    this.position = this.after ?? hubPosition;
    this.live = this.after === undefined;
  }

  deliver(event: StoredEvent): void {
    if (this.ended || (this.filter.providerType && event.providerType !== this.filter.providerType)) return;
    if (!this.live) {
      this.keptAside.push(event);
      if (this.keptAside.length > this.maxPending) {
        this.keptAside = [];
        this.discards += 1;
      }
      return;
    }
    const position = positionOf(event);
    if (compare(position, this.position) <= 0) return;
    if (this.queue.length >= this.maxPending) {
      this.fail(
        new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          `This subscription fell more than ${this.maxPending} events behind and was closed; subscribe again with after set to the last cursor you received.`,
        ),
        "too-slow",
      );
      return;
    }
    this.queue.push(event);
    this.position = position;
    this.notify();
  }

  async next(): Promise<IteratorResult<ChangeStreamItem>> {
    for (;;) {
      const event = this.queue.shift();
      if (event) return { value: toChangeEvent(event, this.filter), done: false };
      if (this.failure) {
        const error = this.failure;
        this.failure = undefined;
        this.ended = true;
        return { value: { error }, done: false };
      }
      if (this.ended) return { value: undefined, done: true };
      if (!this.live) {
        await this.replayPage();
        continue;
      }
      await new Promise<void>((resolve) => {
        this.wakeUp = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<ChangeStreamItem>> {
    this.end("closed");
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private get maxPending(): number {
    return this.options.maxPending ?? MAX_PENDING_EVENTS;
  }

  private async replayPage(): Promise<void> {
    const batch = this.options.replayBatch ?? REPLAY_BATCH;
    const discardsBefore = this.discards;
    let events: StoredEvent[];
    try {
      ({ events } = await this.options.replay(this.filter, this.position, batch));
    } catch {
      this.fail(
        new AppError(
          ErrorCode.SERVICE_UNAVAILABLE,
          "The change history could not be read; subscribe again with after set to the last cursor you received.",
        ),
        "failed",
      );
      return;
    }
    for (const event of events) {
      this.queue.push(event);
      this.position = positionOf(event);
    }
    if (events.length < batch && this.discards === discardsBefore) {
      for (const event of this.keptAside) {
        const position = positionOf(event);
        if (compare(position, this.position) > 0) {
          this.queue.push(event);
          this.position = position;
        }
      }
      this.keptAside = [];
      this.live = true;
    }
  }

  private fail(error: AppError, reason: "too-slow" | "failed"): void {
    if (this.ended || this.failure) return;
    this.failure = error;
    this.queue.length = 0;
    this.options.hub.remove(this);
    this.options.onEnd?.(reason);
    this.notify();
  }

  private end(reason: "closed"): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    this.options.hub.remove(this);
    if (!this.failure) this.options.onEnd?.(reason);
    this.notify();
  }

  private notify(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }
}

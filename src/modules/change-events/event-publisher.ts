// Publishes the change stream to an outside destination (NATS JetStream, SPEC.md §9): the history is the outbox and
// event_publication holds how far the destination has acknowledged it. On the instance holding the lease, each
// round reads the events after that position in stream order (commit order, below the watermark), publishes them
// one at a time, each acknowledged before the next is sent — so a failure can never let a later change of a config
// overtake an earlier one — and then records the acknowledged prefix. Delivery is at least once: a crash between
// an acknowledgement and the recording publishes those events again, and the destination drops them by id.
//
// Nothing in the write path touches the destination: while it is down, writes succeed, the round fails, and the
// next one (after a backoff) starts again from the recorded position.
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { leaseHeld } from "../../infra/leadership/lease.store.js";
import { type EventSink, EventSinkError } from "../../infra/nats/jetstream-sink.js";
import { toChangeEventMessage } from "./change-event.message.js";
import type { ChangeEventRepository, StoredEvent } from "./change-event.repository.js";
import { positionOf } from "./change-feed.service.js";
import { atWatermark, type ChangePosition } from "./change-position.js";
import type { EventPublicationRepository } from "./event-publication.repository.js";

/**
 * Where a destination seen for the first time starts. `now` (the default): the events that commit from then on —
 * turning publication on for a service with years of history does not flood consumers with stale changes, which
 * they can read through configChanges (every message carries its cursor). `beginning`: the whole history.
 * Either way the position is recorded at the first start, before NATS is even reached, so nothing committed after
 * that is ever missed.
 */
export type PublishFrom = "beginning" | "now";

export interface PublisherLease {
  readonly name: string;
  readonly holder: string;
  readonly leading: boolean;
  start(): void;
  stop(options?: { release?: boolean }): Promise<void>;
}

export interface PublisherLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface PublisherMetrics {
  eventsPublished(count: number): void;
  publicationLag(seconds: number): void;
}

export interface EventPublisherOptions {
  /** The destination's row in event_publication. */
  readonly name: string;
  readonly unitOfWork: UnitOfWork;
  readonly events: ChangeEventRepository;
  readonly publications: EventPublicationRepository;
  readonly sink: EventSink;
  readonly lease: PublisherLease;
  readonly publishFrom: PublishFrom;
  readonly logger: PublisherLogger;
  readonly metrics: PublisherMetrics;
  /** How often the leader looks for new events (and a follower for the lease). */
  readonly pollIntervalMs?: number;
  readonly batchSize?: number;
  /** Backoff after a failed round: doubles from 500 ms up to this. */
  readonly maxBackoffMs?: number;
}

const encoder = new TextEncoder();

export class EventPublisher {
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private failures = 0;
  private stopping = false;

  constructor(private readonly options: EventPublisherOptions) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.stopping = false;
    this.options.lease.start();
    this.schedule(0);
  }

  /**
   * Stops: the publish in flight finishes and the acknowledged prefix is recorded; then the lease is released (or,
   * with release false, left to expire — an instance that dies) and the connection drained.
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.started = false;
    this.stopping = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    await this.options.lease.stop({ release });
    await this.options.sink.close().catch(() => {});
  }

  /** Publishes everything below the watermark that is not yet acknowledged; the number of events published. */
  async runOnce(): Promise<number> {
    const { batchSize = 100, metrics } = this.options;
    let published = 0;
    while (this.options.lease.leading && !this.stopping) {
      const events = await this.nextEvents(batchSize);
      metrics.publicationLag(events[0] ? Math.max(0, (Date.now() - events[0].changedAt.getTime()) / 1000) : 0);
      if (events.length === 0) break;
      const { count, complete } = await this.publish(events);
      published += count;
      if (!complete || events.length < batchSize) break;
    }
    return published;
  }

  /** The recorded position (set on first sight of this destination) and the events after it, in one snapshot. */
  private nextEvents(limit: number): Promise<StoredEvent[]> {
    const { unitOfWork, publications, events, name, publishFrom } = this.options;
    return unitOfWork.read(ALL_TENANTS, async (db) => {
      let position = await publications.position(db, name);
      if (!position) {
        const start = publishFrom === "now" ? atWatermark(await events.watermark(db)) : atWatermark(0n);
        position = await publications.start(db, name, start);
        this.options.logger.info({ publication: name, from: publishFrom }, "event publication starts");
      }
      return (await events.allEvents(db, position, limit)).events;
    });
  }

  /** Sends `events` in order, each acknowledged before the next; records the acknowledged prefix even on failure. */
  private async publish(events: StoredEvent[]): Promise<{ count: number; complete: boolean }> {
    let acked: ChangePosition | undefined;
    let count = 0;
    let failure: unknown;
    for (const event of events) {
      // Losing the lease (or stopping) ends the round at once; what was acknowledged is still recorded below.
      if (!this.options.lease.leading || this.stopping) break;
      const message = toChangeEventMessage(event);
      try {
        await this.options.sink.publish(message.subject, encoder.encode(JSON.stringify(message.payload)), message.msgId);
      } catch (error) {
        failure = error;
        break;
      }
      acked = positionOf(event);
      count++;
    }
    if (count > 0) this.options.metrics.eventsPublished(count);
    const recorded = acked ? await this.record(acked) : true;
    if (failure !== undefined) throw failure;
    return { count, complete: recorded && count === events.length };
  }

  private async record(position: ChangePosition): Promise<boolean> {
    const { unitOfWork, publications, name, lease } = this.options;
    const moved = await unitOfWork.read(ALL_TENANTS, (db) => publications.advance(db, name, position, leaseHeld(lease.name, lease.holder)));
    if (!moved) this.options.logger.warn({ publication: name }, "publication position not advanced: the lease is no longer held");
    return moved;
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), delayMs);
    // Background work must never keep the process alive on its own.
    this.timer.unref();
  }

  private tick(): void {
    const { pollIntervalMs = 500, maxBackoffMs = 10_000 } = this.options;
    if (!this.options.lease.leading) {
      this.options.metrics.publicationLag(0); // only the leader reports a lag
      this.schedule(pollIntervalMs);
      return;
    }
    this.running = this.runOnce()
      .then(() => {
        if (this.failures > 0) this.options.logger.info({ publication: this.options.name }, "event publication resumed");
        this.failures = 0;
        return pollIntervalMs;
      })
      .catch((error: unknown) => {
        this.failures++;
        this.options.logger.warn(
          { publication: this.options.name, failures: this.failures, ...failureOf(error) },
          "event publication round failed; retrying",
        );
        const backoff = Math.min(maxBackoffMs, 500 * 2 ** Math.min(this.failures - 1, 10));
        return backoff * (0.8 + 0.4 * Math.random());
      })
      .then((delayMs) => {
        this.running = undefined;
        this.schedule(delayMs);
      });
  }
}

/** What a failed round logs: NATS's own description, or only the kind of a database failure (never SQL or data). */
function failureOf(error: unknown): Record<string, string> {
  if (error instanceof EventSinkError) return { reason: error.name, step: error.step, detail: error.detail };
  return { reason: error instanceof Error ? error.name : "unknown" };
}

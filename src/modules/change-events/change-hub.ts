// One reader of the change stream per instance (SPEC.md §9): it reads every tenant's new events once — woken by a
// local commit or another instance's signal, and at least every `pollIntervalMs` while anyone listens — and hands
// them, in stream order, to the subscribers of their tenant. Events are always read from the database, so a lost
// wake-up only delays them; the poll keeps every instance within a second of every commit.
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { ChangeEventRepository, StoredEvent } from "./change-event.repository.js";
import { positionOf } from "./change-feed.service.js";
import { atWatermark, type ChangeFilter, type ChangePosition, compare } from "./change-position.js";

export interface HubSubscriber {
  readonly filter: ChangeFilter;
  /** Called once, synchronously, when registered: where the hub stands (everything before it was dispatched). */
  begin(hubPosition: ChangePosition): void;
  /** Every later event of the subscriber's tenant (any type), in stream order. */
  deliver(event: StoredEvent): void;
}

export interface ChangeHubLogger {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface ChangeHubOptions {
  unitOfWork: UnitOfWork;
  repository: ChangeEventRepository;
  logger: ChangeHubLogger;
  pollIntervalMs?: number;
  batchSize?: number;
}

const DEFAULT_POLL_INTERVAL_MS = 500;
const DEFAULT_BATCH_SIZE = 1000;

export class ChangeHub {
  private readonly byTenant = new Map<string, Set<HubSubscriber>>();
  private starting: Promise<void> | undefined;
  private subscribers = 0;
  private position: ChangePosition | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> | undefined;
  private readAgain = false;
  private stopped = false;
  private failing = false;

  constructor(private readonly options: ChangeHubOptions) {}

  get size(): number {
    return this.subscribers;
  }

  /**
   * Registers a subscriber. The first one (after none) moves the hub to the current watermark first: events from
   * before it are for replays, which read the database themselves.
   */
  async add(subscriber: HubSubscriber): Promise<void> {
    if (this.stopped) throw new Error("the change hub is stopped");
    if (this.subscribers === 0) {
      // Subscriptions opened together share one read of the watermark (thousands may arrive at once).
      this.starting ??= this.moveToWatermark().finally(() => {
        this.starting = undefined;
      });
      await this.starting;
    }
    const position = this.position as ChangePosition;
    let set = this.byTenant.get(subscriber.filter.tenantId);
    if (!set) {
      set = new Set();
      this.byTenant.set(subscriber.filter.tenantId, set);
    }
    set.add(subscriber);
    this.subscribers += 1;
    subscriber.begin(position);
    if (!this.timer) {
      this.timer = setInterval(() => this.wake(), this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private async moveToWatermark(): Promise<void> {
    const watermark = await this.options.unitOfWork.read(ALL_TENANTS, (db) => this.options.repository.watermark(db));
    const start = atWatermark(watermark);
    if (!this.position || compare(start, this.position) > 0) this.position = start;
  }

  remove(subscriber: HubSubscriber): void {
    const set = this.byTenant.get(subscriber.filter.tenantId);
    if (!set?.delete(subscriber)) return;
    if (set.size === 0) this.byTenant.delete(subscriber.filter.tenantId);
    this.subscribers -= 1;
    if (this.subscribers === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Something committed (here or on another instance): read now. Coalesced; a no-op while nobody listens. */
  wake(): void {
    if (this.subscribers === 0 || this.stopped) return;
    if (this.reading) {
      this.readAgain = true;
      return;
    }
    this.reading = this.drain().finally(() => {
      this.reading = undefined;
      if (this.readAgain) {
        this.readAgain = false;
        this.wake();
      }
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.reading;
  }

  private async drain(): Promise<void> {
    const batchSize = this.options.batchSize ?? DEFAULT_BATCH_SIZE;
    try {
      for (;;) {
        const from = this.position;
        if (!from || this.subscribers === 0) return;
        const { watermark, events } = await this.options.unitOfWork.read(ALL_TENANTS, (db) =>
          this.options.repository.allEvents(db, from, batchSize),
        );
        for (const event of events) this.dispatch(event);
        const last = events.at(-1);
        const reached = events.length < batchSize ? atWatermark(watermark) : positionOf(last as StoredEvent);
        this.position = last && compare(positionOf(last), reached) > 0 ? positionOf(last) : reached;
        if (this.failing) this.options.logger.warn({}, "change hub reads events again");
        this.failing = false;
        if (events.length < batchSize) return;
      }
    } catch (error) {
      // The database is unavailable: subscribers wait, and get every event once it is back (nothing moved).
      if (!this.failing)
        this.options.logger.warn({ reason: error instanceof Error ? error.name : "unknown" }, "change hub cannot read events");
      this.failing = true;
    }
  }

  private dispatch(event: StoredEvent): void {
    const set = this.byTenant.get(event.tenantId);
    if (!set) return;
    // A subscriber may unsubscribe (or fail) while being told: iterate over a copy.
    for (const subscriber of [...set]) subscriber.deliver(event);
  }
}

// History retention (SPEC.md §11): with HISTORY_RETENTION_DAYS set, snapshots older than that many days are deleted
// from config_versions, except the latest snapshot of every config (DELETED entries included), events not yet
// published to NATS (when NATS is configured) and anything at or above the change stream's watermark
// (purgeHistoryBatch in history.repository.ts states the rule).
//
// One instance at a time: the timer's rounds run only while `isLeader()` (the background-work lease in app.ts).
// Bounded batches, one short ALL_TENANTS transaction each, so a run never holds many locks or a long snapshot.
// runOnce() runs a pass at once, leader or not (tests; a second pass at the same time only finds less to delete).
import { performance } from "node:perf_hooks";
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { Logger } from "../../infra/logger.js";
import { purgeHistoryBatch, type RetentionCursor } from "./history.repository.js";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export interface HistoryRetentionOptions {
  unitOfWork: UnitOfWork;
  logger: Logger;
  days: number;
  intervalMinutes: number;
  /** Whether this instance runs background work now (the background lease). */
  isLeader: () => boolean;
  /** The NATS publication's event_publication name, when NATS is configured: unpublished events stay. */
  publication?: string;
  /** Snapshots looked at per batch (transaction). */
  batchSize?: number;
  /** Batches per run: a run ends after this many even if more is old (the next run goes on). */
  maxBatches?: number;
  /** Delay of the first run after start(). */
  firstRunDelayMs?: number;
  /** How soon a non-leader looks again whether it leads. */
  followerRecheckMs?: number;
  onRun?: (outcome: "ok" | "failed", purged: number) => void;
  now?: () => Date;
}

export interface HistoryRetentionRun {
  deleted: number;
  batches: number;
  durationMs: number;
  /** The batch limit ended the run while old snapshots were still being found. */
  truncated: boolean;
}

export class HistoryRetention {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  constructor(private readonly options: HistoryRetentionOptions) {}

  /** One pass, logged and counted like a timer's run; a failure is counted, logged and thrown. */
  async runOnce(): Promise<HistoryRetentionRun> {
    return this.run(() => true);
  }

  /** A timer's round: a pass when this instance holds the background lease, else nothing (undefined). */
  async runIfLeader(): Promise<HistoryRetentionRun | undefined> {
    // A leader that loses the lease mid-run stops after the batch in flight.
    return this.options.isLeader() ? this.run(this.options.isLeader) : undefined;
  }

  private async run(goOn: () => boolean): Promise<HistoryRetentionRun> {
    try {
      const run = await this.purge(goOn);
      this.options.onRun?.("ok", run.deleted);
      this.options.logger.info({ historyRetention: { ...run, days: this.options.days } }, "history retention run");
      return run;
    } catch (error) {
      this.options.onRun?.("failed", 0);
      this.options.logger.warn({ err: { message: (error as Error).message } }, "history retention run failed; retrying next interval");
      throw error;
    }
  }

  /** Batch after batch until the window runs out of old snapshots, or the batch limit. */
  private async purge(goOn: () => boolean): Promise<HistoryRetentionRun> {
    const { unitOfWork, publication } = this.options;
    const batchSize = this.options.batchSize ?? 1000;
    const maxBatches = this.options.maxBatches ?? 100;
    const startedAt = performance.now();
    const before = new Date((this.options.now?.() ?? new Date()).getTime() - this.options.days * DAY_MS);
    const run: HistoryRetentionRun = { deleted: 0, batches: 0, durationMs: 0, truncated: false };
    let after: RetentionCursor | undefined;
    for (;;) {
      if (run.batches >= maxBatches) {
        run.truncated = true;
        break;
      }
      if (run.batches > 0 && (this.stopped || !goOn())) break;
      const batch = await unitOfWork.write(ALL_TENANTS, (db) => purgeHistoryBatch(db, { before, publication, batchSize, after }));
      run.batches++;
      run.deleted += batch.deleted;
      after = batch.last;
      if (batch.scanned < batchSize || !after) break;
    }
    run.durationMs = Math.round(performance.now() - startedAt);
    return run;
  }

  start(): void {
    if (this.timer || this.stopped) return;
    const schedule = (delayMs: number) => {
      this.timer = setTimeout(() => {
        const round = this.runIfLeader().catch(() => null);
        this.running = round.then((run) => {
          this.running = undefined;
          if (!this.stopped) schedule(run === undefined ? this.followerRecheckMs() : this.options.intervalMinutes * MINUTE_MS);
        });
      }, delayMs);
      this.timer.unref();
    };
    schedule(this.options.firstRunDelayMs ?? 30_000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private followerRecheckMs(): number {
    return Math.min(this.options.followerRecheckMs ?? MINUTE_MS, this.options.intervalMinutes * MINUTE_MS);
  }
}

// Retention of raw usage (SPEC.md §12): hourly buckets stay; raw records older than 35 days, idempotency keys past
// their 7-day window and minute buckets older than an hour are deleted in bounded batches, one short transaction
// each, so the job never holds many locks or a long snapshot.
//
// One instance at a time: every batch first takes a transaction-scoped advisory lock with pg_try_advisory_xact_lock
// and stops the run when another instance holds it. When the generic leader lease lands, start() is simply called
// on the leader only; the per-batch lock can stay as a cheap guard (or go), nothing else changes.
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import { IntervalTask } from "../../infra/interval-task.js";
import type { Logger } from "../../infra/logger.js";
import { MINUTE_MS } from "./usage.model.js";
import type { PurgedRows, UsageRepository } from "./usage.repository.js";
import { MAX_AGE_MS } from "./usage.rules.js";

const DAY_MS = 24 * 60 * MINUTE_MS;
const KEY_WINDOW_MS = 7 * DAY_MS;
const MINUTE_BUCKET_AGE_MS = 60 * MINUTE_MS;

export interface UsageRetentionOptions {
  unitOfWork: UnitOfWork;
  repository: UsageRepository;
  logger: Logger;
  /** Minutes between runs; 0 turns the timer off (purgeExpired can still be called). */
  intervalMinutes: number;
  /** Rows of each table per batch (transaction). */
  batchSize?: number;
  /** Batches per run: a run ends after this many even if more is expired (the next run goes on). */
  maxBatches?: number;
  now?: () => Date;
}

export interface RetentionRun extends PurgedRows {
  /** Another instance held the lock: this run did nothing. */
  skipped: boolean;
}

export class UsageRetention {
  private readonly task: IntervalTask;
  private stopped = false;

  constructor(private readonly options: UsageRetentionOptions) {
    this.task = new IntervalTask(options.intervalMinutes * MINUTE_MS, () => this.runLogged());
  }

  /** Deletes what has expired, batch by batch, until nothing is left, the batch limit, or another instance runs. */
  async purgeExpired(): Promise<RetentionRun> {
    const { unitOfWork, repository } = this.options;
    const batchSize = this.options.batchSize ?? 5000;
    const maxBatches = this.options.maxBatches ?? 200;
    const total: RetentionRun = { records: 0, keys: 0, minutes: 0, skipped: false };
    for (let batch = 0; batch < maxBatches && !this.stopped; batch++) {
      const now = (this.options.now?.() ?? new Date()).getTime();
      const purged = await unitOfWork.write(ALL_TENANTS, async (db) => {
        if (!(await repository.tryRetentionLock(db))) return null;
        return repository.purgeBatch(db, {
          recordsBefore: new Date(now - MAX_AGE_MS),
          keysBefore: new Date(now - KEY_WINDOW_MS),
          minutesBefore: new Date(now - MINUTE_BUCKET_AGE_MS),
          batchSize,
        });
      });
      if (purged === null) {
        total.skipped = batch === 0;
        break;
      }
      total.records += purged.records;
      total.keys += purged.keys;
      total.minutes += purged.minutes;
      if (purged.records < batchSize && purged.keys < batchSize && purged.minutes < batchSize) break;
    }
    return total;
  }

  start(): void {
    this.task.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.task.stop();
  }

  private async runLogged(): Promise<void> {
    try {
      const run = await this.purgeExpired();
      if (!run.skipped) this.options.logger.info({ usageRetention: run }, "usage retention run");
    } catch (error) {
      this.options.logger.warn({ err: { message: (error as Error).message } }, "usage retention run failed; retrying next interval");
    }
  }
}

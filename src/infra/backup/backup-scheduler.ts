// Scheduled backups (SPEC.md §10.4): with BACKUP_DIR set, a backup every interval into that directory, keeping the
// newest `keep`. Runs only while this instance leads the background lease (one instance at a time, SPEC.md §14);
// a failed backup is logged and counted, and leaves no partial file (writeBackup writes FILE.tmp, then renames).
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { IntervalTask } from "../interval-task.js";
import type { Logger } from "../logger.js";
import type { BackupSummary } from "./backup.js";

/** pcs-backup-20261202T021855123Z.jsonl.gz: names sort by time. */
const FILE_NAME = /^pcs-backup-\d{8}T\d{9}Z\.jsonl\.gz$/;
/** What a backup killed midway (the process died) left behind. */
const TEMPORARY_NAME = /^pcs-backup-\d{8}T\d{9}Z\.jsonl\.gz\.tmp$/;

export const backupFileName = (at: Date): string => `pcs-backup-${at.toISOString().replace(/[-:.]/g, "")}.jsonl.gz`;

export interface BackupSchedulerOptions {
  directory: string;
  intervalMs: number;
  keep: number;
  isLeader: () => boolean;
  /** Writes one backup to `file` (atomically). */
  backup: (file: string) => Promise<BackupSummary>;
  logger: Logger;
  onOutcome?: (outcome: "success" | "failure") => void;
  now?: () => Date;
}

export class BackupScheduler {
  private readonly task: IntervalTask;

  constructor(private readonly options: BackupSchedulerOptions) {
    this.task = new IntervalTask(options.intervalMs, () => (options.isLeader() ? this.runOnce() : Promise.resolve()));
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** One backup and the pruning after it; never throws (the outcome is logged and counted). */
  async runOnce(): Promise<boolean> {
    const { directory, logger } = this.options;
    const file = join(directory, backupFileName(this.options.now?.() ?? new Date()));
    try {
      const summary = await this.options.backup(file);
      this.options.onOutcome?.("success");
      logger.info({ backup: { file, bytes: summary.bytes, rows: summary.rows } }, "scheduled backup written");
    } catch (error) {
      this.options.onOutcome?.("failure");
      logger.error({ backup: { file }, err: { message: (error as Error).message } }, "scheduled backup failed; retrying next interval");
      return false;
    }
    await this.prune().catch((error: unknown) =>
      logger.warn({ backup: { directory }, err: { message: (error as Error).message } }, "old backups could not be removed"),
    );
    return true;
  }

  /**
   * Removes all but the newest `keep` backups, and temporary files older than an interval (of a backup whose process
   * died; a backup still being written elsewhere is younger). Other files in the directory are left alone.
   */
  private async prune(): Promise<void> {
    const { directory, keep, intervalMs } = this.options;
    const entries = await readdir(directory);
    const names = entries.filter((name) => FILE_NAME.test(name)).sort();
    for (const name of names.slice(0, Math.max(0, names.length - keep))) await rm(join(directory, name), { force: true });
    const staleBefore = Date.now() - intervalMs;
    for (const name of entries.filter((entry) => TEMPORARY_NAME.test(entry))) {
      const file = join(directory, name);
      const modified = await stat(file).then(
        (info) => info.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      );
      if (modified < staleBefore) await rm(file, { force: true });
    }
  }
}

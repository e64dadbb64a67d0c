// Key rotation (SPEC.md §7): re-seals every stored credential and secret configData field (SPEC.md §10.3), in
// configs and in history snapshots, under the primary key (the first of CONFIG_ENCRYPTION_KEYS), in small batches,
// while the service keeps running.
//
// - Batches: each batch is one short read transaction (the next rows still sealed under another key, by primary
//   key: `id` for configs, `seq` for snapshots, keyset-paged) and one short write transaction (a single UPDATE).
//   Opening and sealing happen between the two, outside any transaction.
// - Concurrency: the UPDATE is a compare-and-set on the exact sealed values read (`IS NOT DISTINCT FROM`), and
//   takes its row locks with FOR UPDATE SKIP LOCKED. A row a writer changed since the read no longer matches and is
//   left alone (the writer sealed its new value with the primary key already, or the row is picked up again); a row
//   a writer holds locked right now is skipped instead of waited for, so rotation never waits for a lock, cannot
//   take part in a deadlock, and a writer waits at most for one batch's single UPDATE. Skipped rows are retried
//   (a few rounds) at the end of the run. Writers always lock a config before writing it (unit-of-work.ts), so a
//   writer never writes back a stale sealed value over a rotated one.
// - No version, no history, no updated_at: re-sealing changes no plaintext, so it is not a config change (SPEC.md
//   §3: a write that changes nothing writes no version); a version bump would make every client's expectedVersion
//   stale and flood history with entries that say nothing. Snapshots are re-sealed in place for the same reason:
//   rollback must still restore their credentials once the old key is gone. Caches hold no credentials (sealed or
//   plain), and nothing they hold changes, so nothing is invalidated.
// - Resumable: only rows still sealed under another key are ever selected, so a run that stops anywhere (crash,
//   Ctrl-C, maxBatches) simply continues where the work is left when run again.
// - A value no configured key opens is reported (table, config id, field; never the value), left as it is, and
//   counted as failed; the run goes on.
import { ALL_TENANTS } from "../../domain/tenant-scope.js";
import type { UnitOfWork } from "../../infra/database/unit-of-work.js";
import type { Logger } from "../../infra/logger.js";
import {
  type CredentialTable,
  KeyRotationRepository,
  type ResealedRow,
  type SealedRow,
  type Selection,
  TABLES,
  type TableSpec,
} from "./key-rotation.repository.js";
import { type CredentialSealer, credentialContext, type SealedField } from "./provider-config.rules.js";
import type { SealedSecrets } from "./secret-data.js";

/** Seals with the primary key and opens with any configured key (SecretBox). */
export interface RotationSealer extends CredentialSealer {
  readonly primaryKeyId: string;
}

export interface TableReport {
  /** Rows whose every credential is now sealed under the primary key. */
  rotated: number;
  /** Rows with at least one value no configured key opens (left as they were; see `failures`). */
  failed: number;
  /** Rows a concurrent writer held or changed in every attempt (left to the next run). */
  skipped: number;
}

export interface RotationFailure {
  table: CredentialTable;
  configId: string;
  /** The snapshot's version (snapshots only). */
  version?: number;
  /** apiKey, apiSecret or configData.<field>. */
  field: SealedField;
  /** Why it could not be opened (names the key id, never key material or the value). */
  reason: string;
}

export interface RotationReport {
  primaryKeyId: string;
  configs: TableReport;
  snapshots: TableReport;
  failures: RotationFailure[];
  /** Rows still holding a value sealed under another key after the run (0 = the old keys can be removed). */
  remaining: number;
}

export interface RemainingCount {
  primaryKeyId: string;
  /** Rows with a value sealed under another key than the primary. */
  configs: number;
  snapshots: number;
  remaining: number;
  /** Stored sealed values (both tables, every sealed field) per key id, the primary included. */
  valuesByKeyId: Record<string, number>;
}

export interface RotationOptions {
  /** Rows per transaction. */
  batchSize?: number;
  /** Stop after this many batches (the rest is left for the next run). */
  maxBatches?: number;
  /** Called between reading a batch and writing it back (tests race a writer against it). */
  beforeWrite?: (table: CredentialTable, configIds: readonly string[]) => Promise<void>;
}

export interface KeyRotationDeps {
  unitOfWork: UnitOfWork;
  sealer: RotationSealer;
  logger?: Pick<Logger, "info" | "warn">;
}

export const DEFAULT_BATCH_SIZE = 200;
/** Rounds of retrying rows a writer held or changed, and the pause before each. */
const RETRY_ROUNDS = 3;
const RETRY_PAUSE_MS = 200;

class BatchLimitReached extends Error {}

export class KeyRotationService {
  private readonly repository = new KeyRotationRepository();

  constructor(private readonly deps: KeyRotationDeps) {}

  /** Counts what is still sealed under another key than the primary (the dry run; nothing is written). */
  async countRemaining(): Promise<RemainingCount> {
    const prefix = this.primaryPrefix();
    const { configs, snapshots, valuesByKeyId } = await this.deps.unitOfWork.read(ALL_TENANTS, (db) =>
      this.repository.countUnderOtherKey(db, prefix),
    );
    return { primaryKeyId: this.deps.sealer.primaryKeyId, configs, snapshots, remaining: configs + snapshots, valuesByKeyId };
  }

  /** Re-seals everything still under another key; see the top of this file. */
  async rotate(options: RotationOptions = {}): Promise<RotationReport> {
    const run = new RotationRun(this.deps, this.repository, this.primaryPrefix(), options);
    try {
      for (const table of TABLES) await run.table(table);
    } catch (error) {
      if (!(error instanceof BatchLimitReached)) throw error;
    }
    const { remaining } = await this.countRemaining();
    return { primaryKeyId: this.deps.sealer.primaryKeyId, ...run.report(), remaining };
  }

  private primaryPrefix(): string {
    return `v1.${this.deps.sealer.primaryKeyId}.`;
  }
}

/** One rotate() call: its counters, its batch budget, its rows to retry. */
class RotationRun {
  private batches = 0;
  private readonly tables: Record<CredentialTable, TableReport> = {
    configs: { rotated: 0, failed: 0, skipped: 0 },
    snapshots: { rotated: 0, failed: 0, skipped: 0 },
  };
  private readonly failures: RotationFailure[] = [];
  private readonly batchSize: number;

  constructor(
    private readonly deps: KeyRotationDeps,
    private readonly repository: KeyRotationRepository,
    private readonly prefix: string,
    private readonly options: RotationOptions,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError("batchSize must be a whole number of at least 1");
  }

  report(): Pick<RotationReport, "configs" | "snapshots" | "failures"> {
    return { configs: this.tables.configs, snapshots: this.tables.snapshots, failures: this.failures };
  }

  async table(spec: TableSpec): Promise<void> {
    let skipped: string[] = [];
    let after: string | null = null;
    for (;;) {
      const batch = await this.batch(spec, { after });
      if (!batch) break;
      skipped.push(...batch.skipped);
      after = batch.last;
    }
    for (let round = 1; round <= RETRY_ROUNDS && skipped.length > 0; round++) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS * round));
      const retry = skipped;
      skipped = [];
      for (let start = 0; start < retry.length; start += this.batchSize) {
        skipped.push(...((await this.batch(spec, { keys: retry.slice(start, start + this.batchSize) }))?.skipped ?? []));
      }
    }
    this.tables[spec.name].skipped = skipped.length;
  }

  /** Reads, re-seals and writes back one batch; undefined when there was nothing left to read. */
  private async batch(spec: TableSpec, selection: Selection): Promise<{ last: string; skipped: string[] } | undefined> {
    if (this.options.maxBatches !== undefined && this.batches >= this.options.maxBatches) throw new BatchLimitReached();
    const rows = await this.deps.unitOfWork.read(ALL_TENANTS, (db) =>
      this.repository.selectBatch(db, spec, selection, this.prefix, this.batchSize),
    );
    const last = rows.at(-1);
    if (!last) return undefined;
    this.batches++;

    const resealed: ResealedRow[] = [];
    let failed = 0;
    for (const row of rows) {
      const apiKey = this.reseal(spec, row, "apiKey", row.apiKey);
      const apiSecret = this.reseal(spec, row, "apiSecret", row.apiSecret);
      const secrets = Object.entries(row.secretData).map(([name, sealed]) => {
        const { value, failed } = this.reseal(spec, row, `configData.${name}`, sealed);
        return { name, value: value ?? sealed, failed };
      });
      const secretData: SealedSecrets = Object.fromEntries(secrets.map(({ name, value }) => [name, value]));
      if (apiKey.failed || apiSecret.failed || secrets.some((secret) => secret.failed)) failed++;
      if (
        apiKey.value !== row.apiKey ||
        apiSecret.value !== row.apiSecret ||
        secrets.some(({ name, value }) => value !== row.secretData[name])
      )
        resealed.push({ row, apiKey: apiKey.value, apiSecret: apiSecret.value, secretData });
    }
    await this.options.beforeWrite?.(
      spec.name,
      rows.map((row) => row.configId),
    );
    const written = resealed.length === 0 ? new Set<string>() : await this.write(spec, resealed);
    const rotated = resealed.filter(
      ({ row, apiKey, apiSecret, secretData }) =>
        written.has(row.key) &&
        this.underPrimary(apiKey) &&
        this.underPrimary(apiSecret) &&
        Object.values(secretData).every((value) => this.underPrimary(value)),
    );
    const skipped = resealed.filter(({ row }) => !written.has(row.key)).map(({ row }) => row.key);

    const counts = this.tables[spec.name];
    counts.rotated += rotated.length;
    if ("after" in selection) counts.failed += failed;
    this.deps.logger?.info(
      { table: spec.name, batch: this.batches, rows: rows.length, rotated: rotated.length, failed, skipped: skipped.length },
      "key rotation batch",
    );
    return { last: last.key, skipped };
  }

  private async write(spec: TableSpec, rows: readonly ResealedRow[]): Promise<Set<string>> {
    const updated = await this.deps.unitOfWork.write(ALL_TENANTS, (db) => this.repository.writeBatch(db, spec, rows));
    return new Set(updated);
  }

  /** The value sealed under the primary key; the stored one when it already is, is null, or cannot be opened. */
  private reseal(spec: TableSpec, row: SealedRow, field: SealedField, stored: string | null): { value: string | null; failed: boolean } {
    if (stored === null || this.underPrimary(stored)) return { value: stored, failed: false };
    const context = credentialContext(row.configId, field);
    let plaintext: string;
    try {
      plaintext = this.deps.sealer.open(stored, context);
    } catch (error) {
      const reason = error instanceof Error ? error.message : "cannot be opened";
      const failure: RotationFailure = { table: spec.name, configId: row.configId, field, reason };
      if (row.version !== null) failure.version = row.version;
      // Reported once per run: a retried row is not reported again.
      if (!this.failures.some((known) => sameFailure(known, failure))) {
        this.failures.push(failure);
        this.deps.logger?.warn(failure, "key rotation: a stored credential cannot be opened with any configured key; left as it is");
      }
      return { value: stored, failed: true };
    }
    return { value: this.deps.sealer.seal(plaintext, context), failed: false };
  }

  private underPrimary(value: string | null): boolean {
    return value === null || value.startsWith(this.prefix);
  }
}

function sameFailure(a: RotationFailure, b: RotationFailure): boolean {
  return a.table === b.table && a.configId === b.configId && a.version === b.version && a.field === b.field;
}

// A leader lease (SPEC.md §14): background work that must run on exactly one instance (NATS publication; later the
// health monitor, retention, backups) runs only while this instance holds the lease of its name. The lease lives
// in PostgreSQL (lease.store.ts) for `ttlMs` and is renewed every `renewEveryMs`; when its holder dies, another
// instance takes it over once it expires — within ttlMs + renewEveryMs (15 s + 5 s by default, under SPEC's 30 s).
//
// This instance counts itself the leader only until `askedAt + ttlMs`, where askedAt is when it sent the renewal
// that succeeded: the database set the expiry at or after that moment, so the local deadline passes first and a
// paused or cut-off instance stops before anyone else can start. Writes that only the leader may make also check
// the lease in the database (leaseHeld in lease.store.ts).

import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { performance } from "node:perf_hooks";

export const DEFAULT_LEASE_TTL_MS = 15_000;

export interface LeaseBackend {
  tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface LeaseLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface LeaderLeaseOptions {
  readonly name: string;
  readonly backend: LeaseBackend;
  readonly logger: LeaseLogger;
  /** Default: host, process id and a random part, unique per instance. */
  readonly holder?: string;
  readonly ttlMs?: number;
  /** Default: a third of the TTL, so that two renewals can fail before the lease lapses. */
  readonly renewEveryMs?: number;
  /** Told every change of leadership (metrics). */
  readonly onChange?: (leading: boolean) => void;
  /** Monotonic milliseconds (tests). */
  readonly now?: () => number;
}

export const instanceHolderId = (): string => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class LeaderLease {
  readonly name: string;
  readonly holder: string;
  readonly ttlMs: number;
  private readonly renewEveryMs: number;
  private readonly now: () => number;
  private held = false;
  private deadline = 0;
  private started = false;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.name = options.name;
    this.holder = options.holder ?? instanceHolderId();
    this.ttlMs = options.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    this.renewEveryMs = options.renewEveryMs ?? Math.max(1, Math.floor(this.ttlMs / 3));
    this.now = options.now ?? (() => performance.now());
  }

  /** True while this instance holds the lease (by its own, conservative, clock). */
  get leading(): boolean {
    if (this.held && this.now() >= this.deadline) this.lose("expired before it could be renewed");
    return this.held;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.cycle();
  }

  /**
   * Stops renewing and waits for a renewal in flight. With `release` (a graceful stop) the lease is given up at once
   * so another instance takes over without waiting for it to expire; without it the lease simply lapses (tests use
   * this to play an instance that died).
   */
  async stop({ release = true }: { release?: boolean } = {}): Promise<void> {
    this.started = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
    const wasHeld = this.held;
    this.setHeld(false);
    if (!release || !wasHeld) return;
    await this.options.backend.release(this.name, this.holder).catch((error: unknown) => {
      this.options.logger.warn({ lease: this.name, reason: reasonOf(error) }, "lease release failed; it expires on its own");
    });
  }

  /** One acquire-or-renew round (tests drive it directly). */
  async renew(): Promise<boolean> {
    const askedAt = this.now();
    try {
      const ours = await this.options.backend.tryAcquire(this.name, this.holder, this.ttlMs);
      if (ours) {
        this.deadline = askedAt + this.ttlMs;
        if (!this.held) this.options.logger.info({ lease: this.name, holder: this.holder }, "lease acquired");
        this.setHeld(true);
      } else if (this.held) {
        this.lose("taken by another instance");
      }
      return ours;
    } catch (error) {
      // The database is unreachable: keep leading until the local deadline, which `leading` enforces.
      this.options.logger.warn({ lease: this.name, reason: reasonOf(error) }, "lease renewal failed");
      return this.leading;
    }
  }

  private cycle(): void {
    if (!this.started) return;
    this.running = this.renew()
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (!this.started) return;
        this.timer = setTimeout(() => this.cycle(), this.renewEveryMs);
        // Background work must never keep the process alive on its own.
        this.timer.unref();
      });
  }

  private lose(why: string): void {
    if (!this.held) return;
    this.options.logger.warn({ lease: this.name, holder: this.holder, why }, "lease lost");
    this.setHeld(false);
  }

  private setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    this.options.onChange?.(held);
  }
}

const reasonOf = (error: unknown): string => (error instanceof Error ? error.name : "unknown");

// Bounds the outbound health checks of one instance (SPEC.md §13 fair use). Each check may hold a connection for up to
// PROVIDER_CHECK_TIMEOUT_MS, so without a bound many requests could make this instance hammer providers and pile up
// sockets. A few checks run at once, a few more wait their turn, and beyond that a check is refused at once rather
// than queued without limit.
import { serviceUnavailable } from "../../errors.js";

export const MAX_CONCURRENT_CHECKS = 8;
export const MAX_WAITING_CHECKS = 32;

export class CheckLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly maxConcurrent = MAX_CONCURRENT_CHECKS,
    private readonly maxWaiting = MAX_WAITING_CHECKS,
  ) {}

  /** Runs `task` once a slot is free; SERVICE_UNAVAILABLE when the waiting line is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.maxConcurrent) {
      this.active++;
    } else if (this.waiting.length < this.maxWaiting) {
      // release() hands its slot straight to us, so `active` already counts this task when we wake.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      throw serviceUnavailable("Too many health checks in progress; try again shortly.");
    }
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

// Background work run every interval, one run at a time: the next run is scheduled when the previous one has ended
// (runs never overlap), the timer does not keep the process alive, and stop() waits for the run in progress.
export class IntervalTask {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;
  private stopped = false;

  /** `run` must not throw (log and count its failures itself). An interval of 0 or less never runs. */
  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer || this.stopped) return;
    const schedule = () => {
      this.timer = setTimeout(() => {
        this.running = this.run().finally(() => {
          this.running = undefined;
          if (!this.stopped) schedule();
        });
      }, this.intervalMs);
      this.timer.unref();
    };
    schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}

// The per-instance bound on outbound health checks: a few at once, a short waiting line, then SERVICE_UNAVAILABLE.
import { describe, expect, it } from "vitest";
import { AppError } from "../../errors.js";
import { CheckLimiter } from "./provider-check.limiter.js";

/** A task that runs until its release() is called. */
function blockedTask() {
  let release = (): void => undefined;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  let started = false;
  return {
    run: async () => {
      started = true;
      await done;
    },
    release: () => release(),
    started: () => started,
  };
}

describe("CheckLimiter", () => {
  it("runs at most maxConcurrent tasks, queues up to maxWaiting more, and refuses the rest with SERVICE_UNAVAILABLE", async () => {
    const limiter = new CheckLimiter(2, 1);
    const tasks = [blockedTask(), blockedTask(), blockedTask()];
    const running = tasks.map((task) => limiter.run(task.run));
    await Promise.resolve();
    expect(tasks.map((task) => task.started())).toEqual([true, true, false]);

    const refused = await limiter.run(async () => "never").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "SERVICE_UNAVAILABLE", message: expect.stringMatching(/too many health checks in progress/i) });

    tasks[0]?.release();
    await running[0];
    await new Promise((resolve) => setImmediate(resolve));
    expect(tasks[2]?.started()).toBe(true);
    tasks[1]?.release();
    tasks[2]?.release();
    await Promise.all(running);
    // Every slot is free again.
    expect(await Promise.all([1, 2, 3].map((n) => limiter.run(async () => n)))).toEqual([1, 2, 3]);
  });

  it("frees the slot when a task fails", async () => {
    const limiter = new CheckLimiter(1, 0);
    await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await limiter.run(async () => "ok")).toBe("ok");
  });
});

// A private nats-server with JetStream for a test file: started on a free port with its store in a temporary
// directory, stopped (killed, as a crash would) and started again on the same port and store.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { connect as connectTcp } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.js";

export const natsServerAvailable = (): boolean => spawnSync("nats-server", ["--version"]).status === 0;

export interface PrivateNats {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

const answers = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connectTcp(port, "127.0.0.1");
    socket.once("data", () => {
      socket.destroy();
      resolve(true); // the server's INFO line
    });
    socket.once("error", () => resolve(false));
  });

export async function startPrivateNats(): Promise<PrivateNats> {
  const dir = await mkdtemp(join(tmpdir(), "pcs-nats-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const start = async () => {
    child = spawn("nats-server", ["-js", "-a", "127.0.0.1", "-p", String(port), "-sd", dir], { stdio: "ignore" });
    for (let attempt = 0; !(await answers(port)); attempt++) {
      if (attempt > 200) throw new Error("private nats-server did not start");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGKILL");
    await exited;
  };

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    stop,
    start,
    dispose: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

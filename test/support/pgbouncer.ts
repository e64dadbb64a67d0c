// A private PgBouncer in transaction mode (SPEC.md §14) in front of the machine's PostgreSQL, for one test file.
// Debian's pgbouncer refuses to run as root, so as root it runs as the `postgres` user (-u).
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasPgBouncer = (): boolean => spawnSync("sh", ["-c", "command -v pgbouncer"]).status === 0;

export interface PgBouncer {
  /** `url` with the host and port of PgBouncer instead of PostgreSQL's. */
  via(url: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.destroy();
        resolve(true);
      });
      socket.on("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("pgbouncer did not start listening");
}

export async function startPgBouncer(serverHost = "127.0.0.1", serverPort = 5432): Promise<PgBouncer> {
  const dir = await mkdtemp(join(tmpdir(), "pcs-pgbouncer-"));
  await chmod(dir, 0o777);
  const port = await freePort();
  const ini = join(dir, "pgbouncer.ini");
  await writeFile(join(dir, "userlist.txt"), '"postgres" ""\n');
  await writeFile(
    ini,
    [
      "[databases]",
      `* = host=${serverHost} port=${serverPort}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      "max_client_conn = 500",
      "default_pool_size = 20",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      `pidfile = ${join(dir, "pgbouncer.pid")}`,
      "",
    ].join("\n"),
  );
  const asRoot = process.getuid?.() === 0;
  const child = spawn("pgbouncer", [...(asRoot ? ["-u", "postgres"] : []), ini], { stdio: "ignore" });
  await waitForPort(port, child);
  return {
    via: (url) => Object.assign(new URL(url), { host: `127.0.0.1:${port}` }).toString(),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

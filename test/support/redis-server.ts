// A private redis-server for outage tests: started on a free port, then stopped, paused and restarted with its
// old data (append-only file in a temporary directory) while the service keeps running.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Cluster, Redis } from "ioredis";
import { freePort } from "./ports.js";

export const redisServerAvailable = (): boolean => spawnSync("redis-server", ["--version"]).status === 0;
export const redisCliAvailable = (): boolean => spawnSync("redis-cli", ["--version"]).status === 0;

export interface PrivateRedis {
  url: string;
  /** A client of the test's own (not the service's). */
  client(): Redis;
  stop(): Promise<void>;
  start(): Promise<void>;
  pause(): void;
  resume(): void;
  dispose(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(join(tmpdir(), "pcs-redis-"));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const clients: Redis[] = [];

  const start = async () => {
    child = spawn(
      "redis-server",
      ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--appendfsync", "always"],
      {
        stdio: "ignore",
      },
    );
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => {});
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        await probe.ping();
        probe.disconnect();
        return;
      } catch {
        if (attempt > 100) throw new Error("private redis-server did not start");
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    running.kill("SIGCONT");
    const exited = new Promise((resolve) => running.once("exit", resolve));
    running.kill("SIGTERM");
    await exited;
  };

  await start();
  return {
    url,
    client: () => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      client.on("error", () => {});
      clients.push(client);
      return client;
    },
    stop,
    start,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
    dispose: async () => {
      for (const client of clients) client.disconnect();
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivateSentinelGroup {
  /** For REDIS_SENTINELS. */
  sentinels: string;
  /** For REDIS_SENTINEL_NAME. */
  name: string;
  /** The port of the current master, as the Sentinel reports it. */
  masterPort(): Promise<number>;
  /** A client of the test's own, on the current master. */
  masterClient(): Promise<Redis>;
  /** SENTINEL FAILOVER, then waits until the Sentinel reports the other server as the master. */
  failover(): Promise<void>;
  dispose(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns true (errors count as false). */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A private master, one replica and one Sentinel (quorum 1) watching them as `pcsmaster`. */
export async function startPrivateSentinelGroup(): Promise<PrivateSentinelGroup> {
  const name = "pcsmaster";
  const dir = await mkdtemp(join(tmpdir(), "pcs-sentinel-"));
  const [masterPort, replicaPort, sentinelPort] = [await freePort(), await freePort(), await freePort()];
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const client = (port: number) => {
    const redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
    redis.on("error", () => {});
    clients.push(redis);
    return redis;
  };
  const server = async (port: number, ...extra: string[]) => {
    const data = join(dir, String(port));
    await mkdir(data);
    children.push(
      spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", data, "--save", "", "--appendonly", "no", ...extra], {
        stdio: "ignore",
      }),
    );
  };
  const dispose = async () => {
    for (const redis of clients) redis.disconnect();
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGKILL");
        return exited;
      }),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await server(masterPort);
    await server(replicaPort, "--replicaof", "127.0.0.1", String(masterPort));
    // The Sentinel rewrites its configuration file: it must be writable, hence the temporary directory.
    const conf = join(dir, "sentinel.conf");
    await writeFile(
      conf,
      [
        `port ${sentinelPort}`,
        "bind 127.0.0.1",
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} 1000`,
        `sentinel failover-timeout ${name} 5000`,
        "",
      ].join("\n"),
    );
    children.push(spawn("redis-server", [conf, "--sentinel"], { stdio: "ignore" }));
    const sentinel = client(sentinelPort);
    const replica = client(replicaPort);
    await until("the replica in sync", async () => /master_link_status:up/.test(await replica.info("replication")));
    await until("the Sentinel to know the master and its replica", async () => {
      const master = (await sentinel.call("SENTINEL", "get-master-addr-by-name", name)) as string[] | null;
      const replicas = (await sentinel.call("SENTINEL", "replicas", name)) as string[][];
      return master?.[1] === String(masterPort) && replicas.length === 1;
    });
    const currentMaster = async () => Number(((await sentinel.call("SENTINEL", "get-master-addr-by-name", name)) as string[])[1]);
    return {
      sentinels: `127.0.0.1:${sentinelPort}`,
      name,
      masterPort: currentMaster,
      masterClient: async () => client(await currentMaster()),
      failover: async () => {
        const before = await currentMaster();
        // NOGOODSLAVE until the Sentinel has fresh INFO from the replica (it asks every 10 s): retry.
        await until("SENTINEL FAILOVER to be accepted", async () => (await sentinel.call("SENTINEL", "FAILOVER", name)) === "OK");
        await until("the Sentinel to report the new master", async () => (await currentMaster()) !== before);
        const promoted = client(await currentMaster());
        await until("the new master to accept writes", async () => /role:master/.test(await promoted.info("replication")));
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

export interface PrivateCluster {
  /** For REDIS_CLUSTER_NODES. */
  nodes: string;
  ports: number[];
  /** A Cluster client of the test's own. */
  client(): Cluster;
  /** Stops one node, waits `downMs`, starts it again (empty: no persistence; it keeps its slots) and waits for cluster_state:ok. */
  restart(index: number, downMs?: number): Promise<void>;
  dispose(): Promise<void>;
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function clusterPort(taken: readonly number[]): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 > 65_535 || taken.includes(port)) continue;
    const bus = await new Promise<boolean>((resolve) => {
      const probe = createServer();
      probe.once("error", () => resolve(false));
      probe.listen(port + 10_000, "127.0.0.1", () => probe.close(() => resolve(true)));
    });
    if (bus) return port;
  }
}

/** Three masters, no replicas, the slots spread over them by `redis-cli --cluster create`. */
export async function startPrivateCluster(): Promise<PrivateCluster> {
  const dir = await mkdtemp(join(tmpdir(), "pcs-cluster-"));
  const ports: number[] = [];
  for (let i = 0; i < 3; i++) ports.push(await clusterPort(ports));
  const children = new Map<number, ChildProcess>();
  const clients: Array<Redis | Cluster> = [];
  const nodeClients = new Map<number, Redis>();
  /** One plain client per node (reconnecting across restarts), for CLUSTER INFO and PING. */
  const node = (port: number) => {
    let redis = nodeClients.get(port);
    if (!redis) {
      redis = new Redis({ host: "127.0.0.1", port, maxRetriesPerRequest: 1, retryStrategy: () => 100 });
      redis.on("error", () => {});
      nodeClients.set(port, redis);
      clients.push(redis);
    }
    return redis;
  };
  const startNode = (index: number) => {
    const port = ports[index] as number;
    // The node's own state (id, slots, peers) lives in its cluster config file, so a restarted node rejoins as itself.
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no", "--daemonize", "no"];
    args.push("--cluster-enabled", "yes", "--cluster-config-file", join(dir, `nodes-${index}.conf`), "--cluster-node-timeout", "2000");
    children.set(port, spawn("redis-server", args, { stdio: "ignore" }));
  };
  const stopNode = async (index: number) => {
    const child = children.get(ports[index] as number);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGKILL");
    await exited;
  };
  const clusterOk = () =>
    until(
      "cluster_state:ok on every node",
      async () =>
        (await Promise.all(ports.map(async (port) => (await node(port).cluster("INFO")) as string))).every((info) =>
          info.includes("cluster_state:ok"),
        ),
      30_000,
    );
  const dispose = async () => {
    for (const client of clients) client.disconnect();
    await Promise.all(ports.map((_, index) => stopNode(index)));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let index = 0; index < ports.length; index++) startNode(index);
    await until("the nodes to answer", async () =>
      (await Promise.all(ports.map((port) => node(port).ping()))).every((pong) => pong === "PONG"),
    );
    const created = spawnSync(
      "redis-cli",
      ["--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes"],
      {
        encoding: "utf8",
      },
    );
    if (created.status !== 0) throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    await clusterOk();
    return {
      nodes: ports.map((port) => `127.0.0.1:${port}`).join(","),
      ports,
      client: () => {
        const cluster = new Cluster(ports.map((port) => ({ host: "127.0.0.1", port })));
        cluster.on("error", () => {});
        clients.push(cluster);
        return cluster;
      },
      restart: async (index, downMs = 500) => {
        await stopNode(index);
        await sleep(downMs);
        startNode(index);
        await clusterOk();
      },
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

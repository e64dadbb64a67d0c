// The Redis connection. A Redis that is down or slow must cost a request a few milliseconds at most (SPEC.md §5):
// commands time out quickly, nothing queues while disconnected, and the client reconnects by itself forever.
// The server is one URL, the master of a Sentinel group, or a Cluster (SPEC.md §14). With Sentinel the client asks
// the Sentinels where the master is on every (re)connect, and a fail-over is a lost connection like any other
// (RedisCache distrusts Redis until it has replaced the epoch, so writes the old master had not yet replicated
// cannot make a read stale). A Cluster client learns the slots from any node, follows MOVED and ASK, and
// pipelines per node; every script it runs keeps to one key, so it never crosses a slot (RedisCache reads a
// response in one script only on a single server).
import { Cluster, type RedisOptions as IORedisOptions, Redis } from "ioredis";
import type { RedisClusterConfig, RedisSentinelConfig } from "../../config.js";
import type { Logger } from "../logger.js";

export interface RedisOptions {
  /** Per-command timeout. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** Either client: the commands, pipelines, scripts and pub/sub used here work the same on both. */
export type RedisClient = Redis | Cluster;

const QUIET_PERIOD_MS = 30_000;
const backOff = (attempt: number): number => Math.min(50 * 2 ** Math.min(attempt, 6), 2000);
export const REDIS_CONNECTION_NAME = "provider-config-service";

/** `target`: a redis:// URL, a Sentinel group, or a Cluster. */
export function createRedisClient(
  target: string | RedisSentinelConfig | RedisClusterConfig,
  logger: Logger,
  options: RedisOptions = {},
): RedisClient {
  const common: IORedisOptions = {
    connectTimeout: options.connectTimeoutMs ?? 1000,
    commandTimeout: options.commandTimeoutMs ?? 250,
    // Fail at once while disconnected instead of queueing: callers fall back to the database.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: backOff,
    enableAutoPipelining: true,
    lazyConnect: true,
    // Shows in CLIENT LIST, so operators (and the shutdown test) can tell this process's connection apart.
    connectionName: `${REDIS_CONNECTION_NAME}:${process.pid}`,
  };
  const redis =
    typeof target === "string"
      ? new Redis(target, common)
      : "nodes" in target
        ? clusterClient(target, common)
        : new Redis({ ...common, ...sentinelOptions(target, common) });
  // Reconnect attempts fail every second or two while Redis is down: log the first failure, then at most one a period.
  let lastLogged = 0;
  redis.on("error", (error: Error) => {
    const now = Date.now();
    if (now - lastLogged < QUIET_PERIOD_MS) return;
    lastLogged = now;
    logger.warn({ err: { message: error.message } }, "redis unavailable; serving from the database until it is back");
  });
  redis.on("ready", () => {
    if (lastLogged > 0) logger.info("redis reconnected");
    lastLogged = 0;
  });
  // Not awaited: the service starts and serves without Redis.
  redis.connect().catch(() => {});
  return redis;
}

function sentinelOptions(sentinel: RedisSentinelConfig, common: IORedisOptions): IORedisOptions {
  return {
    sentinels: sentinel.sentinels,
    name: sentinel.name,
    password: sentinel.password,
    sentinelPassword: sentinel.sentinelPassword,
    sentinelCommandTimeout: common.connectTimeout,
    // While no Sentinel answers: try them all again, backing off like the reconnects.
    sentinelRetryStrategy: backOff,
    // Listens for +switch-master, so the client leaves a demoted master at once instead of at its next error.
    failoverDetector: true,
    // A demoted master refuses writes: reconnect (through the Sentinels) without resending; the caller falls back.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
  };
}

function clusterClient(cluster: RedisClusterConfig, common: IORedisOptions): Cluster {
  // Options of the Cluster itself, not of its node connections (which always queue until their node is ready).
  const { enableOfflineQueue, enableAutoPipelining, lazyConnect, retryStrategy: _perNode, ...perNode } = common;
  return new Cluster(cluster.nodes, {
    redisOptions: { ...perNode, password: cluster.password },
    enableOfflineQueue,
    enableAutoPipelining,
    lazyConnect,
    // While no node answers: ask them all for the slots again, backing off like the reconnects.
    clusterRetryStrategy: backOff,
    slotsRefreshTimeout: common.connectTimeout,
    // Fail at once, like the single-server client, instead of retrying a command every 100 ms up to 16 times
    // (ioredis's defaults) while a node is down or the Cluster is failing over: callers fall back to the database.
    retryDelayOnFailover: 0,
    retryDelayOnClusterDown: 0,
    // No per-node reconnects (the default): a lost node connection is dropped and announced ("-node", which
    // RedisCache takes as a reason to distrust), and the next command to its slots opens a new one.
  });
}

/** QUIT when connected (the server sees a clean goodbye, pending replies arrive first), else just drop the socket(s). */
export async function closeRedisClient(redis: RedisClient): Promise<void> {
  // QUIT is a command like any other: the client's commandTimeout bounds the wait.
  if (redis.status === "ready") await redis.quit().catch(() => {});
  redis.disconnect();
}

// The Redis connection. A Redis that is down or slow must cost a request a few milliseconds at most (SPEC.md §5):
// commands time out quickly, nothing queues while disconnected, and the client reconnects by itself forever.
// The server is one URL, or the master of a Sentinel group (SPEC.md §14): the client asks the Sentinels where the
// master is on every (re)connect, and a fail-over is a lost connection like any other (RedisCache distrusts Redis
// until it has replaced the epoch, so writes the old master had not yet replicated cannot make a read stale).
import { type RedisOptions as IORedisOptions, Redis } from "ioredis";
import type { RedisSentinelConfig } from "../../config.js";
import type { Logger } from "../logger.js";

export interface RedisOptions {
  /** Per-command timeout. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const QUIET_PERIOD_MS = 30_000;
export const REDIS_CONNECTION_NAME = "provider-config-service";

/** `target`: a redis:// URL, or a Sentinel group. */
export function createRedisClient(target: string | RedisSentinelConfig, logger: Logger, options: RedisOptions = {}): Redis {
  const common: IORedisOptions = {
    connectTimeout: options.connectTimeoutMs ?? 1000,
    commandTimeout: options.commandTimeoutMs ?? 250,
    // Fail at once while disconnected instead of queueing: callers fall back to the database.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000),
    enableAutoPipelining: true,
    lazyConnect: true,
    // Shows in CLIENT LIST, so operators (and the shutdown test) can tell this process's connection apart.
    connectionName: `${REDIS_CONNECTION_NAME}:${process.pid}`,
  };
  const redis = typeof target === "string" ? new Redis(target, common) : new Redis({ ...common, ...sentinelOptions(target, common) });
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
    sentinelRetryStrategy: (attempt) => Math.min(50 * 2 ** Math.min(attempt, 6), 2000),
    // Listens for +switch-master, so the client leaves a demoted master at once instead of at its next error.
    failoverDetector: true,
    // A demoted master refuses writes: reconnect (through the Sentinels) without resending; the caller falls back.
    reconnectOnError: (error) => error.message.startsWith("READONLY"),
  };
}

/** QUIT when connected (the server sees a clean goodbye, pending replies arrive first), else just drop the socket. */
export async function closeRedisClient(redis: Redis, timeoutMs = 1000): Promise<void> {
  if (redis.status === "ready") {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([redis.quit().catch(() => {}), timeout]);
    clearTimeout(timer);
  }
  redis.disconnect();
}

// The Redis connection. A Redis that is down or slow must cost a request a few milliseconds at most (SPEC.md §5):
// commands time out quickly, nothing queues while disconnected, and the client reconnects by itself forever.
import { Redis } from "ioredis";
import type { Logger } from "../logger.js";

export interface RedisOptions {
  /** Per-command timeout. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
}

const QUIET_PERIOD_MS = 30_000;
export const REDIS_CONNECTION_NAME = "provider-config-service";

export function createRedisClient(url: string, logger: Logger, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
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
  });
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

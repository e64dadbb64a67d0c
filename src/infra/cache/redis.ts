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

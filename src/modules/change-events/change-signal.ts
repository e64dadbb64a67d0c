// Tells the other instances that something committed, so that their hubs read now instead of at the next poll.
// A wake-up only: the events themselves are always read from the database, so a lost signal loses nothing.
import { Redis } from "ioredis";
import type { RedisClient } from "../../infra/cache/redis.js";

export interface ChangeSignal {
  /** Fire and forget: never throws, never waits for Redis. */
  publish(): void;
  close(): Promise<void>;
}

export const NO_SIGNAL: ChangeSignal = { publish: () => {}, close: async () => {} };

/**
 * Redis pub/sub on one channel; the subscription needs a connection of its own. In a Cluster a message published
 * on any node reaches subscribers on every node, so the subscriber may sit on any of them.
 */
export async function redisChangeSignal(redis: RedisClient, channel: string, onSignal: () => void): Promise<ChangeSignal> {
  const subscriber: RedisClient = redis instanceof Redis ? redis.duplicate() : redis.duplicate();
  subscriber.on("error", () => {}); // the poll covers an outage; ioredis reconnects and resubscribes by itself
  subscriber.on("message", (from: string) => {
    if (from === channel) onSignal();
  });
  await subscriber.subscribe(channel).catch(() => {});
  return {
    publish: () => {
      redis.publish(channel, "1").catch(() => {});
    },
    close: async () => {
      subscriber.disconnect();
    },
  };
}

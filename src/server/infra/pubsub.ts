// Publish/subscribe between the parts of Waymark that must hear of each other's writes: cache
// invalidation, revoked access tokens, and the live events behind /api/v1/me/events. In-process
// here; with REDIS_URL (scale-out) the same interface carries messages between instances.
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';

export type Listener = (message: unknown) => void;

export interface PubSub {
  /** Delivers `message` (JSON-serializable) to every subscriber of `channel`, on every instance. */
  publish(channel: string, message: unknown): Promise<void>;
  /** Returns the function that unsubscribes. */
  subscribe(channel: string, listener: Listener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export function createMemoryPubSub(): PubSub {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one per open event stream
  return {
    async publish(channel, message) {
      // A copy, as Redis would deliver: no subscriber shares the publisher's object.
      const copy: unknown = JSON.parse(JSON.stringify(message));
      emitter.emit(channel, copy);
    },
    async subscribe(channel, listener) {
      emitter.on(channel, listener);
      return async () => {
        emitter.off(channel, listener);
      };
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Pub/sub on Redis: `publisher` is the shared command connection, `subscriber` a connection of
 * its own (a subscribed connection can do nothing else). Every instance, this one included,
 * gets each message through Redis. When Redis does not answer, a message is delivered in this
 * process only — other instances miss it (their caches expire by TTL; their event streams miss
 * that event) until Redis is back.
 */
export function createRedisPubSub(options: {
  publisher: Redis;
  subscriber: Redis;
  namespace: string;
}): PubSub {
  const { publisher, subscriber, namespace } = options;
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const channels = new Set<string>();
  const listen = (names: string[]) =>
    // Refused while Redis is down: the 'ready' handler below subscribes again when it is back.
    subscriber.subscribe(...names.map((c) => `${namespace}${c}`)).catch(() => undefined);
  subscriber.on('ready', () => {
    if (channels.size > 0) void listen([...channels]);
  });
  subscriber.on('message', (channel: string, raw: string) => {
    if (!channel.startsWith(namespace)) return;
    try {
      local.emit(channel.slice(namespace.length), JSON.parse(raw));
    } catch {
      // not ours
    }
  });
  return {
    async publish(channel, message) {
      const raw = JSON.stringify(message);
      try {
        await publisher.publish(`${namespace}${channel}`, raw);
      } catch {
        local.emit(channel, JSON.parse(raw));
      }
    },
    async subscribe(channel, listener) {
      if (!channels.has(channel)) {
        channels.add(channel);
        await listen([channel]);
      }
      local.on(channel, listener);
      return async () => {
        local.off(channel, listener);
        if (local.listenerCount(channel) === 0) {
          channels.delete(channel);
          await subscriber.unsubscribe(`${namespace}${channel}`).catch(() => undefined);
        }
      };
    },
    async close() {
      local.removeAllListeners();
    },
  };
}

// Publish/subscribe between the parts of Waymark that must hear of each other's writes: cache
// invalidation, revoked access tokens, and the live events behind /api/v1/me/events. In-process
// here; with REDIS_URL (scale-out) the same interface carries messages between instances.
import type { Redis } from 'ioredis';
import { EventEmitter } from 'node:events';
import type { GuardedRedis } from './redis.ts';

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
 * gets each message through Redis. When Redis does not answer, or its circuit breaker is open,
 * a message is delivered in this process only — other instances miss it (their caches expire by
 * TTL; their event streams miss that event) until Redis is back.
 */
export function createRedisPubSub(options: {
  publisher: Pick<GuardedRedis, 'client' | 'breaker'>;
  subscriber: Redis;
  namespace: string;
  /** The longest a subscribe waits for Redis to confirm it (default 1 s). */
  subscribeTimeoutMs?: number;
}): PubSub {
  const { subscriber, namespace } = options;
  const { client: publisher, breaker } = options.publisher;
  const subscribeTimeoutMs = options.subscribeTimeoutMs ?? 1000;
  const local = new EventEmitter();
  local.setMaxListeners(0);
  const channels = new Set<string>();
  // (Un)subscribing is always sent: queued while disconnected (the subscriber keeps an offline
  // queue, and subscribes again on 'ready'); on a frozen Redis it takes effect when Redis runs
  // again. It is waited for only while the circuit is closed, and never longer than the timeout:
  // the subscriber connection has no command timeout, and opening an event stream must not hang.
  const confirmed = async (sent: Promise<unknown>) => {
    if (breaker.state !== 'closed') return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([sent, new Promise((resolve) => (timer = setTimeout(resolve, subscribeTimeoutMs)))]);
    clearTimeout(timer);
  };
  const listen = (names: string[]) =>
    confirmed(subscriber.subscribe(...names.map((c) => `${namespace}${c}`)).catch(() => undefined));
  subscriber.on('ready', () => {
    if (channels.size > 0) void listen([...channels]);
  });
  // A subscribe refused while Redis was down is sent again once it answers (SUBSCRIBE to a
  // channel already subscribed changes nothing).
  breaker.onStateChange((state) => {
    if (state === 'closed' && channels.size > 0) void listen([...channels]);
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
        await breaker.run(() => publisher.publish(`${namespace}${channel}`, raw));
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
          // A message that still arrives meanwhile finds no listener.
          await confirmed(subscriber.unsubscribe(`${namespace}${channel}`).catch(() => undefined));
        }
      };
    },
    async close() {
      local.removeAllListeners();
    },
  };
}

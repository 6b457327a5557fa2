// Publish/subscribe between the parts of Waymark that must hear of each other's writes: cache
// invalidation, revoked access tokens, and the live events behind /api/v1/me/events. In-process
// here; with REDIS_URL (scale-out) the same interface carries messages between instances.
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

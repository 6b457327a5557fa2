// A learner's live events (`progress`, `study-session`), published by the services that make
// the writes and delivered by GET /api/v1/me/events. They travel through the pub/sub interface,
// so with Redis a write taken by one instance reaches a stream held open by another.
import type { PubSub } from '../../infra/pubsub.ts';

export type EventType = 'progress' | 'study-session';

export interface UserEvent {
  type: EventType;
  data: Record<string, unknown>;
}

const channel = (userId: string) => `events:v1:user:${userId}`;

export function createEventService(deps: { pubsub: PubSub }) {
  return {
    async publish(userId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
      await deps.pubsub.publish(channel(userId), { type, data } satisfies UserEvent);
    },
    /** Returns the function that stops the subscription. */
    subscribe(userId: string, listener: (event: UserEvent) => void): Promise<() => Promise<void>> {
      return deps.pubsub.subscribe(channel(userId), (message) => listener(message as UserEvent));
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

// A learner's live events (`progress`, `study-session`, `milestone`, `review`), published by the services that make
// the writes and delivered by GET /api/v1/me/events. They travel through the pub/sub interface,
// so with Redis a write taken by one instance reaches a stream held open by another.
import type { PubSub } from '../../infra/pubsub.ts';

export type EventType = 'progress' | 'study-session' | 'member-activity' | 'milestone' | 'review';

export interface UserEvent {
  type: EventType;
  data: Record<string, unknown>;
}

const channel = (userId: string) => `events:v1:user:${userId}`;
const cohortChannel = (cohortId: string) => `events:v1:cohort:${cohortId}`;

export function createEventService(deps: { pubsub: PubSub }) {
  /** Who else watches a learner's writes: the cohorts they are in (cohorts registers it). */
  let watchers: (userId: string) => Promise<string[]> = async () => [];
  /**
   * Tells a cohort's live dashboards that a member did something or that its membership changed
   * (someone left, was removed or given another role — after which the member is no longer among
   * the cohort's watchers, so `publish` would not reach them).
   */
  const publishCohort = (cohortId: string, userId: string) =>
    deps.pubsub.publish(cohortChannel(cohortId), {
      type: 'member-activity',
      data: { userId },
    } satisfies UserEvent);
  /** Who hears every write in this process, before pub/sub (webhooks register themselves). */
  const observers: Array<(userId: string, type: EventType, data: Record<string, unknown>) => Promise<void>> =
    [];
  return {
    async publish(userId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
      for (const observe of observers) await observe(userId, type, data);
      await deps.pubsub.publish(channel(userId), { type, data } satisfies UserEvent);
      // The cohorts' live dashboards hear only that this member did something, never what.
      // A lookup that fails costs a dashboard one refresh, never the write that was made.
      for (const cohortId of await watchers(userId).catch(() => [])) await publishCohort(cohortId, userId);
    },
    publishCohort,
    /** Calls `observe` with every event published here (it may throw: the writer hears of it). */
    observe(
      observe: (userId: string, type: EventType, data: Record<string, unknown>) => Promise<void>,
    ): void {
      observers.push(observe);
    },
    setWatchers(resolve: (userId: string) => Promise<string[]>): void {
      watchers = resolve;
    },
    subscribeCohort(cohortId: string, listener: (event: UserEvent) => void): Promise<() => Promise<void>> {
      return deps.pubsub.subscribe(cohortChannel(cohortId), (message) => listener(message as UserEvent));
    },
    /** Returns the function that stops the subscription. */
    subscribe(userId: string, listener: (event: UserEvent) => void): Promise<() => Promise<void>> {
      return deps.pubsub.subscribe(channel(userId), (message) => listener(message as UserEvent));
    },
  };
}

export type EventService = ReturnType<typeof createEventService>;

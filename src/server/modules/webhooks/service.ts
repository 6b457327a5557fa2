// Webhooks: a learner's (or a cohort owner's) endpoints, told what happened.
//
//   emit      a write happened (the events service tells us, in the process that made it) →
//             one delivery row per listening webhook, and one `webhook` job per delivery.
//   deliver   a `webhook` job: sign (Standard Webhooks, via its library) and POST the stored
//             body through the SSRF guard (infra/outbound.ts: the address is checked again at
//             connect time). 2xx is done; anything else throws, and the queue retries with
//             backoff (30 s doubling to an hour) for about a day, with the same `webhook-id`
//             every time, so receivers can drop repeats. A job survives a restart: it is a row.
//   failing   an endpoint that has failed every delivery for FAILING_DAYS is turned off, and its
//             owner mailed; turning it on again forgets the failures.
//
// The delivery is queued after the write it reports has committed, so a crash between the two
// loses that event (at-least-once from the queue on, not from the write).
import { randomBytes } from 'node:crypto';
import { Webhook as Signer } from 'standardwebhooks';
import { isoTimestamp, type Database } from '../../db/client.ts';
import type { WebhookEvent } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { QUEUES, type Jobs } from '../../infra/jobs.ts';
import { createMemo } from '../../infra/memo.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import type { Sealer } from '../../infra/sealed.ts';
import { checkUrl, fetchChecked, OutboundRefused, type LookupFn } from '../../infra/outbound.ts';
import type { Actor } from '../../policies/index.ts';
import type { EventType } from '../events/service.ts';
import type { ReminderService } from '../reminders/service.ts';
import type { UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import {
  WEBHOOKS_MAX,
  type Delivery,
  type NewWebhook,
  type Webhook,
  type WebhookBody,
  type WebhookPatch,
} from './schemas.ts';

export interface WebhookJob {
  deliveryId: string;
}

const FAILING_DAYS = 3;
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 4096;
const KEEP_DELIVERIES = 100;

function toWebhook(row: repo.WebhookRow): Webhook {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    cohortId: row.cohortId,
    enabled: row.enabled,
    createdAt: row.createdAt.toISOString(),
    failingSince: isoTimestamp(row.failingSince),
    disabledReason: row.disabledReason,
  };
}

function toDelivery(row: repo.DeliveryRow): Delivery {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    lastAttemptAt: isoTimestamp(row.lastAttemptAt),
  };
}

/** Which webhook event a live event is, and whose: null for the ones webhooks do not hear. */
export function webhookEventOf(
  userId: string,
  type: EventType,
  data: Record<string, unknown>,
): {
  event: WebhookEvent;
  to: { userId: string } | { cohortId: string };
  data: Record<string, unknown>;
} | null {
  if (type === 'progress' && typeof data.stepSlug === 'string') {
    const { roadmapSlug, stepSlug, status, updatedAt } = data;
    return {
      event: 'progress.updated',
      to: { userId },
      data: { userId, roadmapSlug, stepSlug, status, updatedAt },
    };
  }
  if (type === 'milestone') {
    return { event: 'milestone.reached', to: { userId }, data: { userId, ...data } };
  }
  if (type === 'review') {
    return { event: 'review.completed', to: { userId }, data: { userId, ...data } };
  }
  if (type === 'study-session' && data.action === 'created') {
    return { event: 'study_session.created', to: { userId }, data: { userId, session: data.session } };
  }
  // Joining is the one member-activity published with the cohort it happened in.
  if (type === 'member-activity' && typeof data.cohortId === 'string') {
    return {
      event: 'cohort.member_joined',
      to: { cohortId: data.cohortId },
      data: { cohortId: data.cohortId, userId },
    };
  }
  return null;
}

export function createWebhookService(deps: {
  db: Database;
  jobs: Jobs;
  users: UserService;
  reminders: Pick<ReminderService, 'queueMail'>;
  cohorts: { authorizeOwner(actor: Actor, cohortId: string): Promise<void> };
  allowHttp: boolean;
  allowPrivate: boolean;
  retryLimit: number;
  publicUrl: string;
  /** Keeps signing secrets encrypted at rest. */
  sealer: Sealer;
  pubsub: PubSub;
  lookup?: LookupFn;
  now?: () => Date;
}) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  /**
   * Each learner's enabled webhooks, asked on every write they make: remembered per instance
   * (infra/memo.ts) and forgotten on every instance when they change, so a learner without
   * webhooks costs a write no query.
   */
  const listeners = createMemo<repo.WebhookRow[]>({
    pubsub: deps.pubsub,
    channel: 'webhooks:v1:listeners',
    ttlMs: 60_000,
  });
  const outbound = {
    allowHttp: deps.allowHttp,
    allowPrivate: deps.allowPrivate,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
  };

  async function checked(url: string): Promise<string> {
    try {
      return (await checkUrl(url, outbound)).href;
    } catch (err) {
      if (!(err instanceof OutboundRefused)) throw err;
      throw new AppError('validation', `Waymark will not send to this URL: ${err.message}.`, {
        errors: [{ path: '/body/url', message: err.message }],
      });
    }
  }

  /** The events a webhook may hear, once each: a cohort's events only on a cohort's webhook. */
  function eventsFor(events: WebhookEvent[], cohortId: string | null): WebhookEvent[] {
    if (cohortId === null && events.includes('cohort.member_joined'))
      throw new AppError('validation', '`cohort.member_joined` is for a cohort’s webhook: give `cohortId`.', {
        errors: [{ path: '/body/events', message: 'cohort.member_joined needs a cohort webhook (cohortId)' }],
      });
    return [...new Set(events)];
  }

  async function owned(userId: string, id: string) {
    const row = await repo.find(db.primary, userId, id);
    if (!row) throw notFound('You have no such webhook.');
    return row;
  }

  const body = (event: string, data: Record<string, unknown>) =>
    JSON.stringify({ type: event, timestamp: now().toISOString(), data });

  /** One attempt: the answer, or why there was none. Never throws for the endpoint's faults. */
  async function attempt(webhook: repo.WebhookRow, delivery: repo.DeliveryRow) {
    const sentAt = now();
    let secret: string;
    try {
      secret = deps.sealer.open(webhook.secret);
    } catch {
      // Sealed under another key (JWT_PRIVATE_KEY was changed): a failure its owner can see.
      const error =
        'Its signing secret cannot be read with this server’s key: delete the webhook and add it again.';
      return { ok: false, at: sentAt, responseStatus: null, error };
    }
    // A secret stored before secrets were sealed is sealed now, at its first use.
    if (!deps.sealer.isSealed(webhook.secret))
      await repo.setSecret(db.primary, webhook.id, deps.sealer.seal(secret));
    const signature = new Signer(secret).sign(delivery.id, sentAt, delivery.body);
    try {
      const res = await fetchChecked(
        webhook.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Waymark-Webhooks/1',
            'webhook-id': delivery.id,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signature,
          },
          body: delivery.body,
        },
        { ...outbound, timeoutMs: TIMEOUT_MS, maxResponseBytes: MAX_RESPONSE_BYTES },
      );
      const ok = res.status >= 200 && res.status < 300;
      return { ok, at: sentAt, responseStatus: res.status, error: ok ? null : `answered ${res.status}` };
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      return { ok: false, at: sentAt, responseStatus: null, error: error.slice(0, 300) };
    }
  }

  async function turnOff(webhook: repo.WebhookRow) {
    const reason = `Every delivery failed for ${FAILING_DAYS} days.`;
    await repo.update(db.primary, webhook.userId, webhook.id, { enabled: false, disabledReason: reason });
    await listeners.forget(webhook.userId);
    const user = await deps.users.get(webhook.userId).catch(() => undefined);
    if (!user) return;
    await deps.reminders.queueMail(
      `webhook-off:${webhook.id}:${webhook.failingSince?.getTime() ?? 0}`,
      user.id,
      {
        to: user.email,
        subject: 'Waymark turned a webhook off',
        text: [
          `Your webhook to ${webhook.url} has not answered with success for ${FAILING_DAYS} days, so Waymark stopped sending to it.`,
          '',
          `Check the endpoint, then turn it on again in Settings: ${deps.publicUrl}/settings#webhooks`,
        ].join('\n'),
      },
    );
  }

  const service = {
    async create(actor: NonNullable<Actor>, input: WebhookBody): Promise<NewWebhook> {
      if (input.cohortId) await deps.cohorts.authorizeOwner(actor, input.cohortId);
      const events = eventsFor(input.events, input.cohortId ?? null);
      const url = await checked(input.url);
      if ((await repo.countFor(db.primary, actor.userId)) >= WEBHOOKS_MAX)
        throw new AppError(
          'conflict',
          `You have ${WEBHOOKS_MAX} webhooks, the most there may be. Delete one first.`,
        );
      const secret = `whsec_${randomBytes(24).toString('base64')}`;
      const row = await repo.insert(db.primary, {
        userId: actor.userId,
        cohortId: input.cohortId ?? null,
        url,
        events,
        secret: deps.sealer.seal(secret),
      });
      await listeners.forget(actor.userId);
      const { failingSince: _f, disabledReason: _d, ...shown } = toWebhook(row);
      return { ...shown, secret };
    },

    async list(userId: string) {
      return { items: (await repo.listFor(db.primary, userId)).map(toWebhook) };
    },

    async get(userId: string, id: string): Promise<Webhook> {
      return toWebhook(await owned(userId, id));
    },

    async update(userId: string, id: string, patch: WebhookPatch): Promise<Webhook> {
      const before = await owned(userId, id);
      const changes: Parameters<typeof repo.update>[3] = {};
      if (patch.url !== undefined) changes.url = await checked(patch.url);
      if (patch.events !== undefined) {
        changes.events = eventsFor(patch.events, before.cohortId);
      }
      if (patch.enabled !== undefined) {
        changes.enabled = patch.enabled;
        if (patch.enabled) Object.assign(changes, { failingSince: null, disabledReason: null });
      }
      const updated = (await repo.update(db.primary, userId, id, changes))!;
      await listeners.forget(userId);
      return toWebhook(updated);
    },

    async remove(userId: string, id: string): Promise<void> {
      if (!(await repo.remove(db.primary, userId, id))) throw notFound('You have no such webhook.');
      await listeners.forget(userId);
    },

    /** Sends a `ping` now, once (no retries), and answers how it went. */
    async test(userId: string, id: string): Promise<Delivery> {
      const webhook = await owned(userId, id);
      const [delivery] = await repo.insertDeliveries(db.primary, [
        { webhookId: webhook.id, event: 'ping', body: body('ping', { webhookId: webhook.id }) },
      ]);
      const result = await attempt(webhook, delivery!);
      await repo.recordAttempt(db.primary, delivery!.id, {
        status: result.ok ? 'succeeded' : 'failed',
        responseStatus: result.responseStatus,
        error: result.error,
        at: result.at,
      });
      return toDelivery((await repo.findDelivery(db.primary, delivery!.id))!.delivery);
    },

    async deliveries(userId: string, id: string) {
      await owned(userId, id);
      return { items: (await repo.recentDeliveries(db.primary, id, 50)).map(toDelivery) };
    },

    /** A write happened: queue a delivery to every webhook that hears it. */
    async emit(userId: string, type: EventType, data: Record<string, unknown>): Promise<void> {
      const found = webhookEventOf(userId, type, data);
      if (!found) return;
      const listening =
        'userId' in found.to
          ? (await listeners.get(found.to.userId, () => repo.enabledFor(db.primary, userId))).filter((w) =>
              w.events.includes(found.event),
            )
          : await repo.listening(db.primary, found.event, found.to);
      if (listening.length === 0) return;
      const payload = body(found.event, found.data);
      const rows = await repo.insertDeliveries(
        db.primary,
        listening.map((w) => ({ webhookId: w.id, event: found.event, body: payload })),
      );
      await deps.jobs.sendMany(
        QUEUES.webhook,
        rows.map((r) => ({ data: { deliveryId: r.id } satisfies WebhookJob, key: `webhook:${r.id}` })),
      );
    },

    /** A `webhook` job. Throws to have the queue try again later. */
    async deliver(job: WebhookJob, meta: { retryCount: number }): Promise<void> {
      const found = await repo.findDelivery(db.primary, job.deliveryId);
      if (!found || found.delivery.status !== 'pending') return; // deleted, or done already
      const { delivery, webhook } = found;
      if (!webhook.enabled) {
        await repo.recordAttempt(db.primary, delivery.id, {
          status: 'failed',
          responseStatus: null,
          error: 'The webhook was turned off.',
          at: now(),
        });
        return;
      }
      const result = await attempt(webhook, delivery);
      if (result.ok) {
        await repo.recordAttempt(db.primary, delivery.id, { status: 'succeeded', ...result });
        await repo.markAnswering(db.primary, webhook.id);
        await repo.pruneDeliveries(db.primary, webhook.id, KEEP_DELIVERIES);
        return;
      }
      const since = await repo.markFailing(db.primary, webhook.id, result.at);
      const lastTry = meta.retryCount >= deps.retryLimit;
      const tooLong = result.at.getTime() - since.getTime() >= FAILING_DAYS * 86_400_000;
      await repo.recordAttempt(db.primary, delivery.id, {
        status: lastTry || tooLong ? 'failed' : 'pending',
        responseStatus: result.responseStatus,
        error: result.error,
        at: result.at,
      });
      if (tooLong) await turnOff({ ...webhook, failingSince: since });
      if (lastTry || tooLong) return;
      throw new Error(`webhook delivery ${delivery.id}: ${result.error}`);
    },

    async startWorkers(): Promise<void> {
      await deps.jobs.work<WebhookJob>(QUEUES.webhook, (data, meta) => service.deliver(data, meta), {
        batchSize: 10,
      });
    },
  };
  return service;
}

export type WebhookService = ReturnType<typeof createWebhookService>;

// Webhooks through the real app and the real job queue, to a receiver on this machine that
// verifies every delivery with the `standardwebhooks` library, as any receiver would.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook as Verifier } from 'standardwebhooks';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '../../db/client.ts';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';

interface Received {
  id: string;
  body: string;
  verified: boolean;
}

/** An endpoint that fails the first `failFirst` attempts of each webhook-id, then answers 204. */
async function receiver(secretOf: () => string, failFirst = 0) {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      const verified = (() => {
        try {
          new Verifier(secretOf()).verify(body, headers);
          return true;
        } catch {
          return false;
        }
      })();
      const id = headers['webhook-id'] ?? '';
      received.push({ id, body, verified });
      const tries = received.filter((r) => r.id === id).length;
      res.statusCode = tries <= failFirst ? 500 : 204;
      res.end();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/waymark`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const LOCAL = {
  WEBHOOKS_ALLOW_HTTP: 'true',
  WEBHOOKS_ALLOW_PRIVATE: 'true',
  JOB_RETRY_DELAY_SECONDS: '1',
  JOB_POLL_SECONDS: '1',
};

const call = (
  app: TestApp,
  who: SignedUp | { authorization: string },
  method: string,
  url: string,
  payload?: object,
) =>
  app.app.inject({
    method: method as 'GET',
    url,
    headers: 'auth' in who ? who.auth : who,
    ...(payload ? { payload } : {}),
  });

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp(LOCAL);
});
afterAll(async () => t.close());

async function hook(app: TestApp, who: SignedUp, body: object) {
  const res = await call(app, who, 'POST', '/api/v1/me/webhooks', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; secret: string; url: string };
}
const deliveries = async (app: TestApp, who: SignedUp, id: string) =>
  (await call(app, who, 'GET', `/api/v1/me/webhooks/${id}/deliveries`)).json().items as {
    id: string;
    status: string;
    attempts: number;
    event: string;
    responseStatus: number | null;
  }[];

// Deliveries wait on the job queue's polling and backoff: conditions, with room for a loaded machine.
describe('webhooks', { timeout: 120_000 }, () => {
  it('deliver signed events that a Standard Webhooks library verifies, and ping on request', async () => {
    let secret = '';
    const endpoint = await receiver(() => secret);
    try {
      const ada = await signUp(t.app);
      const made = await hook(t, ada, {
        url: endpoint.url,
        events: ['study_session.created', 'progress.updated'],
      });
      secret = made.secret;
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
      expect((await call(t, ada, 'GET', '/api/v1/me/webhooks')).body).not.toContain(secret);
      // At rest it is sealed: a copy of the database alone does not give it away.
      const [stored] = await queryRows<{ secret: string }>(
        t.db.primary,
        sql`select secret from webhooks where id = ${made.id}`,
      );
      expect(stored!.secret).toMatch(/^v1\./);
      expect(stored!.secret).not.toContain(secret.slice('whsec_'.length));

      const logged = await call(t, ada, 'POST', '/api/v1/me/study-sessions', { minutes: 30 });
      expect(logged.statusCode).toBe(201);
      await vi.waitFor(() => expect(endpoint.received).toHaveLength(1), { timeout: 30_000, interval: 100 });
      const [first] = endpoint.received;
      expect(first!.verified).toBe(true);
      const payload = JSON.parse(first!.body);
      expect(payload).toMatchObject({
        type: 'study_session.created',
        data: { userId: ada.user.id, session: { minutes: 30 } },
      });
      await vi.waitFor(
        async () =>
          expect((await deliveries(t, ada, made.id))[0]).toMatchObject({
            status: 'succeeded',
            attempts: 1,
            responseStatus: 204,
          }),
        {
          timeout: 30_000,
          interval: 200,
        },
      );

      const ping = await call(t, ada, 'POST', `/api/v1/me/webhooks/${made.id}/test`);
      expect(ping.statusCode, ping.body).toBe(200);
      expect(ping.json()).toMatchObject({ event: 'ping', status: 'succeeded', responseStatus: 204 });
      expect(endpoint.received.at(-1)!.verified).toBe(true);

      // Someone else cannot see, test or delete it; a personal access token cannot make one.
      const mallory = await signUp(t.app);
      for (const [method, url] of [
        ['GET', `/api/v1/me/webhooks/${made.id}`],
        ['POST', `/api/v1/me/webhooks/${made.id}/test`],
        ['GET', `/api/v1/me/webhooks/${made.id}/deliveries`],
        ['DELETE', `/api/v1/me/webhooks/${made.id}`],
      ] as const)
        expect((await call(t, mallory, method, url)).statusCode).toBe(404);
      const pat = (
        await call(t, ada, 'POST', '/api/v1/me/tokens', { name: 'x', scopes: ['study:read'] })
      ).json();
      const viaToken = await call(
        t,
        { authorization: `Bearer ${pat.token}` },
        'POST',
        '/api/v1/me/webhooks',
        {
          url: endpoint.url,
          events: ['progress.updated'],
        },
      );
      expect(viaToken.statusCode).toBe(403);
    } finally {
      await endpoint.close();
    }
  });

  it('tell of a milestone reached (once, with its credential) and of a review rated', async () => {
    let secret = '';
    const endpoint = await receiver(() => secret);
    try {
      const ada = await signUp(t.app);
      const made = await hook(t, ada, {
        url: endpoint.url,
        events: ['milestone.reached', 'review.completed'],
      });
      secret = made.secret;
      const doc = (await t.app.inject({ url: '/api/v1/roadmaps/backend-developer' })).json();
      const milestone = doc.milestones[0] as { slug: string; afterStep: string };
      const steps = (doc.layers as { steps: { slug: string; required: boolean }[] }[]).flatMap(
        (l) => l.steps,
      );
      const upTo = steps.slice(0, steps.findIndex((s) => s.slug === milestone.afterStep) + 1);
      for (const step of upTo.filter((s) => s.required)) {
        const put = await call(t, ada, 'PUT', `/api/v1/me/roadmaps/backend-developer/steps/${step.slug}`, {
          status: 'done',
        });
        expect(put.statusCode).toBe(200);
      }
      await vi.waitFor(() => expect(endpoint.received).toHaveLength(1), { timeout: 30_000, interval: 100 });
      const reached = JSON.parse(endpoint.received[0]!.body);
      expect(endpoint.received[0]!.verified).toBe(true);
      const credentials = (await call(t, ada, 'GET', '/api/v1/me/credentials')).json().items as {
        id: string;
        milestone: string | null;
      }[];
      expect(reached).toMatchObject({
        type: 'milestone.reached',
        data: {
          userId: ada.user.id,
          roadmapSlug: 'backend-developer',
          milestone: milestone.slug,
          credentialId: credentials.find((c) => c.milestone === milestone.slug)!.id,
        },
      });

      const [card] = (await call(t, ada, 'GET', '/api/v1/me/reviews')).json().items as { cardId: string }[];
      const headers = { ...ada.auth, 'idempotency-key': 'review-once' };
      for (let i = 0; i < 2; i++) {
        const rated = await t.app.inject({
          method: 'POST',
          url: `/api/v1/me/reviews/${card!.cardId}`,
          headers,
          payload: { rating: 'good' },
        });
        expect(rated.statusCode, rated.body).toBeLessThan(300);
      }
      await vi.waitFor(() => expect(endpoint.received).toHaveLength(2), { timeout: 30_000, interval: 100 });
      expect(JSON.parse(endpoint.received[1]!.body)).toMatchObject({
        type: 'review.completed',
        data: { userId: ada.user.id, cardId: card!.cardId, rating: 'good' },
      });
      // Listing credentials again, or rating again with the same key, sends nothing more.
      await call(t, ada, 'GET', '/api/v1/me/credentials');
      await t.app.services.background.idle();
      const sent = await deliveries(t, ada, made.id);
      expect(sent.map((d) => d.event).sort()).toEqual(['milestone.reached', 'review.completed']);
    } finally {
      await endpoint.close();
    }
  });

  it('seal a secret stored before sealing at its first use, and report one sealed under another key', async () => {
    let secret = '';
    const endpoint = await receiver(() => secret);
    try {
      const ada = await signUp(t.app);
      const made = await hook(t, ada, { url: endpoint.url, events: ['progress.updated'] });
      secret = made.secret;
      const stored = async () =>
        (
          await queryRows<{ secret: string }>(
            t.db.primary,
            sql`select secret from webhooks where id = ${made.id}`,
          )
        )[0]!.secret;
      await t.db.primary.execute(sql`update webhooks set secret = ${secret} where id = ${made.id}`);
      const ping = await call(t, ada, 'POST', `/api/v1/me/webhooks/${made.id}/test`);
      expect(ping.json()).toMatchObject({ status: 'succeeded' });
      expect(endpoint.received.at(-1)!.verified).toBe(true);
      expect(await stored()).toMatch(/^v1\./);

      await t.db.primary.execute(
        sql`update webhooks set secret = 'v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' where id = ${made.id}`,
      );
      const unreadable = await call(t, ada, 'POST', `/api/v1/me/webhooks/${made.id}/test`);
      expect(unreadable.statusCode).toBe(200);
      expect(unreadable.json()).toMatchObject({
        status: 'failed',
        error: expect.stringContaining('add it again'),
      });
    } finally {
      await endpoint.close();
    }
  });

  it("tell a cohort's owner that someone joined, and only its owner may add such a webhook", async () => {
    let secret = '';
    const endpoint = await receiver(() => secret);
    try {
      const owner = await signUp(t.app);
      const cohort = (
        await call(t, owner, 'POST', '/api/v1/cohorts', { name: 'Hooked', roadmapSlugs: ['git-essentials'] })
      ).json();
      const outsider = await signUp(t.app);
      const refused = await call(t, outsider, 'POST', '/api/v1/me/webhooks', {
        url: endpoint.url,
        events: ['cohort.member_joined'],
        cohortId: cohort.id,
      });
      expect(refused.statusCode).toBe(404);
      const personal = await call(t, owner, 'POST', '/api/v1/me/webhooks', {
        url: endpoint.url,
        events: ['cohort.member_joined'],
      });
      expect(personal.statusCode).toBe(400);
      const made = await hook(t, owner, {
        url: endpoint.url,
        events: ['cohort.member_joined'],
        cohortId: cohort.id,
      });
      secret = made.secret;
      const invite = (
        await call(t, owner, 'POST', `/api/v1/cohorts/${cohort.id}/invites`, { role: 'member' })
      ).json();
      const joiner = await signUp(t.app);
      expect(
        (await call(t, joiner, 'POST', '/api/v1/cohorts/join', { token: invite.token })).statusCode,
      ).toBe(200);
      await vi.waitFor(() => expect(endpoint.received).toHaveLength(1), { timeout: 30_000, interval: 100 });
      expect(endpoint.received[0]!.verified).toBe(true);
      expect(JSON.parse(endpoint.received[0]!.body)).toMatchObject({
        type: 'cohort.member_joined',
        data: { cohortId: cohort.id, userId: joiner.user.id },
      });
    } finally {
      await endpoint.close();
    }
  });

  it('retry a failing endpoint with the same webhook-id until it takes the delivery once', async () => {
    let secret = '';
    const endpoint = await receiver(() => secret, 2);
    try {
      const bo = await signUp(t.app);
      const made = await hook(t, bo, { url: endpoint.url, events: ['progress.updated'] });
      secret = made.secret;
      const marked = await call(t, bo, 'PUT', '/api/v1/me/roadmaps/backend-developer/steps/postgresql', {
        status: 'done',
      });
      expect(marked.statusCode).toBe(200);
      await vi.waitFor(
        async () =>
          expect((await deliveries(t, bo, made.id))[0]).toMatchObject({ status: 'succeeded', attempts: 3 }),
        {
          timeout: 60_000,
          interval: 250,
        },
      );
      expect(endpoint.received).toHaveLength(3);
      expect(new Set(endpoint.received.map((r) => r.id)).size).toBe(1); // one webhook-id throughout
      expect(endpoint.received.every((r) => r.verified)).toBe(true);
      expect(JSON.parse(endpoint.received[0]!.body)).toMatchObject({
        type: 'progress.updated',
        data: { roadmapSlug: 'backend-developer', stepSlug: 'postgresql', status: 'done' },
      });
    } finally {
      await endpoint.close();
    }
  });

  it('lose no delivery when the instance stops between retries', async () => {
    let secret = '';
    const endpoint = await receiver(() => secret, 1);
    // Retries wait 10 s here, so the first instance is gone before the retry is due.
    const slow = { ...LOCAL, JOB_RETRY_DELAY_SECONDS: '10' };
    const first = await createTestApp(slow, { db: t.db });
    let second: TestApp | undefined;
    try {
      const cy = await signUp(first.app);
      const made = await hook(first, cy, { url: endpoint.url, events: ['study_session.created'] });
      secret = made.secret;
      await call(first, cy, 'POST', '/api/v1/me/study-sessions', { minutes: 15 });
      await vi.waitFor(() => expect(endpoint.received.length).toBeGreaterThanOrEqual(1), { timeout: 30_000 });
      await first.close(); // the retry is still to come: it is a row in the queue
      expect(endpoint.received).toHaveLength(1);
      second = await createTestApp(slow, { db: t.db });
      await vi.waitFor(
        async () =>
          expect((await deliveries(second!, cy, made.id))[0]).toMatchObject({ status: 'succeeded' }),
        {
          timeout: 60_000,
          interval: 250,
        },
      );
      expect(endpoint.received).toHaveLength(2);
      expect(new Set(endpoint.received.map((r) => r.id)).size).toBe(1);
    } finally {
      await second?.close();
      await endpoint.close();
    }
  });

  it('refuse private and loopback URLs, at creation and again at delivery (after DNS)', async () => {
    let answer = '93.184.215.14';
    const strict = await createTestApp(
      { WEBHOOKS_ALLOW_HTTP: 'true', WAYMARK_JOBS: 'off' },
      { lookup: async () => [{ address: answer, family: 4 }] },
    );
    try {
      const di = await signUp(strict.app);
      for (const url of [
        'http://127.0.0.1:9/x',
        'http://[::1]/x',
        'http://10.0.0.8/x',
        'http://169.254.169.254/latest',
        'http://2130706433/x',
        'ftp://hooks.example.com/x',
      ]) {
        const res = await call(strict, di, 'POST', '/api/v1/me/webhooks', {
          url,
          events: ['progress.updated'],
        });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().errors[0].path, url).toBe('/body/url');
      }
      const made = await hook(strict, di, {
        url: 'http://hooks.rebinding.example/x',
        events: ['progress.updated'],
      });
      answer = '127.0.0.1'; // the name now points here: the delivery must not follow it
      const ping = await call(strict, di, 'POST', `/api/v1/me/webhooks/${made.id}/test`);
      expect(ping.json()).toMatchObject({ status: 'failed', responseStatus: null });
      expect(ping.json().error).toMatch(/127\.0\.0\.1.*loopback/);
    } finally {
      await strict.close();
    }
  });
});

// Waymark with Redis: degraded but serving when Redis does not answer (runs everywhere: it points
// at a port where nothing listens), and — with a real Redis (REDIS_URL, as in CI) — two instances
// of one deployment sharing cache invalidation, live events and rate limits.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { GOOD_PASSWORD, signUp } from '../../../test/helpers/auth.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import type { Database } from '../db/client.ts';

describe('when Redis does not answer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1/0', RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(async () => t.close());

  it('reads fall back to the database, /readyz says redis is down but stays 200', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await t.app.inject({
        url: '/api/v1/roadmaps/backend-developer',
        remoteAddress: '10.1.0.1',
      });
      expect(res.statusCode).toBe(200);
    }
    const ready = await t.app.inject({ url: '/readyz', remoteAddress: '10.1.0.2' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({
      status: 'ok',
      checks: { database: 'up', redis: 'down' },
      details: { redis: expect.stringMatching(/^circuit (open|half-open)/) },
    });
  });

  it('rate limits hold per instance instead of failing open or closed', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await t.app.inject({ url: '/api/v1/roadmaps', remoteAddress: '10.1.0.3' })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const metrics = (await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body;
    expect(metrics).toMatch(/waymark_rate_limit_fallbacks_total [1-9]/);
    expect(metrics).toMatch(/waymark_cache_errors_total [1-9]/);
    expect(metrics).toMatch(/waymark_redis_up 0/);
    expect(metrics).toMatch(/waymark_redis_circuit_opens_total [1-9]/);
    expect(metrics).toMatch(/waymark_redis_short_circuits_total [1-9]/);
    expect(metrics).toMatch(/waymark_rate_limit_rejections_total [1-9]/);
  });
});

describe.runIf(process.env.REDIS_URL)('two instances sharing Redis and the database', () => {
  let db: Database & { url?: string };
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTestDatabase();
    const namespace = `waymark-test:${randomBytes(6).toString('hex')}:`;
    const env = { LOGIN_FAILURES_PER_15_MINUTES: '4' };
    a = await createTestApp(env, { db, namespace });
    b = await createTestApp(env, { db, namespace });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.close();
  });

  it('a publish through A is what B serves next, with a new ETag', async () => {
    const before = await b.app.inject({ url: '/api/v1/roadmaps/git-essentials' });
    expect(before.statusCode).toBe(200); // now cached in B (and Redis)
    const admin = await signUp(a.app);
    await a.app.services.users.setRole(admin.user.id, 'admin');
    const draft = await a.app.inject({
      url: '/api/v1/roadmaps/git-essentials?version=draft',
      headers: admin.auth,
    });
    const doc = draft.json().document;
    const saved = await a.app.inject({
      method: 'PUT',
      url: '/api/v1/roadmaps/git-essentials',
      headers: { ...admin.auth, 'if-match': draft.headers.etag as string },
      payload: { ...doc, summary: 'Changed through instance A.' },
    });
    expect(saved.statusCode).toBe(200);
    expect(
      (
        await a.app.inject({
          method: 'POST',
          url: '/api/v1/roadmaps/git-essentials/publish',
          headers: admin.auth,
        })
      ).statusCode,
    ).toBe(200);
    await expect
      .poll(async () => (await b.app.inject({ url: '/api/v1/roadmaps/git-essentials' })).json().summary, {
        timeout: 1000,
        interval: 50,
      })
      .toBe('Changed through instance A.');
    const after = await b.app.inject({ url: '/api/v1/roadmaps/git-essentials' });
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it('a progress write on A reaches an event stream held by B', async () => {
    const me = await signUp(a.app);
    const received: unknown[] = [];
    const stop = await b.app.services.events.subscribe(me.user.id, (e) => received.push(e));
    await a.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      headers: me.auth,
      payload: { status: 'done' },
    });
    await expect
      .poll(() => received, { timeout: 1000, interval: 20 })
      .toEqual([
        { type: 'progress', data: expect.objectContaining({ stepSlug: 'postgresql', status: 'done' }) },
      ]);
    await stop();
  });

  it('the failed-login limit is shared: failures split across A and B reach 429 at the limit', async () => {
    const { user } = await signUp(a.app);
    const attempt = (app: TestApp) =>
      app.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: user.email, password: `${GOOD_PASSWORD} wrong` },
        remoteAddress: '10.2.0.1',
      });
    const statuses = [];
    for (const app of [a, b, a, b, a]) statuses.push((await attempt(app)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it("a sign-out on A ends the session's access token on B too", async () => {
    const session = await signUp(a.app);
    expect((await b.app.inject({ url: '/api/v1/me', headers: session.auth })).statusCode).toBe(200);
    await a.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: session.auth, payload: {} });
    await expect
      .poll(async () => (await b.app.inject({ url: '/api/v1/me', headers: session.auth })).statusCode, {
        timeout: 1000,
        interval: 20,
      })
      .toBe(401);
  });
});

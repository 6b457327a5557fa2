// A Redis that accepts connections but does not answer: a redis-server of this test's own,
// stopped with SIGSTOP under two instances of one deployment. The circuit breaker must trip
// after the first timeouts so that requests stop waiting on Redis, /healthz must not wait on it
// at all, and after SIGCONT the instances must use Redis again (shared cache, pub/sub).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { GOOD_PASSWORD, signUp, type SignedUp } from '../../../test/helpers/auth.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { hasRedisServer, startRedisServer, type RedisServer } from '../../../test/helpers/redis-server.ts';
import type { Database } from '../db/client.ts';
import type { UserEvent } from '../modules/events/service.ts';
import type { GuardedRedis } from './redis.ts';

const available = hasRedisServer();
if (!available && process.env.CI) throw new Error('This test needs redis-server on PATH.');

/** The server's own default: the figure /healthz must stay well under. */
const COMMAND_TIMEOUT_MS = 1000;
const DOC = '/api/v1/roadmaps/backend-developer';

describe.runIf(available)('when Redis freezes (SIGSTOP) under two instances', () => {
  let server: RedisServer;
  let db: Database;
  let a: TestApp;
  let b: TestApp;
  let learner: SignedUp;
  const received: UserEvent[] = [];
  let stopListening = async () => {};
  const redisOf = (t: TestApp): GuardedRedis => t.redis!;
  const read = (t: TestApp) => t.app.inject({ url: DOC, remoteAddress: '10.3.0.1' });
  const login = (t: TestApp) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: learner.user.email, password: GOOD_PASSWORD },
      remoteAddress: '10.3.0.2',
    });

  beforeAll(async () => {
    server = await startRedisServer();
    db = await createTestDatabase();
    const namespace = `waymark-test:${randomBytes(6).toString('hex')}:`;
    // Rate limits on, as in production: every request asks the limiter's store (Redis).
    const env = {
      REDIS_URL: server.url,
      RATE_LIMIT_PER_MINUTE: '10000',
      AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    };
    const deps = { db, namespace, commandTimeoutMs: COMMAND_TIMEOUT_MS };
    a = await createTestApp(env, deps);
    b = await createTestApp(env, deps);
    learner = await signUp(a.app);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await server?.stop();
    await db?.close();
  });

  it('uses Redis while it answers: a value set through A is read by B', async () => {
    expect((await read(a)).statusCode).toBe(200);
    await a.cache.set('freeze-test:before', 'shared', 60);
    expect(await b.cache.get('freeze-test:before')).toBe('shared');
    expect(redisOf(a).breaker.stats()).toMatchObject({ state: 'closed', failures: 0, shortCircuits: 0 });
  });

  it('frozen: /healthz answers without asking Redis (nor the rate limiter that counts in it)', async () => {
    server.freeze();
    const breaker = redisOf(a).breaker;
    const before = breaker.stats().calls;
    const started = performance.now();
    for (let i = 0; i < 5; i++) {
      const res = await a.app.inject({ url: '/healthz', remoteAddress: '10.3.0.3' });
      expect(res.statusCode).toBe(200);
    }
    expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS / 4);
    expect(breaker.stats().calls).toBe(before);
    expect(breaker.state).toBe('closed'); // nothing has waited on Redis yet
  });

  it('frozen: after the first timeouts the breaker opens, and reads and logins no longer wait on Redis', async () => {
    const breaker = redisOf(a).breaker;
    // The first requests wait for their commands to time out; two timeouts open the circuit.
    for (let i = 0; i < 2 && breaker.state === 'closed'; i++) expect((await read(a)).statusCode).toBe(200);
    expect(breaker.state).not.toBe('closed');
    expect(breaker.stats().failures).toBeGreaterThanOrEqual(2);

    const before = breaker.stats();
    for (let i = 0; i < 10; i++) expect((await read(a)).statusCode).toBe(200);
    for (let i = 0; i < 3; i++) expect((await login(a)).statusCode).toBe(200);
    const after = breaker.stats();
    // Every Redis command these requests wanted was refused at once: none was sent, none timed out.
    const calls = after.calls - before.calls;
    expect(calls).toBeGreaterThanOrEqual(10 + 2 * 3); // the limiter per read; two limiters per login
    expect(after.shortCircuits - before.shortCircuits).toBe(calls);
    expect(after.failures).toBe(before.failures);

    const ready = await a.app.inject({ url: '/readyz', remoteAddress: '10.3.0.3' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toMatchObject({
      checks: { database: 'up', redis: 'down' },
      details: { redis: expect.stringMatching(/^circuit (open since|half-open)/) },
    });
    const metrics = (await a.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).body;
    expect(metrics).toMatch(/waymark_redis_circuit_state\{state="closed"\} 0/);
    expect(metrics).toMatch(/waymark_redis_circuit_opens_total [1-9]/);
    expect(metrics).toMatch(/waymark_redis_short_circuits_total [1-9]/);
    expect(metrics).toMatch(/waymark_redis_up 0/);
  });

  it('frozen: opening an event stream does not hang on the subscriber connection', async () => {
    // B trips too, then subscribes: the SUBSCRIBE is sent, not waited for.
    for (let i = 0; i < 2 && redisOf(b).breaker.state === 'closed'; i++) await read(b);
    expect(redisOf(b).breaker.state).not.toBe('closed');
    stopListening = await b.app.services.events.subscribe(learner.user.id, (e) => received.push(e));
  });

  it('after SIGCONT the breakers close and Redis is shared again: cache and pub/sub', async () => {
    server.thaw();
    for (const t of [a, b]) {
      await expect.poll(() => redisOf(t).breaker.state, { timeout: 10_000, interval: 50 }).toBe('closed');
    }
    const before = redisOf(a).breaker.stats();
    await a.cache.set('freeze-test:after', 'shared again', 60);
    expect(await b.cache.get('freeze-test:after')).toBe('shared again');
    expect((await read(a)).statusCode).toBe(200);
    const after = redisOf(a).breaker.stats();
    expect(after.shortCircuits).toBe(before.shortCircuits);
    expect(after.calls).toBeGreaterThan(before.calls);

    // The stream B opened while Redis was frozen hears a write taken by A.
    await a.app.services.events.publish(learner.user.id, 'progress', { stepSlug: 'postgresql' });
    await expect
      .poll(() => received, { timeout: 2000, interval: 20 })
      .toEqual([{ type: 'progress', data: { stepSlug: 'postgresql' } }]);
    await stopListening();

    const ready = await a.app.inject({ url: '/readyz', remoteAddress: '10.3.0.3' });
    expect(ready.json()).toMatchObject({ checks: { redis: 'up' }, details: { redis: 'circuit closed' } });
  });
});

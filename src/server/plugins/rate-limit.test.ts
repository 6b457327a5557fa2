import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '5', AUTH_RATE_LIMIT_PER_MINUTE: '3' });
});
afterAll(async () => t.close());

describe('rate limits', () => {
  it('hold a global per-IP limit, answering 429 problem+json with Retry-After and RateLimit-*', async () => {
    for (let i = 1; i <= 5; i++) {
      const res = await t.app.inject({ url: '/api/v1/roadmaps', remoteAddress: '10.0.0.1' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('5');
      expect(res.headers['ratelimit-remaining']).toBe(String(5 - i));
    }
    const limited = await t.app.inject({ url: '/api/v1/roadmaps', remoteAddress: '10.0.0.1' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.json()).toMatchObject({
      status: 429,
      title: 'Too many requests',
      type: 'urn:waymark:problem:rate_limited',
    });
    // Another address has its own budget.
    expect((await t.app.inject({ url: '/api/v1/roadmaps', remoteAddress: '10.0.0.2' })).statusCode).toBe(200);
  });

  it('give /api/v1/auth/* its own, smaller per-IP budget', async () => {
    const reset = () =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password-reset',
        payload: { email: 'someone@example.com' },
        remoteAddress: '10.0.0.3',
      });
    for (let i = 0; i < 3; i++) expect((await reset()).statusCode).toBe(202);
    const limited = await reset();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    // Shared by every auth route of that address.
    const providers = await t.app.inject({ url: '/api/v1/auth/providers', remoteAddress: '10.0.0.3' });
    expect(providers.statusCode).toBe(429);
  });
});

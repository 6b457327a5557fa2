import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('operations endpoints', () => {
  it('GET /healthz answers ok', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /readyz reports the database up', async () => {
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      checks: { database: 'up', ...(process.env.REDIS_URL ? { redis: 'up' } : {}) },
      ...(process.env.REDIS_URL ? { details: { redis: 'circuit closed' } } : {}),
    });
  });

  it('GET /metrics exposes request counts and latency histograms by route template and status', async () => {
    await t.app.inject({ url: '/api/v1/roadmaps/backend-developer' });
    await t.app.inject({ url: '/api/v1/roadmaps/nope' });
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/# TYPE http_request_duration_seconds histogram/);
    expect(res.body).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/roadmaps\/:slug",status_code="200"\} [1-9]/,
    );
    expect(res.body).toMatch(/route="\/api\/v1\/roadmaps\/:slug",status_code="404"/);
    expect(res.body).toMatch(/http_request_duration_seconds_bucket\{le="0.005",method="GET"/);
  });
});

describe('HTTP conventions', () => {
  it('sets security headers and echoes a request id', async () => {
    const res = await t.app.inject({ url: '/api/v1/roadmaps', headers: { 'x-request-id': 'trace-123' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
    expect(res.headers['x-request-id']).toBe('trace-123');
    const generated = await t.app.inject({ url: '/api/v1/roadmaps' });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown routes and wrong methods with problem+json', async () => {
    const missing = await t.app.inject({ url: '/api/v1/nothing-here' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    const wrongMethod = await t.app.inject({ method: 'DELETE', url: '/api/v1/search' });
    expect(wrongMethod.statusCode).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, HEAD');
  });
});

describe('API documentation', () => {
  it('GET /api/openapi.json is an OpenAPI 3.1 document of every route with named schemas', async () => {
    const res = await t.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/.well-known/did.json',
      '/api/v1/admin/jobs',
      '/api/v1/admin/jobs/{id}/retry',
      '/api/v1/admin/users',
      '/api/v1/admin/users/{id}',
      '/api/v1/auth/login',
      '/api/v1/auth/logout',
      '/api/v1/auth/oauth/{provider}/callback',
      '/api/v1/auth/oauth/{provider}/start',
      '/api/v1/auth/password-reset',
      '/api/v1/auth/password-reset/confirm',
      '/api/v1/auth/providers',
      '/api/v1/auth/refresh',
      '/api/v1/auth/signup',
      '/api/v1/auth/verify-email',
      '/api/v1/auth/verify-email/resend',
      '/api/v1/cohorts',
      '/api/v1/cohorts/join',
      '/api/v1/cohorts/{id}',
      '/api/v1/cohorts/{id}/events',
      '/api/v1/cohorts/{id}/heatmap',
      '/api/v1/cohorts/{id}/invites',
      '/api/v1/cohorts/{id}/invites/{inviteId}',
      '/api/v1/cohorts/{id}/members',
      '/api/v1/cohorts/{id}/members/{userId}',
      '/api/v1/cohorts/{id}/members/{userId}/nudges',
      '/api/v1/cohorts/{id}/report.csv',
      '/api/v1/credentials/verify',
      '/api/v1/credentials/{id}',
      '/api/v1/credentials/{id}/revoke',
      '/api/v1/issuer',
      '/api/v1/me',
      '/api/v1/me/authored',
      '/api/v1/me/calendar-token',
      '/api/v1/me/calendar.ics',
      '/api/v1/me/cohorts',
      '/api/v1/me/credentials',
      '/api/v1/me/credentials/{id}',
      '/api/v1/me/deletion',
      '/api/v1/me/email',
      '/api/v1/me/events',
      '/api/v1/me/export',
      '/api/v1/me/notes',
      '/api/v1/me/password',
      '/api/v1/me/push-subscriptions',
      '/api/v1/me/push-subscriptions/{id}',
      '/api/v1/me/reminder/test',
      '/api/v1/me/reviews',
      '/api/v1/me/reviews/{cardId}',
      '/api/v1/me/roadmaps',
      '/api/v1/me/roadmaps/{slug}',
      '/api/v1/me/roadmaps/{slug}/forecast',
      '/api/v1/me/roadmaps/{slug}/progress',
      '/api/v1/me/roadmaps/{slug}/steps/{stepSlug}',
      '/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note',
      '/api/v1/me/roadmaps/{slug}/steps/{stepSlug}/resources',
      '/api/v1/me/sessions',
      '/api/v1/me/sessions/{id}',
      '/api/v1/me/stats',
      '/api/v1/me/study-sessions',
      '/api/v1/me/study-sessions/{id}',
      '/api/v1/me/tokens',
      '/api/v1/me/tokens/{id}',
      '/api/v1/me/webhooks',
      '/api/v1/me/webhooks/{id}',
      '/api/v1/me/webhooks/{id}/deliveries',
      '/api/v1/me/webhooks/{id}/test',
      '/api/v1/roadmaps',
      '/api/v1/roadmaps/preview',
      '/api/v1/roadmaps/{slug}',
      '/api/v1/roadmaps/{slug}/fork',
      '/api/v1/roadmaps/{slug}/publish',
      '/api/v1/roadmaps/{slug}/rename',
      '/api/v1/roadmaps/{slug}/steps/{stepSlug}',
      '/api/v1/roadmaps/{slug}/versions',
      '/api/v1/roadmaps/{slug}/versions/{version}',
      '/api/v1/search',
      '/api/v1/unsubscribe',
      '/api/v1/users/{handle}',
      '/api/v1/users/{handle}/card.svg',
      '/healthz',
      '/metrics',
      '/readyz',
    ]);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Problem', 'RoadmapDocument', 'RoadmapList', 'StepDetail', 'SearchResults']),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    // Every route that needs a signed-in user says so, and documents its 401 — and its 403: a
    // personal access token can be sent to any of them, and is refused where it may not go.
    for (const [path, operations] of Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown; responses: object }>>,
    )) {
      for (const [method, op] of Object.entries(operations)) {
        if (!(op.security as unknown[] | undefined)?.length) continue;
        expect(op.responses, `${method} ${path}`).toHaveProperty('401');
        expect(op.responses, `${method} ${path}`).toHaveProperty('403');
      }
    }
    expect(doc.paths['/api/v1/me'].get.security).toEqual([
      { bearer: [] },
      { personalAccessToken: ['profile:read'] },
    ]);
    expect(doc.paths['/api/v1/me/tokens'].get.security).toEqual([{ bearer: [] }]); // never with a token
    // What Waymark sends to webhooks (OpenAPI 3.1's `webhooks`), one entry per event.
    expect(Object.keys(doc.webhooks)).toEqual([
      'progress.updated',
      'milestone.reached',
      'review.completed',
      'study_session.created',
      'cohort.member_joined',
      'ping',
    ]);
    expect(doc.components.securitySchemes.personalAccessToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.paths['/api/v1/admin/users/{id}'].patch.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/roadmaps'].get.security).toEqual([]);
    expect(doc.paths['/api/v1/roadmaps/{slug}'].get.security).toEqual([{ bearer: [] }, {}]);
    const getDoc = doc.paths['/api/v1/roadmaps/{slug}'].get;
    expect(Object.keys(getDoc.responses)).toEqual(['200', '301', '304', '400', '401', '403', '404']);
    expect(JSON.stringify(getDoc.responses['404'])).toMatch(/#\/components\/schemas\/Problem/);
    expect(doc.paths['/api/v1/roadmaps'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'limit',
      'cursor',
      'q',
    ]);
  });

  it('GET /api/docs serves the interactive reference with its script from this server', async () => {
    const redirect = await t.app.inject({ url: '/api/docs' });
    expect(redirect.statusCode).toBe(301);
    const page = await t.app.inject({ url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toMatch(/js\/scalar\.js/);
    expect(page.body).toMatch(/\/api\/openapi\.json/);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self' 'unsafe-inline'/);
    const script = await t.app.inject({ url: '/api/docs/js/scalar.js' });
    expect(script.statusCode).toBe(200);
    expect(script.body.length).toBeGreaterThan(100_000);
  });
});

describe('readiness when the database is gone', () => {
  it('GET /readyz answers 503 naming the database', async () => {
    const other = await createTestApp();
    await other.db.close();
    const res = await other.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'unavailable', checks: { database: 'down' } });
    // Liveness does not ask the database: the process is alive, only a dependency is gone.
    const live = await other.app.inject({ url: '/healthz' });
    expect(live.statusCode).toBe(200);
    expect(live.json()).toEqual({ status: 'ok' });
    // Requests that need it answer 503 problem+json, not a 500.
    const read = await other.app.inject({ url: '/api/v1/roadmaps?limit=1' });
    expect(read.statusCode).toBe(503);
    expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(read.headers['retry-after']).toBe('5');
    expect(read.json().detail).toMatch(/database is not answering/);
    await other.app.close();
  });
});

describe('/metrics is not public', () => {
  it('answers only clients on this machine connecting directly when no METRICS_TOKEN is set', async () => {
    expect((await t.app.inject({ url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    const remote = await t.app.inject({ url: '/metrics', remoteAddress: '203.0.113.7' });
    expect(remote.statusCode).toBe(401);
    expect(remote.headers['content-type']).toMatch(/problem\+json/);
    // Through a proxy on this machine (nginx), every client looks local: refused.
    const proxied = await t.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.7' } });
    expect(proxied.statusCode).toBe(401);
  });

  it('answers only its bearer token when METRICS_TOKEN is set', async () => {
    const token = 'a-long-enough-metrics-token';
    const other = await createTestApp({ METRICS_TOKEN: token });
    expect((await other.app.inject({ url: '/metrics' })).statusCode).toBe(401);
    expect(
      (
        await other.app.inject({
          url: '/metrics',
          headers: { authorization: 'Bearer wrong-token-of-same-length' },
        })
      ).statusCode,
    ).toBe(401);
    const ok = await other.app.inject({
      url: '/metrics',
      remoteAddress: '203.0.113.7',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.body).toMatch(/http_request_duration_seconds/);
    await other.close();
  });
});

describe('security headers follow the scheme users see', () => {
  it('leave out upgrade-insecure-requests and HSTS on plain http (a LAN install), and https: in style-src', async () => {
    const res = await t.app.inject({ url: '/api/v1/roadmaps?limit=1' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).not.toMatch(/upgrade-insecure-requests/);
    expect(res.headers['strict-transport-security']).toBeUndefined();
    expect(csp).toMatch(/style-src 'self' 'unsafe-inline'(;|$)/);
    expect(csp).not.toMatch(/https:/);
  });

  it('add both behind https', async () => {
    const other = await createTestApp({ PUBLIC_URL: 'https://waymark.example' });
    const res = await other.app.inject({ url: '/api/v1/roadmaps?limit=1' });
    expect(String(res.headers['content-security-policy'])).toMatch(/upgrade-insecure-requests/);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    await other.close();
  });
});

describe('the web app at /index.html', () => {
  it('is the app page itself, not 405', async () => {
    const res = await t.app.inject({ url: '/index.html' });
    expect(t.app.webIndex, 'the web app is built by npm ci (postinstall) and npm run build').not.toBeNull();
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toBe(t.app.webIndex!.toString());
  });
});

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
      '/api/v1/me',
      '/api/v1/me/authored',
      '/api/v1/me/events',
      '/api/v1/me/export',
      '/api/v1/me/roadmaps',
      '/api/v1/me/roadmaps/{slug}/progress',
      '/api/v1/me/roadmaps/{slug}/steps/{stepSlug}',
      '/api/v1/me/stats',
      '/api/v1/me/study-sessions',
      '/api/v1/me/study-sessions/{id}',
      '/api/v1/roadmaps',
      '/api/v1/roadmaps/preview',
      '/api/v1/roadmaps/{slug}',
      '/api/v1/roadmaps/{slug}/publish',
      '/api/v1/roadmaps/{slug}/steps/{stepSlug}',
      '/api/v1/roadmaps/{slug}/versions',
      '/api/v1/search',
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
    // Every route that needs a signed-in user says so, and documents its 401.
    for (const [path, operations] of Object.entries(
      doc.paths as Record<string, Record<string, { security?: unknown; responses: object }>>,
    )) {
      for (const [method, op] of Object.entries(operations)) {
        if (op.security) expect(op.responses, `${method} ${path}`).toHaveProperty('401');
      }
    }
    expect(doc.paths['/api/v1/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/admin/users/{id}'].patch.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/api/v1/roadmaps'].get.security).toBeUndefined();
    const getDoc = doc.paths['/api/v1/roadmaps/{slug}'].get;
    expect(Object.keys(getDoc.responses)).toEqual(['200', '304', '400', '401', '403', '404']);
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
    // Requests that need it answer 503 problem+json, not a 500.
    const read = await other.app.inject({ url: '/api/v1/roadmaps?limit=1' });
    expect(read.statusCode).toBe(503);
    expect(read.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(read.headers['retry-after']).toBe('5');
    expect(read.json().detail).toMatch(/database is not answering/);
    await other.app.close();
  });
});

import cookie from '@fastify/cookie';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import cacheControl, { PRIVATE_CACHE_CONTROL, PUBLIC_CACHE_CONTROL, sharedCache } from './cache-control.ts';

const app = Fastify({ logger: false });
beforeAll(async () => {
  await app.register(cookie);
  await app.register(cacheControl);
  app.get('/api/v1/shared', { config: sharedCache }, async () => ({ hello: 'world' }));
  app.get('/api/v1/shared-tagged', { config: sharedCache }, async (_request, reply) =>
    reply.header('etag', '"7-own"').send({ tagged: true }),
  );
  app.get('/api/v1/shared-cookie', { config: sharedCache }, async (_request, reply) =>
    reply.setCookie('c', 'v').send({ ok: true }),
  );
  app.get('/api/v1/shared-moved', { config: sharedCache }, async (_request, reply) =>
    reply.redirect('/api/v1/shared', 301),
  );
  app.get('/api/v1/shared-missing', { config: sharedCache }, async (_request, reply) =>
    reply.code(404).send({ missing: true }),
  );
  app.get('/api/v1/personal', async (_request, reply) =>
    // A handler's own header loses: the plugin decides.
    reply.header('cache-control', 'public, max-age=3600').send({ mine: true }),
  );
  app.get('/elsewhere', async (_request, reply) => reply.header('cache-control', 'no-cache').send('page'));
  await app.ready();
});
afterAll(async () => app.close());

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });

describe('Cache-Control under /api', () => {
  it('a route declared shared answers anonymous callers public, short-lived, with a strong ETag', async () => {
    const res = await get('/api/v1/shared');
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=10, stale-while-revalidate=30');
    expect(res.headers['cache-control']).toBe(PUBLIC_CACHE_CONTROL);
    expect(res.headers.etag).toMatch(/^"[\w-]{27}"$/);
    expect(res.json()).toEqual({ hello: 'world' });
    // the same bytes, the same tag
    expect((await get('/api/v1/shared')).headers.etag).toBe(res.headers.etag);
  });

  it('answers 304 with no body to a matching If-None-Match, 200 to a stale one', async () => {
    const etag = (await get('/api/v1/shared')).headers.etag as string;
    const same = await get('/api/v1/shared', { 'if-none-match': etag });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);
    expect(same.headers['cache-control']).toBe(PUBLIC_CACHE_CONTROL);
    const stale = await get('/api/v1/shared', { 'if-none-match': '"stale"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toEqual({ hello: 'world' });
  });

  it("keeps a route's own ETag", async () => {
    const res = await get('/api/v1/shared-tagged');
    expect(res.headers.etag).toBe('"7-own"');
    expect((await get('/api/v1/shared-tagged', { 'if-none-match': '"7-own"' })).statusCode).toBe(304);
  });

  it('a request with Authorization is never public, on any route', async () => {
    for (const url of ['/api/v1/shared', '/api/v1/shared-tagged', '/api/v1/personal']) {
      const res = await get(url, { authorization: 'Bearer anything' });
      expect(res.headers['cache-control'], url).toBe(PRIVATE_CACHE_CONTROL);
    }
    // and gets no 304 computed by the plugin either: that is a shared-cache courtesy
    const etag = (await get('/api/v1/shared')).headers.etag as string;
    const authed = await get('/api/v1/shared', { authorization: 'Bearer x', 'if-none-match': etag });
    expect(authed.statusCode).toBe(200);
    expect(authed.headers.etag).toBeUndefined();
  });

  it('an answer that sets a cookie, or is an error, is private even on a shared route', async () => {
    expect((await get('/api/v1/shared-cookie')).headers['cache-control']).toBe(PRIVATE_CACHE_CONTROL);
    const missing = await get('/api/v1/shared-missing');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['cache-control']).toBe(PRIVATE_CACHE_CONTROL);
    expect(missing.headers.etag).toBeUndefined();
  });

  it('a redirect of a shared route is public (a renamed step)', async () => {
    const res = await get('/api/v1/shared-moved');
    expect(res.statusCode).toBe(301);
    expect(res.headers['cache-control']).toBe(PUBLIC_CACHE_CONTROL);
  });

  it('everything else under /api is private, no-store, whatever the handler said; unknown routes too', async () => {
    expect((await get('/api/v1/personal')).headers['cache-control']).toBe('private, no-store');
    expect((await get('/api/v1/nowhere')).headers['cache-control']).toBe('private, no-store');
  });

  it('leaves responses outside /api alone', async () => {
    expect((await get('/elsewhere')).headers['cache-control']).toBe('no-cache');
  });
});

// Which answers shared caches may keep (plugins/cache-control.ts), through the real routes.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { users } from '../../db/schema.ts';

const PUBLIC = 'public, max-age=10, stale-while-revalidate=30';
const PRIVATE = 'private, no-store';

let t: TestApp;
let author: SignedUp;
let handle: string;
beforeAll(async () => {
  t = await createTestApp();
  author = await signUp(t.app);
  await t.db.primary.update(users).set({ role: 'author' }).where(eq(users.id, author.user.id));
  handle = `cached-${author.user.id.slice(0, 6)}`;
  const patched = await t.app.inject({
    method: 'PATCH',
    url: '/api/v1/me',
    headers: author.auth,
    payload: { handle, publicProfile: true },
  });
  expect(patched.statusCode).toBe(200);
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers });

describe('public reads, anonymous', () => {
  it('are public for shared caches, with a strong ETag and 304 on If-None-Match', async () => {
    for (const url of [
      '/api/v1/roadmaps',
      '/api/v1/roadmaps?q=redis',
      '/api/v1/roadmaps/backend-developer',
      '/api/v1/roadmaps/backend-developer/steps/rest-apis',
      '/api/v1/search?q=redis',
      `/api/v1/users/${handle}`,
      `/api/v1/users/${handle}/card.svg`,
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe(PUBLIC);
      const etag = res.headers.etag as string;
      expect(etag, url).toMatch(/^"[\w-]+"$/);
      const again = await get(url, { 'if-none-match': etag });
      expect(again.statusCode, url).toBe(304);
      expect(again.body, url).toBe('');
      expect(again.headers['cache-control'], url).toBe(PUBLIC);
    }
  });

  it('errors on public routes are never kept: 404, 400', async () => {
    for (const url of [
      '/api/v1/roadmaps/no-such-roadmap',
      '/api/v1/roadmaps?limit=0',
      '/api/v1/users/nobody-here',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.headers['cache-control'], url).toBe(PRIVATE);
    }
  });
});

describe('anything personal is private, no-store', () => {
  it('the same public path read with Authorization, and the draft through it', async () => {
    const published = await get('/api/v1/roadmaps/backend-developer', author.auth);
    expect(published.statusCode).toBe(200);
    expect(published.headers['cache-control']).toBe(PRIVATE);
    await t.db.primary.update(users).set({ role: 'admin' }).where(eq(users.id, author.user.id));
    const draft = await get('/api/v1/roadmaps/backend-developer?version=draft', author.auth);
    expect(draft.statusCode).toBe(200);
    expect(draft.headers['cache-control']).toBe(PRIVATE);
    expect(draft.headers.etag).toBeTruthy(); // still there, for If-Match
    const anonymousDraft = await get('/api/v1/roadmaps/backend-developer?version=draft');
    expect(anonymousDraft.statusCode).toBe(401);
    expect(anonymousDraft.headers['cache-control']).toBe(PRIVATE);
  });

  it('/me, sessions, export, auth and admin routes', async () => {
    for (const url of ['/api/v1/me', '/api/v1/me/sessions', '/api/v1/me/export', '/api/v1/admin/users']) {
      const res = await get(url, author.auth);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['cache-control'], url).toBe(PRIVATE);
      expect((await get(url)).headers['cache-control'], url).toBe(PRIVATE); // the 401 too
    }
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: author.user.email, password: 'correct horse battery staple' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['cache-control']).toBe(PRIVATE);
  });
});

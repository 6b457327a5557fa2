// Personal access tokens through the real app: made once and kept as a hash, used on exactly the
// routes their scopes allow, refused everywhere else, revoked at once on every instance.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { queryRows } from '../../db/client.ts';
import { createMemoryPubSub } from '../../infra/pubsub.ts';
import { TOKEN_CHECK_MS } from './service.ts';

let t: TestApp;
let other: TestApp; // a second instance of the same deployment: one database, one pub/sub
let now = Date.now();
beforeAll(async () => {
  const pubsub = createMemoryPubSub();
  const clock = { now: () => new Date(now), pubsub };
  t = await createTestApp({ WAYMARK_JOBS: 'off' }, clock);
  other = await createTestApp({ WAYMARK_JOBS: 'off' }, { ...clock, db: t.db });
});
afterAll(async () => {
  await other.close();
  await t.close();
});

type Who = SignedUp | { authorization: string } | null;
const headersOf = (who: Who) => (who === null ? {} : 'auth' in who ? who.auth : who);
const call = (who: Who, method: string, url: string, payload?: object, app = t) =>
  app.app.inject({ method: method as 'GET', url, headers: headersOf(who), ...(payload ? { payload } : {}) });

async function tokenFor(who: SignedUp, body: object) {
  const res = await call(who, 'POST', '/api/v1/me/tokens', body);
  expect(res.statusCode, res.body).toBe(201);
  const made = res.json();
  return { ...made, bearer: { authorization: `Bearer ${made.token}` } };
}

describe('personal access tokens', () => {
  it('are shown once, kept as a hash, and work on the routes their scopes allow', async () => {
    const ada = await signUp(t.app);
    const made = await tokenFor(ada, { name: 'study timer', scopes: ['study:write', 'progress:read'] });
    expect(made).toMatchObject({
      name: 'study timer',
      scopes: ['study:write', 'progress:read'],
      expiresAt: null,
    });
    expect(made.token).toMatch(/^wmk_[A-Za-z0-9_-]{43}$/);
    const stored = await queryRows<{ token_hash: string }>(
      t.db.primary,
      sql`select token_hash from personal_access_tokens where id = ${made.id}`,
    );
    expect(stored[0]!.token_hash).toBe(createHash('sha256').update(made.token).digest('hex'));

    // The README's curl: log 30 minutes.
    const logged = await call(made.bearer, 'POST', '/api/v1/me/study-sessions', { minutes: 30 });
    expect(logged.statusCode, logged.body).toBe(201);
    expect((await call(made.bearer, 'GET', '/api/v1/me/roadmaps')).statusCode).toBe(200);

    // Outside its scopes: 403 naming the scope, in the body and in WWW-Authenticate (RFC 6750).
    const read = await call(made.bearer, 'GET', '/api/v1/me/study-sessions');
    expect(read.statusCode).toBe(403);
    expect(read.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(read.json().detail).toContain('study:read');
    expect(read.headers['www-authenticate']).toBe(
      'Bearer realm="waymark", error="insufficient_scope", scope="study:read"',
    );
    // Never: tokens, sessions, the password, the email, the account, admin, cohorts, exports.
    for (const [method, url, body] of [
      ['GET', '/api/v1/me/tokens'],
      ['POST', '/api/v1/me/tokens', { name: 'more', scopes: ['notes:read'] }],
      ['DELETE', `/api/v1/me/tokens/${made.id}`],
      ['GET', '/api/v1/me/sessions'],
      ['POST', '/api/v1/me/password', { currentPassword: 'x', newPassword: 'y' }],
      ['POST', '/api/v1/me/email', { email: 'new@example.com', password: 'x' }],
      ['PATCH', '/api/v1/me', { displayName: 'Mallory' }],
      ['DELETE', '/api/v1/me'],
      ['GET', '/api/v1/me/export'],
      ['GET', '/api/v1/admin/users'],
      ['GET', '/api/v1/cohorts'],
      ['POST', '/api/v1/auth/logout', {}],
    ] as [string, string, object?][]) {
      const res = await call(made.bearer, method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
    }
    expect((await call(ada, 'GET', '/api/v1/me/tokens')).json().items).toHaveLength(1); // still there

    // The list says when it was last used, never the token.
    const list = await call(ada, 'GET', '/api/v1/me/tokens');
    expect(list.statusCode).toBe(200);
    expect(list.json().items[0]).toMatchObject({ id: made.id, lastUsedAt: expect.any(String) });
    expect(list.body).not.toContain(made.token);
  });

  it('are refused once revoked, at once on another instance too', async () => {
    const bo = await signUp(t.app);
    const made = await tokenFor(bo, { name: 'laptop', scopes: ['profile:read'] });
    expect((await call(made.bearer, 'GET', '/api/v1/me', undefined, other)).statusCode).toBe(200); // remembered there
    expect((await call(bo, 'DELETE', `/api/v1/me/tokens/${made.id}`)).statusCode).toBe(204);
    for (const app of [t, other]) {
      const res = await call(made.bearer, 'GET', '/api/v1/me', undefined, app);
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(res.json().detail).toMatch(/Settings/);
    }
    expect((await call(bo, 'DELETE', `/api/v1/me/tokens/${made.id}`)).statusCode).toBe(404);
  });

  it('stop at their expiry, and someone else cannot see or revoke them', async () => {
    const cy = await signUp(t.app);
    const past = await call(cy, 'POST', '/api/v1/me/tokens', {
      name: 'old',
      scopes: ['notes:read'],
      expiresAt: new Date(now - 1000).toISOString(),
    });
    expect(past.statusCode).toBe(400);
    expect(past.json().errors[0].path).toBe('/body/expiresAt');
    const unknownScope = await call(cy, 'POST', '/api/v1/me/tokens', { name: 'x', scopes: ['admin'] });
    expect(unknownScope.statusCode).toBe(400);
    expect(unknownScope.json().errors[0].path).toMatch(/^\/body\/scopes/);

    const made = await tokenFor(cy, {
      name: 'a day',
      scopes: ['notes:read'],
      expiresAt: new Date(now + 86_400_000).toISOString(),
    });
    expect((await call(made.bearer, 'GET', '/api/v1/me/notes')).statusCode).toBe(200);
    const mallory = await signUp(t.app);
    expect((await call(mallory, 'DELETE', `/api/v1/me/tokens/${made.id}`)).statusCode).toBe(404);
    expect((await call(mallory, 'GET', '/api/v1/me/tokens')).json().items).toEqual([]);

    now += 86_400_000 + TOKEN_CHECK_MS; // a day later, past its expiry and the remembered lookup
    const expired = await call(made.bearer, 'GET', '/api/v1/me/notes');
    expect(expired.statusCode).toBe(401);
    const junk = await call({ authorization: 'Bearer wmk_not-a-token' }, 'GET', '/api/v1/me/notes');
    expect(junk.statusCode).toBe(401);
  });

  it('go with a password reset and with the account', async () => {
    const di = await signUp(t.app);
    const made = await tokenFor(di, { name: 'sync', scopes: ['progress:write'] });
    const mark = () =>
      call(made.bearer, 'PUT', '/api/v1/me/roadmaps/backend-developer/steps/postgresql', { status: 'done' });
    expect((await mark()).statusCode).toBe(200);
    expect((await call(di, 'DELETE', '/api/v1/me')).statusCode).toBe(204);
    expect((await mark()).statusCode).toBe(401);
    expect(
      (
        await call(
          made.bearer,
          'PUT',
          '/api/v1/me/roadmaps/backend-developer/steps/git',
          { status: 'done' },
          other,
        )
      ).statusCode,
    ).toBe(401);

    // A password reset ends them too: it is how an owner takes a stolen account back.
    const ed = await signUp(t.app);
    const kept = await tokenFor(ed, { name: 'sync', scopes: ['profile:read'] });
    expect((await call(kept.bearer, 'GET', '/api/v1/me')).statusCode).toBe(200);
    expect(
      (await call(null, 'POST', '/api/v1/auth/password-reset', { email: ed.user.email })).statusCode,
    ).toBe(202);
    await t.app.services.background.idle(); // the mail leaves after the answer
    const [mail] = await queryRows<{ text: string }>(
      t.db.primary,
      sql`select text from outbox where "to" = ${ed.user.email} and subject like 'Reset%' order by created_at desc limit 1`,
    );
    const resetToken = /reset-password\?token=([\w-]+)/.exec(mail!.text)![1]!;
    const confirmed = await call(null, 'POST', '/api/v1/auth/password-reset/confirm', {
      token: resetToken,
      password: 'a brand new passphrase',
    });
    expect(confirmed.statusCode, confirmed.body).toBe(204);
    expect((await call(kept.bearer, 'GET', '/api/v1/me')).statusCode).toBe(401);
    expect((await call(kept.bearer, 'GET', '/api/v1/me', undefined, other)).statusCode).toBe(401);
  });
});

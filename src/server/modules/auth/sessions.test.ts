// Sessions a person can rely on, and that an attacker cannot outlive: both loopback spellings,
// several tabs refreshing at once, revocation that holds on every instance (also one that
// missed the message, or started later), the sessions list, password and email changes, the
// failed-sign-in limits, and password-reset mail.
import { importPKCS8, SignJWT } from 'jose';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, TEST_KEYS_ENV, type TestApp } from '../../../../test/helpers/app.ts';
import { GOOD_PASSWORD, signUp, uniqueEmail, type SignedUp } from '../../../../test/helpers/auth.ts';
import { outbox } from '../../db/schema.ts';
import { SESSION_CHECK_MS } from './service.ts';

let t: TestApp;
// The per-IP budget of /auth (its own test is in plugins/rate-limit.test.ts) would refuse this
// file's many sign-ins from one test address; the failed-sign-in limits stay on.
const NO_AUTH_BUDGET = { AUTH_RATE_LIMIT_PER_MINUTE: '0' };
beforeAll(async () => {
  t = await createTestApp(NO_AUTH_BUDGET);
});
afterAll(async () => t.close());

const post = (app: TestApp, url: string, payload: object, headers: Record<string, string> = {}) =>
  app.app.inject({ method: 'POST', url, payload, headers });
const cookieOf = (setCookie: unknown) => /waymark_refresh=([^;]+)/.exec(String(setCookie))?.[1];

async function mails(app: TestApp, to: string) {
  await app.app.services.background.idle();
  return app.db.primary.select().from(outbox).where(eq(outbox.to, to)).orderBy(outbox.createdAt);
}

describe('the web session at both loopback addresses (no PUBLIC_URL)', () => {
  for (const origin of ['http://127.0.0.1:3000', 'http://localhost:3000']) {
    it(`keeps the session across reloads and signs out at ${origin}`, async () => {
      const web = { 'x-waymark-client': 'web', origin, 'sec-fetch-site': 'same-origin' };
      const signup = await post(
        t,
        '/api/v1/auth/signup',
        { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Tab' },
        web,
      );
      expect(signup.statusCode).toBe(201);
      let cookie = cookieOf(signup.headers['set-cookie'])!;
      for (let reload = 0; reload < 3; reload++) {
        const refreshed = await post(
          t,
          '/api/v1/auth/refresh',
          {},
          { ...web, cookie: `waymark_refresh=${cookie}` },
        );
        expect(refreshed.statusCode, `reload ${reload}`).toBe(200);
        cookie = cookieOf(refreshed.headers['set-cookie'])!;
      }
      const out = await post(t, '/api/v1/auth/logout', {}, { ...web, cookie: `waymark_refresh=${cookie}` });
      expect(out.statusCode).toBe(204);
      const after = await post(
        t,
        '/api/v1/auth/refresh',
        {},
        { ...web, cookie: `waymark_refresh=${cookie}` },
      );
      expect(after.statusCode).toBe(401);
    });
  }

  it('stays strict when PUBLIC_URL is set: only that origin may use the cookie', async () => {
    const strict = await createTestApp({ PUBLIC_URL: 'https://waymark.example' });
    const web = { 'x-waymark-client': 'web' };
    const signup = await post(
      strict,
      '/api/v1/auth/signup',
      { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Strict' },
      { ...web, origin: 'https://waymark.example' },
    );
    const cookie = `waymark_refresh=${cookieOf(signup.headers['set-cookie'])}`;
    const loopback = await post(
      strict,
      '/api/v1/auth/refresh',
      {},
      { ...web, origin: 'http://127.0.0.1:3000', cookie },
    );
    expect(loopback.statusCode).toBe(403);
    const own = await post(
      strict,
      '/api/v1/auth/refresh',
      {},
      { ...web, origin: 'https://waymark.example', cookie },
    );
    expect(own.statusCode).toBe(200);
    await strict.close();
  });
});

describe('the refresh grace window', () => {
  it('returns the live end of the chain to a token spent moments ago (a tab that was behind)', async () => {
    const me = await signUp(t.app);
    const second = (await post(t, '/api/v1/auth/refresh', { refreshToken: me.refreshToken })).json();
    const third = (await post(t, '/api/v1/auth/refresh', { refreshToken: second.refreshToken })).json();
    const late = await post(t, '/api/v1/auth/refresh', { refreshToken: me.refreshToken });
    expect(late.statusCode).toBe(200);
    expect(late.json().refreshToken).toBe(third.refreshToken);
    expect((await post(t, '/api/v1/auth/refresh', { refreshToken: third.refreshToken })).statusCode).toBe(
      200,
    );
  });

  it('treats a token spent longer ago than the window as reuse and ends the session', async () => {
    const short = await createTestApp({ ...NO_AUTH_BUDGET, REFRESH_GRACE_SECONDS: '1' });
    const me = await signUp(short.app);
    const spentAt = Date.now();
    const second = (await post(short, '/api/v1/auth/refresh', { refreshToken: me.refreshToken })).json();
    // Wait until the window has certainly passed (a lower bound, not a budget).
    await new Promise((r) => setTimeout(r, Math.max(0, spentAt + 1500 - Date.now())));
    const replay = await post(short, '/api/v1/auth/refresh', { refreshToken: me.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(replay.json().detail).toMatch(/already used/);
    expect(
      (await post(short, '/api/v1/auth/refresh', { refreshToken: second.refreshToken })).statusCode,
    ).toBe(401);
    expect(
      (
        await short.app.inject({
          url: '/api/v1/me',
          headers: { authorization: `Bearer ${second.accessToken}` },
        })
      ).statusCode,
    ).toBe(401);
    await short.close();
  });
});

describe('revocation on every instance', () => {
  // Two instances of one deployment on one database, each with pub/sub of its own: B never
  // hears A's announcements, as when Redis is down or B started after them.
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = t;
    b = await createTestApp(NO_AUTH_BUDGET, { db: t.db });
  });
  afterAll(async () => b.close());

  const me = (app: TestApp, who: SignedUp) => app.app.inject({ url: '/api/v1/me', headers: who.auth });
  const write = (app: TestApp, who: SignedUp) =>
    app.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      headers: who.auth,
      payload: { status: 'done' },
    });

  it('ends a signed-out session on an instance that missed the message, within the check interval', async () => {
    const who = await signUp(a.app);
    expect((await me(b, who)).statusCode).toBe(200); // B has read and remembered the session
    expect((await post(a, '/api/v1/auth/logout', {}, who.auth)).statusCode).toBe(204);
    expect((await me(a, who)).statusCode).toBe(401); // at once where it happened
    const started = Date.now();
    await vi.waitFor(async () => expect((await write(b, who)).statusCode).toBe(401), {
      timeout: SESSION_CHECK_MS * 4,
      interval: 200,
    });
    expect(Date.now() - started).toBeLessThan(SESSION_CHECK_MS * 4);
  });

  it('is known to an instance started after the revocation', async () => {
    const who = await signUp(a.app);
    await post(a, '/api/v1/auth/logout', {}, who.auth);
    const late = await createTestApp(NO_AUTH_BUDGET, { db: t.db });
    expect((await me(late, who)).statusCode).toBe(401);
    expect((await write(late, who)).statusCode).toBe(401);
    await late.close();
  });

  it('answers 401 (never 500) to the access token of a deleted account, everywhere', async () => {
    const who = await signUp(a.app);
    expect((await me(b, who)).statusCode).toBe(200);
    expect((await a.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: who.auth })).statusCode).toBe(
      204,
    );
    expect((await write(a, who)).statusCode).toBe(401);
    await vi.waitFor(async () => expect((await write(b, who)).statusCode).toBe(401), {
      timeout: SESSION_CHECK_MS * 4,
      interval: 200,
    });
  });

  it('ends the sessions of a user whose role changes, so the old role goes with them', async () => {
    const admin = await signUp(a.app);
    await a.app.services.users.setRole(admin.user.id, 'admin');
    const target = await signUp(a.app);
    const change = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${target.user.id}`,
      headers: admin.auth,
      payload: { role: 'author' },
    });
    expect(change.statusCode).toBe(200);
    expect((await me(a, target)).statusCode).toBe(401);
    expect((await post(a, '/api/v1/auth/refresh', { refreshToken: target.refreshToken })).statusCode).toBe(
      401,
    );
  });

  it('lets a demoted admin promote no one, with the token they still hold', async () => {
    const signedUp = await signUp(a.app);
    await a.app.services.users.setRole(signedUp.user.id, 'admin');
    // A token whose claims say admin…
    const admin = (
      await post(a, '/api/v1/auth/login', { email: signedUp.user.email, password: GOOD_PASSWORD })
    ).json();
    expect(JSON.parse(Buffer.from(admin.accessToken.split('.')[1], 'base64url').toString()).role).toBe(
      'admin',
    );
    const other = await signUp(a.app);
    // …then demoted behind its back (the CLI, or the database), its sessions left standing.
    await a.app.services.users.setRole(signedUp.user.id, 'learner');
    const attempt = await a.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${other.user.id}`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { role: 'admin' },
    });
    expect(attempt.statusCode).toBe(403);
    expect((await a.app.services.users.get(other.user.id)).role).toBe('learner');
  });
});

describe('the sessions list', () => {
  it('shows every live session, marks this one, and signs another out everywhere', async () => {
    const first = await signUp(t.app, { password: GOOD_PASSWORD });
    const second = (
      await post(
        t,
        '/api/v1/auth/login',
        { email: first.user.email, password: GOOD_PASSWORD },
        { 'user-agent': 'Phone' },
      )
    ).json();
    const list = await t.app.inject({ url: '/api/v1/me/sessions', headers: first.auth });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    const items = list.json().items as { id: string; current: boolean; userAgent: string | null }[];
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.current)).toHaveLength(1);
    const phone = items.find((s) => s.userAgent === 'Phone')!;
    expect(phone.current).toBe(false);
    const end = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/me/sessions/${phone.id}`,
      headers: first.auth,
    });
    expect(end.statusCode).toBe(204);
    expect(
      (await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${second.accessToken}` } }))
        .statusCode,
    ).toBe(401);
    expect((await post(t, '/api/v1/auth/refresh', { refreshToken: second.refreshToken })).statusCode).toBe(
      401,
    );
    expect(
      (await t.app.inject({ url: '/api/v1/me/sessions', headers: first.auth })).json().items,
    ).toHaveLength(1);
    // Another user's session is not found, as is one that does not exist.
    const stranger = await signUp(t.app);
    const mine = (await t.app.inject({ url: '/api/v1/me/sessions', headers: first.auth })).json().items[0].id;
    expect(
      (await t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${mine}`, headers: stranger.auth }))
        .statusCode,
    ).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/me', headers: first.auth })).statusCode).toBe(200);
  });
});

describe('changing the password', () => {
  it('needs the current one, refuses a weak one, and ends every other session', async () => {
    const me = await signUp(t.app);
    const other = (
      await post(t, '/api/v1/auth/login', { email: me.user.email, password: GOOD_PASSWORD })
    ).json();
    const change = (body: object) => post(t, '/api/v1/me/password', body, me.auth);
    const wrong = await change({
      currentPassword: 'not my password at all',
      newPassword: 'a fresh long passphrase',
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().errors[0].path).toBe('/body/currentPassword');
    const weak = await change({ currentPassword: GOOD_PASSWORD, newPassword: 'password' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().errors[0].path).toBe('/body/newPassword');
    expect(
      (await change({ currentPassword: GOOD_PASSWORD, newPassword: 'a fresh long passphrase' })).statusCode,
    ).toBe(204);
    expect((await t.app.inject({ url: '/api/v1/me', headers: me.auth })).statusCode).toBe(200);
    expect(
      (await t.app.inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${other.accessToken}` } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await post(t, '/api/v1/auth/login', { email: me.user.email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(401);
    expect(
      (await post(t, '/api/v1/auth/login', { email: me.user.email, password: 'a fresh long passphrase' }))
        .statusCode,
    ).toBe(200);
  });
});

describe('changing the email', () => {
  it('takes effect only when the link mailed to the new address is opened, and tells the old one', async () => {
    const me = await signUp(t.app);
    const next = uniqueEmail('moved');
    expect(
      (await post(t, '/api/v1/me/email', { email: next, password: 'wrong password entirely' }, me.auth))
        .statusCode,
    ).toBe(400);
    expect(
      (await post(t, '/api/v1/me/email', { email: next, password: GOOD_PASSWORD }, me.auth)).statusCode,
    ).toBe(202);
    expect((await t.app.inject({ url: '/api/v1/me', headers: me.auth })).json().email).toBe(me.user.email);
    const [mail] = await mails(t, next);
    const token = /verify-email\?token=([\w-]+)/.exec(mail!.text)![1]!;
    expect((await post(t, '/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
    const now = (await t.app.inject({ url: '/api/v1/me', headers: me.auth })).json();
    expect(now).toMatchObject({ email: next, emailVerified: true });
    expect((await mails(t, me.user.email)).some((m) => /email was changed/.test(m.subject))).toBe(true);
    expect((await post(t, '/api/v1/auth/login', { email: next, password: GOOD_PASSWORD })).statusCode).toBe(
      200,
    );
    expect((await post(t, '/api/v1/auth/verify-email', { token })).statusCode).toBe(400); // once
  });

  it('answers the same for a taken address, whose owner is told instead of sent a link', async () => {
    const me = await signUp(t.app);
    const owner = await signUp(t.app);
    expect(
      (await post(t, '/api/v1/me/email', { email: owner.user.email, password: GOOD_PASSWORD }, me.auth))
        .statusCode,
    ).toBe(202);
    const told = (await mails(t, owner.user.email)).filter((m) => /already on Waymark/.test(m.subject));
    expect(told).toHaveLength(1);
    expect(told[0]!.text).not.toMatch(/token=/);
  });
});

describe('failed sign-in limits', () => {
  it('counts before checking: of 40 guesses sent at once, 10 are checked and 30 refused', async () => {
    const victim = await signUp(t.app);
    const guesses = Array.from({ length: 40 }, (_, i) =>
      i === 25 ? GOOD_PASSWORD : `wrong guess number ${i}!`,
    );
    const results = await Promise.all(
      guesses.map((password) => post(t, '/api/v1/auth/login', { email: victim.user.email, password })),
    );
    const refused = results.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(30);
    expect(results.filter((r) => r.statusCode !== 429)).toHaveLength(10);
    for (const r of refused) {
      expect(r.headers['content-type']).toMatch(/problem\+json/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
    }
  });

  it('limits one account across many addresses: 30 addresses × 3 guesses check at most 20', async () => {
    const victim = await signUp(t.app);
    const attempts = [];
    for (let address = 0; address < 30; address++) {
      for (let guess = 0; guess < 3; guess++) {
        attempts.push(
          t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            remoteAddress: `198.51.100.${address + 1}`,
            payload: { email: victim.user.email, password: `guess ${address}-${guess} is wrong` },
          }),
        );
      }
    }
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.statusCode === 401).length).toBeLessThanOrEqual(20);
    expect(results.filter((r) => r.statusCode === 429).length).toBeGreaterThanOrEqual(70);
    // The lock is the account's: the right password waits too, from any address.
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      remoteAddress: '203.0.113.9',
      payload: { email: victim.user.email, password: GOOD_PASSWORD },
    });
    expect(right.statusCode).toBe(429);
  });

  it('clears the count after a right password', async () => {
    const me = await signUp(t.app);
    for (let i = 0; i < 9; i++)
      await post(t, '/api/v1/auth/login', { email: me.user.email, password: `wrong one ${i} here` });
    expect(
      (await post(t, '/api/v1/auth/login', { email: me.user.email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(200);
    for (let i = 0; i < 9; i++) {
      const res = await post(t, '/api/v1/auth/login', {
        email: me.user.email,
        password: `wrong two ${i} here`,
      });
      expect(res.statusCode).toBe(401);
    }
  });
});

describe('password-reset mail', () => {
  it('goes to one address at most 3 times an hour, the answer staying 202', async () => {
    const me = await signUp(t.app);
    for (let i = 0; i < 5; i++) {
      expect((await post(t, '/api/v1/auth/password-reset', { email: me.user.email })).statusCode).toBe(202);
    }
    const resets = (await mails(t, me.user.email)).filter((m) =>
      /Reset your Waymark password/.test(m.subject),
    );
    expect(resets).toHaveLength(3);
  });

  it('voids every other outstanding link once one is used', async () => {
    const me = await signUp(t.app);
    await post(t, '/api/v1/auth/password-reset', { email: me.user.email });
    await post(t, '/api/v1/auth/password-reset', { email: me.user.email });
    const tokens = (await mails(t, me.user.email))
      .filter((m) => /Reset your Waymark password/.test(m.subject))
      .map((m) => /reset-password\?token=([\w-]+)/.exec(m.text)![1]!);
    expect(tokens).toHaveLength(2);
    expect(
      (
        await post(t, '/api/v1/auth/password-reset/confirm', {
          token: tokens[0],
          password: 'the first new passphrase',
        })
      ).statusCode,
    ).toBe(204);
    const second = await post(t, '/api/v1/auth/password-reset/confirm', {
      token: tokens[1],
      password: 'the second new passphrase',
    });
    expect(second.statusCode).toBe(400);
    expect(
      (await post(t, '/api/v1/auth/login', { email: me.user.email, password: 'the first new passphrase' }))
        .statusCode,
    ).toBe(200);
  });
});

describe('event streams', () => {
  let base: string;
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(NO_AUTH_BUDGET);
    base = await app.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => app.close());

  /** Opens the stream and reads it to its end; resolves with everything it said. */
  async function openStream(token: string) {
    const res = await fetch(`${base}/api/v1/me/events`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) return { status: res.status, text: Promise.resolve(await res.text()) };
    return { status: 200, text: res.text() };
  }

  it('ends when its session is signed out', async () => {
    const me = await signUp(app.app);
    const stream = await openStream(me.accessToken);
    expect(stream.status).toBe(200);
    await post(app, '/api/v1/auth/logout', {}, me.auth);
    expect(await stream.text).toMatch(/event: end\ndata: {"reason":"session-ended"}/);
  });

  it('ends when its access token expires', async () => {
    const me = await signUp(app.app);
    const sessionId = JSON.parse(Buffer.from(me.accessToken.split('.')[1]!, 'base64url').toString()).sid;
    const key = await importPKCS8(TEST_KEYS_ENV.JWT_PRIVATE_KEY, 'EdDSA');
    const shortLived = await new SignJWT({ role: 'learner', sid: sessionId })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setIssuer(app.config.publicUrl)
      .setAudience('waymark-api')
      .setSubject(me.user.id)
      .setJti('short-lived')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
      .sign(key);
    const stream = await openStream(shortLived);
    expect(stream.status).toBe(200);
    expect(await stream.text).toMatch(/"reason":"token-expired"/);
  });

  it('opens at most 5 per user; the next is refused with 429 until one closes', async () => {
    const me = await signUp(app.app);
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const opened = await Promise.all(
      controllers.map((c) => fetch(`${base}/api/v1/me/events`, { headers: me.auth, signal: c.signal })),
    );
    expect(opened.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const sixth = await fetch(`${base}/api/v1/me/events`, { headers: me.auth });
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('content-type')).toMatch(/problem\+json/);
    controllers[0]!.abort();
    await vi.waitFor(async () => {
      const again = await fetch(`${base}/api/v1/me/events`, { headers: me.auth });
      expect(again.status).toBe(200);
      await again.body?.cancel();
    });
    for (const c of controllers) c.abort();
  });
});

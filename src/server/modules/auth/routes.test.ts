import { SignJWT, importPKCS8 } from 'jose';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_KEYS_ENV, type TestApp } from '../../../../test/helpers/app.ts';
import { GOOD_PASSWORD, signUp, uniqueEmail } from '../../../../test/helpers/auth.ts';
import { mailTokens, outbox, refreshTokens, users } from '../../db/schema.ts';

let t: TestApp;
// Every response body this file sees, to check at the end that no secret ever left the server.
const bodies: string[] = [];

beforeAll(async () => {
  t = await createTestApp({ LOGIN_FAILURES_PER_15_MINUTES: '10' }, {}, (app) =>
    app.addHook('onSend', async (_request, _reply, payload) => {
      if (typeof payload === 'string') bodies.push(payload);
      return payload;
    }),
  );
});
afterAll(async () => t.close());

const post = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url, payload: payload as object, headers });

function problem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }) {
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  return res.json() as { status: number; detail: string; errors?: { path: string; message: string }[] };
}

describe('sign-up', () => {
  it('creates a learner, signs it in and mails a confirmation link', async () => {
    const email = uniqueEmail();
    const res = await post('/api/v1/auth/signup', { email, password: GOOD_PASSWORD, displayName: 'Grace' });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toEqual({
      user: expect.objectContaining({
        email,
        displayName: 'Grace',
        role: 'learner',
        timezone: 'UTC',
        dailyGoalMinutes: 30,
        emailVerified: false,
      }),
      accessToken: expect.stringMatching(/^ey[\w-]+\.[\w-]+\.[\w-]+$/),
      refreshToken: expect.stringMatching(/^[\w-]{43}$/),
      expiresIn: 600,
    });
    const me = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().email).toBe(email);
    const [mail] = await t.db.primary.select().from(outbox).where(eq(outbox.to, email));
    expect(mail!.subject).toMatch(/Confirm your email/);
    const token = /verify-email\?token=([\w-]+)/.exec(mail!.text)![1]!;
    expect((await post('/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
    const again = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${body.accessToken}` },
    });
    expect(again.json().emailVerified).toBe(true);
    expect((await post('/api/v1/auth/verify-email', { token })).statusCode).toBe(400); // single use
  });

  it('mails a new confirmation link on request, to signed-in users only', async () => {
    const me = await signUp(t.app);
    const anonymous = await post('/api/v1/auth/verify-email/resend', {});
    expect(anonymous.statusCode).toBe(401);
    const res = await post('/api/v1/auth/verify-email/resend', {}, me.auth);
    expect(res.statusCode).toBe(202);
    const mails = await t.db.primary.select().from(outbox).where(eq(outbox.to, me.user.email));
    expect(mails.filter((m) => /Confirm your email/.test(m.subject))).toHaveLength(2);
  });

  it('refuses an email already taken, whatever its case: 409', async () => {
    const email = uniqueEmail();
    await signUp(t.app, { email });
    const res = await post('/api/v1/auth/signup', {
      email: email.toUpperCase(),
      password: GOOD_PASSWORD,
      displayName: 'Twin',
    });
    expect(res.statusCode).toBe(409);
    expect(problem(res).errors).toEqual([{ path: '/body/email', message: 'is already registered' }]);
  });

  it.each([
    ['too short', 'short pass 12', /at least 15 characters/],
    ['common', 'passwordpassword', /most commonly used/],
    ['one repeated character', 'aaaaaaaaaaaaaaaaaaaa', /too few different characters/],
    ['built from the email and the service name', 'waymark-ada.lovelace', /mostly made of your email/],
  ])('refuses a weak password (%s) with 400 naming the rule', async (_label, password, rule) => {
    const res = await post('/api/v1/auth/signup', {
      email: 'ada.lovelace@example.com',
      password,
      displayName: 'Ada',
    });
    expect(res.statusCode).toBe(400);
    const body = problem(res);
    expect(body.errors).toEqual([{ path: '/body/password', message: expect.stringMatching(rule) }]);
    expect(body.detail).toMatch(rule);
  });

  it('accepts 15 characters of anything, with no composition rules', async () => {
    await signUp(t.app, { password: 'ünïcødé & spaces ok' });
    await signUp(t.app, { password: 'all lower words here' });
  });

  it('refuses unknown fields such as role (no mass assignment), and bad emails', async () => {
    const res = await post('/api/v1/auth/signup', {
      email: 'not-an-email',
      password: GOOD_PASSWORD,
      displayName: 'Mallory',
      role: 'admin',
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).errors).toEqual(
      expect.arrayContaining([
        { path: '/body/role', message: 'is not a known property' },
        { path: '/body/email', message: expect.stringMatching(/email/) },
      ]),
    );
    expect(await t.db.primary.select().from(users).where(eq(users.displayName, 'Mallory'))).toEqual([]);
  });
});

describe('sign-in', () => {
  it('signs in with the right password, case-insensitively by email', async () => {
    const { user } = await signUp(t.app);
    const res = await post('/api/v1/auth/login', {
      email: user.email.toUpperCase(),
      password: GOOD_PASSWORD,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.id).toBe(user.id);
  });

  it('answers 401 with one message for a wrong password and an unknown email', async () => {
    const { user } = await signUp(t.app);
    const wrong = await post('/api/v1/auth/login', {
      email: user.email,
      password: 'not the password at all',
    });
    const unknown = await post('/api/v1/auth/login', {
      email: uniqueEmail('nobody'),
      password: GOOD_PASSWORD,
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(problem(wrong).detail).toBe(problem(unknown).detail);
  });

  it('answers the 11th failed sign-in for one email with 429 and Retry-After', async () => {
    const { user } = await signUp(t.app);
    for (let i = 1; i <= 10; i++) {
      const res = await post('/api/v1/auth/login', { email: user.email, password: `wrong password #${i}!` });
      expect(res.statusCode, `attempt ${i}`).toBe(401);
    }
    const eleventh = await post('/api/v1/auth/login', { email: user.email, password: 'wrong password #11!' });
    expect(eleventh.statusCode).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    expect(problem(eleventh).detail).toMatch(/Too many sign-in attempts/);
    // Even the right password waits now; another email from the same address does not.
    expect(
      (await post('/api/v1/auth/login', { email: user.email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(429);
    const other = await signUp(t.app);
    expect(
      (await post('/api/v1/auth/login', { email: other.user.email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(200);
  });

  it('rehashes a password stored with older argon2 parameters', async () => {
    const { hash } = await import('@node-rs/argon2');
    const { user } = await signUp(t.app);
    const old = await hash(GOOD_PASSWORD, { memoryCost: 4096, timeCost: 3, parallelism: 1 });
    await t.db.primary.update(users).set({ passwordHash: old }).where(eq(users.id, user.id));
    expect(
      (await post('/api/v1/auth/login', { email: user.email, password: GOOD_PASSWORD })).statusCode,
    ).toBe(200);
    const [row] = await t.db.primary.select().from(users).where(eq(users.id, user.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });
});

describe('refresh tokens', () => {
  it('rotate: each refresh spends the token and issues a new pair', async () => {
    const first = await signUp(t.app);
    const res = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(res.statusCode).toBe(200);
    const second = res.json();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.user.id).toBe(first.user.id);
    const me = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${second.accessToken}` },
    });
    expect(me.statusCode).toBe(200);
  });

  it('detect reuse: a spent token → 401, and the newer token of the same family dies too', async () => {
    // With the grace window off, a second use of a token is reuse at once (sessions.test.ts
    // covers the window).
    const strict = await createTestApp({ REFRESH_GRACE_SECONDS: '0' });
    const post = (url: string, payload: object) => strict.app.inject({ method: 'POST', url, payload });
    const first = await signUp(strict.app);
    const second = (await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken })).json();
    const replay = await post('/api/v1/auth/refresh', { refreshToken: first.refreshToken });
    expect(replay.statusCode).toBe(401);
    expect(problem(replay).detail).toMatch(/already used/);
    expect((await post('/api/v1/auth/refresh', { refreshToken: second.refreshToken })).statusCode).toBe(401);
    // The access token of that session stops working at once, too.
    const me = await strict.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${second.accessToken}` },
    });
    expect(me.statusCode).toBe(401);
    await strict.close();
  });

  it('converge: concurrent refreshes of one token all succeed with the same live successor', async () => {
    const { refreshToken } = await signUp(t.app);
    const results = await Promise.all([1, 2, 3].map(() => post('/api/v1/auth/refresh', { refreshToken })));
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const successors = new Set(results.map((r) => r.json().refreshToken as string));
    expect(successors.size).toBe(1);
    const [successor] = successors;
    expect(successor).not.toBe(refreshToken);
    expect((await post('/api/v1/auth/refresh', { refreshToken: successor })).statusCode).toBe(200);
  });

  it('answer 204 to the web app when its browser holds no session (nobody is signed in — not an error)', async () => {
    const web = await post('/api/v1/auth/refresh', {}, { 'x-waymark-client': 'web' });
    expect(web.statusCode).toBe(204);
    expect(web.body).toBe('');
    // An API client without a token is asked for one.
    expect((await post('/api/v1/auth/refresh', {})).statusCode).toBe(401);
  });

  it('stop working after logout', async () => {
    const { refreshToken } = await signUp(t.app);
    expect((await post('/api/v1/auth/logout', { refreshToken })).statusCode).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refreshToken })).statusCode).toBe(401);
  });

  it('logout with only the access token ends that session', async () => {
    const session = await signUp(t.app);
    const res = await post('/api/v1/auth/logout', {}, session.auth);
    expect(res.statusCode).toBe(204);
    expect((await post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: session.auth })).statusCode).toBe(401);
  });

  it('store only hashes', async () => {
    const { refreshToken } = await signUp(t.app);
    const rows = await t.db.primary.select({ hash: refreshTokens.tokenHash }).from(refreshTokens);
    expect(rows.some((r) => r.hash === refreshToken)).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash))).toBe(true);
  });
});

describe('the web session cookie', () => {
  const web = { 'x-waymark-client': 'web', origin: 'http://localhost:3000' };

  it('carries the refresh token (httpOnly, SameSite=Lax, scoped to /api/v1/auth) instead of the body', async () => {
    const res = await post(
      '/api/v1/auth/signup',
      { email: uniqueEmail(), password: GOOD_PASSWORD, displayName: 'Web' },
      { 'x-waymark-client': 'web' },
    );
    expect(res.statusCode).toBe(201);
    expect(res.json().refreshToken).toBeUndefined();
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^waymark_refresh=[\w-]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/api\/v1\/auth/);
    expect(cookie).not.toMatch(/Secure/); // PUBLIC_URL is http here
    const value = /waymark_refresh=([\w-]+)/.exec(cookie)![1]!;
    const refreshed = await post('/api/v1/auth/refresh', {}, { ...web, cookie: `waymark_refresh=${value}` });
    expect(refreshed.statusCode).toBe(200);
    expect(refreshed.json().refreshToken).toBeUndefined();
    expect(String(refreshed.headers['set-cookie'])).toMatch(/^waymark_refresh=[\w-]+;/);
  });

  it('is refused without the web header or from another origin (CSRF)', async () => {
    const res = await post(
      '/api/v1/auth/login',
      { email: (await signUp(t.app)).user.email, password: GOOD_PASSWORD },
      { 'x-waymark-client': 'web' },
    );
    const value = /waymark_refresh=([\w-]+)/.exec(String(res.headers['set-cookie']))![1]!;
    const cookie = `waymark_refresh=${value}`;
    expect((await post('/api/v1/auth/refresh', {}, { cookie })).statusCode).toBe(403);
    expect(
      (await post('/api/v1/auth/refresh', {}, { ...web, cookie, origin: 'https://evil.example' })).statusCode,
    ).toBe(403);
    expect(
      (await post('/api/v1/auth/refresh', {}, { ...web, cookie, 'sec-fetch-site': 'cross-site' })).statusCode,
    ).toBe(403);
    expect((await post('/api/v1/auth/logout', {}, { cookie })).statusCode).toBe(403);
    expect((await post('/api/v1/auth/refresh', {}, { ...web, cookie })).statusCode).toBe(200);
  });
});

describe('access tokens', () => {
  async function forged(
    claims: Record<string, unknown>,
    options: { iss?: string; aud?: string; exp?: number } = {},
  ) {
    const key = await importPKCS8(TEST_KEYS_ENV.JWT_PRIVATE_KEY, 'EdDSA');
    return new SignJWT({ role: 'admin', sid: '00000000-0000-0000-0000-000000000000', ...claims })
      .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' })
      .setIssuer(options.iss ?? 'http://localhost:3000')
      .setAudience(options.aud ?? 'waymark-api')
      .setSubject('00000000-0000-0000-0000-000000000001')
      .setJti('x')
      .setIssuedAt()
      .setExpirationTime(options.exp ?? Math.floor(Date.now() / 1000) + 300)
      .sign(key);
  }
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it('a well-made one of ours is accepted (the forgeries below differ in one thing only)', async () => {
    const res = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${await forged({})}` },
    });
    expect(res.statusCode).toBe(401); // valid signature, but no such session or user
  });

  it.each([
    [
      'alg none',
      async () =>
        `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ sub: 'x', role: 'admin', sid: 'x', iss: 'http://localhost:3000', aud: 'waymark-api', exp: 9e9, iat: 1, jti: 'x' })}.`,
    ],
    [
      'HS256 signed with our public key',
      async () =>
        new SignJWT({ role: 'admin', sid: 'x' })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
          .setIssuer('http://localhost:3000')
          .setAudience('waymark-api')
          .setSubject('x')
          .setJti('x')
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(TEST_KEYS_ENV.JWT_PUBLIC_KEY)),
    ],
    [
      'a tampered payload',
      async () => {
        const { accessToken } = await signUp(t.app);
        const [header, payload, signature] = accessToken.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        return `${header}.${b64({ ...claims, role: 'admin' })}.${signature}`;
      },
    ],
    ['an expired one', async () => forged({}, { exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a wrong issuer', async () => forged({}, { iss: 'https://elsewhere.example' })],
    ['a wrong audience', async () => forged({}, { aud: 'another-api' })],
    ['garbage', async () => 'not.a.jwt'],
  ])('is refused: %s → 401 with WWW-Authenticate', async (_label, make) => {
    const res = await t.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${await make()}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    problem(res);
  });

  it('no token at all → 401 with a plain Bearer challenge', async () => {
    const res = await t.app.inject({ url: '/api/v1/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="waymark"');
  });
});

describe('roles', () => {
  it('a learner cannot escalate through PATCH /me, and gets 403 on admin routes', async () => {
    const learner = await signUp(t.app);
    const patch = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: learner.auth,
      payload: { role: 'admin' },
    });
    expect(patch.statusCode).toBe(400);
    expect(problem(patch).errors).toEqual([{ path: '/body/role', message: 'is not a known property' }]);
    const admin = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${learner.user.id}`,
      headers: learner.auth,
      payload: { role: 'admin' },
    });
    expect(admin.statusCode).toBe(403);
    const [row] = await t.db.primary
      .select({ role: users.role })
      .from(users)
      .where(eq(users.id, learner.user.id));
    expect(row!.role).toBe('learner');
  });

  it("an admin changes roles; the user's sessions end and the new role is in the next sign-in", async () => {
    const admin = await signUp(t.app);
    await t.db.primary.update(users).set({ role: 'admin' }).where(eq(users.id, admin.user.id));
    const adminSession = (await post('/api/v1/auth/refresh', { refreshToken: admin.refreshToken })).json();
    const learner = await signUp(t.app);
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${learner.user.id}`,
      headers: { authorization: `Bearer ${adminSession.accessToken}` },
      payload: { role: 'author' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().role).toBe('author');
    expect((await post('/api/v1/auth/refresh', { refreshToken: learner.refreshToken })).statusCode).toBe(401);
    const again = (
      await post('/api/v1/auth/login', { email: learner.user.email, password: GOOD_PASSWORD })
    ).json();
    const claims = JSON.parse(Buffer.from(again.accessToken.split('.')[1], 'base64url').toString());
    expect(claims.role).toBe('author');
    const bad = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${learner.user.id}`,
      headers: { authorization: `Bearer ${adminSession.accessToken}` },
      payload: { role: 'owner' },
    });
    expect(bad.statusCode).toBe(400);
    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/admin/users/00000000-0000-4000-8000-000000000000',
      headers: { authorization: `Bearer ${adminSession.accessToken}` },
      payload: { role: 'author' },
    });
    expect(missing.statusCode).toBe(404);
  });
});

describe('password reset', () => {
  const mailedToken = async (email: string) => {
    await t.app.services.background.idle(); // reset mail leaves after the answer
    const rows = await t.db.primary
      .select()
      .from(outbox)
      .where(eq(outbox.to, email))
      .orderBy(sql`${outbox.createdAt} desc`);
    const reset = rows.find((m) => /Reset your Waymark password/.test(m.subject));
    return reset ? /reset-password\?token=([\w-]+)/.exec(reset.text)![1]! : undefined;
  };

  it('answers 202 for any address and mails only real accounts', async () => {
    const nobody = uniqueEmail('nobody');
    const res = await post('/api/v1/auth/password-reset', { email: nobody });
    expect(res.statusCode).toBe(202);
    expect(await mailedToken(nobody)).toBeUndefined();
  });

  it('works once, changes the password, and ends every session', async () => {
    const session = await signUp(t.app);
    const email = session.user.email;
    expect((await post('/api/v1/auth/password-reset', { email })).statusCode).toBe(202);
    const token = (await mailedToken(email))!;
    const weak = await post('/api/v1/auth/password-reset/confirm', { token, password: 'password' });
    expect(weak.statusCode).toBe(400);
    expect(problem(weak).errors![0]!.path).toBe('/body/password');
    const newPassword = 'a brand new passphrase';
    expect(
      (await post('/api/v1/auth/password-reset/confirm', { token, password: newPassword })).statusCode,
    ).toBe(204);
    expect(
      (await post('/api/v1/auth/password-reset/confirm', { token, password: newPassword })).statusCode,
    ).toBe(400);
    expect((await post('/api/v1/auth/refresh', { refreshToken: session.refreshToken })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/v1/me', headers: session.auth })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/login', { email, password: GOOD_PASSWORD })).statusCode).toBe(401);
    expect((await post('/api/v1/auth/login', { email, password: newPassword })).statusCode).toBe(200);
  });

  it('refuses an expired link', async () => {
    const { user } = await signUp(t.app);
    await post('/api/v1/auth/password-reset', { email: user.email });
    const token = (await mailedToken(user.email))!;
    await t.db.primary
      .update(mailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(mailTokens.userId, user.id));
    const res = await post('/api/v1/auth/password-reset/confirm', {
      token,
      password: 'a brand new passphrase',
    });
    expect(res.statusCode).toBe(400);
    expect(problem(res).errors).toEqual([{ path: '/body/token', message: 'is used, expired or unknown' }]);
  });
});

describe('providers', () => {
  it('lists none when none is configured', async () => {
    const res = await t.app.inject({ url: '/api/v1/auth/providers' });
    expect(res.json()).toEqual({ items: [] });
    const start = await t.app.inject({ url: '/api/v1/auth/oauth/github/start' });
    expect(start.statusCode).toBe(404);
  });
});

describe('secrets', () => {
  it('no response of this file carried a password hash, a token hash or a mail token', async () => {
    const hashes = [
      ...(await t.db.primary.select({ h: users.passwordHash }).from(users)).map((r) => r.h!),
      ...(await t.db.primary.select({ h: refreshTokens.tokenHash }).from(refreshTokens)).map((r) => r.h),
      ...(await t.db.primary.select({ h: mailTokens.tokenHash }).from(mailTokens)).map((r) => r.h),
    ];
    expect(hashes.length).toBeGreaterThan(20);
    expect(bodies.length).toBeGreaterThan(50);
    const all = bodies.join('\n');
    for (const h of hashes) expect(all.includes(h)).toBe(false);
    expect(all).not.toMatch(/\$argon2/);
    expect(all).not.toMatch(/passwordHash|password_hash|tokenHash/);
  });
});

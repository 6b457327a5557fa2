// The whole OpenID Connect sign-in against a real (mock) identity provider on 127.0.0.1:
// discovery, authorization code + PKCE + state + nonce, ID token checks — and the attacks.
import { eq } from 'drizzle-orm';
import { Events, OAuth2Server } from 'oauth2-mock-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, uniqueEmail } from '../../../../test/helpers/auth.ts';
import { identities, users } from '../../db/schema.ts';
import { isCleanLine } from '../../http/text.ts';

let idp: OAuth2Server;
let t: TestApp;
// What the provider says about the person signing in, per test.
let person: { sub: string; email: string; email_verified: boolean; name?: string };
// Set to make the provider put another nonce in the next ID token.
let forgedNonce: string | undefined;

beforeAll(async () => {
  idp = new OAuth2Server();
  await idp.issuer.keys.generate('RS256');
  await idp.start(0, '127.0.0.1');
  idp.issuer.url = `http://127.0.0.1:${idp.address().port}`;
  idp.service.on(Events.BeforeTokenSigning, (token) => {
    Object.assign(token.payload, person);
    // The token endpoint signs an access token, then the ID token: only the latter has a nonce.
    if (forgedNonce && 'nonce' in token.payload) token.payload.nonce = forgedNonce;
  });
  t = await createTestApp({
    OIDC_ISSUER_URL: idp.issuer.url,
    OIDC_CLIENT_ID: 'waymark-test',
    OIDC_CLIENT_SECRET: 'test-secret',
  });
});
afterAll(async () => {
  await t.close();
  await idp.stop();
});

const cookieValue = (setCookie: unknown, name: string) =>
  new RegExp(`${name}=([^;]+)`).exec(String(setCookie))?.[1];

/** Start → the provider's authorize endpoint → back: the callback URL and the state cookie. */
async function startSignIn() {
  const start = await t.app.inject({
    url: '/api/v1/auth/oauth/oidc/start?returnTo=/roadmaps/backend-developer',
  });
  expect(start.statusCode).toBe(302);
  const authorize = new URL(start.headers.location as string);
  const stateCookie = cookieValue(start.headers['set-cookie'], 'waymark_oauth')!;
  const answer = await fetch(authorize, { redirect: 'manual' });
  expect(answer.status).toBe(302);
  const callback = new URL(answer.headers.get('location')!);
  return { authorize, callback, stateCookie };
}

function finish(callback: URL, stateCookie: string | undefined) {
  return t.app.inject({
    url: `${callback.pathname}${callback.search}`,
    headers: stateCookie ? { cookie: `waymark_oauth=${stateCookie}` } : {},
  });
}

async function meWithSessionCookie(setCookie: unknown) {
  const refresh = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/refresh',
    headers: {
      'x-waymark-client': 'web',
      cookie: `waymark_refresh=${cookieValue(setCookie, 'waymark_refresh')}`,
    },
    payload: {},
  });
  expect(refresh.statusCode).toBe(200);
  return refresh.json().user as { id: string; email: string; emailVerified: boolean; displayName: string };
}

describe('OpenID Connect sign-in', () => {
  it('lists the provider and sends the browser there with PKCE (S256), state and nonce', async () => {
    expect((await t.app.inject({ url: '/api/v1/auth/providers' })).json()).toEqual({
      items: [{ id: 'oidc', name: 'Single sign-on' }],
    });
    const { authorize, callback } = await startSignIn();
    expect(authorize.origin).toBe(idp.issuer.url);
    const q = authorize.searchParams;
    expect(q.get('client_id')).toBe('waymark-test');
    expect(q.get('redirect_uri')).toBe('http://localhost:3000/api/v1/auth/oauth/oidc/callback');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(q.get('state')).toMatch(/^[\w-]{20,}$/);
    expect(q.get('nonce')).toMatch(/^[\w-]{20,}$/);
    expect(q.get('scope')).toBe('openid email profile');
    expect(callback.searchParams.get('state')).toBe(q.get('state'));
  });

  it('creates an account for a new, verified identity and returns to the web app signed in', async () => {
    person = {
      sub: `sub-${uniqueEmail()}`,
      email: uniqueEmail('sso'),
      email_verified: true,
      name: 'Sso Person',
    };
    const { callback, stateCookie } = await startSignIn();
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('http://localhost:3000/roadmaps/backend-developer');
    const user = await meWithSessionCookie(res.headers['set-cookie']);
    expect(user).toMatchObject({ email: person.email, emailVerified: true, displayName: 'Sso Person' });
    // The next sign-in with the same identity is the same account.
    const again = await startSignIn();
    const second = await finish(again.callback, again.stateCookie);
    expect((await meWithSessionCookie(second.headers['set-cookie'])).id).toBe(user.id);
  });

  it('links an existing account when both the provider and the account confirmed the email', async () => {
    const existing = await signUp(t.app);
    await t.db.primary
      .update(users)
      .set({ emailVerifiedAt: new Date() })
      .where(eq(users.id, existing.user.id));
    person = { sub: `sub-${uniqueEmail()}`, email: existing.user.email, email_verified: true };
    const { callback, stateCookie } = await startSignIn();
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(302);
    expect((await meWithSessionCookie(res.headers['set-cookie'])).id).toBe(existing.user.id);
  });

  it('never links to an account whose own email was never confirmed (pre-account takeover)', async () => {
    // An attacker signs up first with the victim's address and a password of their own…
    const attacker = await signUp(t.app);
    // …then the victim, who owns the address, signs in with single sign-on.
    person = { sub: `sub-${uniqueEmail()}`, email: attacker.user.email, email_verified: true };
    const { callback, stateCookie } = await startSignIn();
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(409);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().detail).toMatch(/never confirmed.*reset its password/);
    expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/waymark_refresh=[\w-]+/);
    expect(await t.db.primary.select().from(identities).where(eq(identities.subject, person.sub))).toEqual(
      [],
    );
    // The attacker's session goes on only until the owner resets the password (tested in
    // routes.test.ts: a reset ends every session and confirms the address).
  });

  it('treats provider claims like sign-up input: a bad email is no email, a name is cleaned', async () => {
    person = { sub: `sub-${uniqueEmail()}`, email: 'not an email\u0000@x', email_verified: true };
    let { callback, stateCookie } = await startSignIn();
    expect((await finish(callback, stateCookie)).statusCode).toBe(403);

    const email = uniqueEmail('sso');
    const name = `  Ada\u0000 \u202eLovelace\n${'🎓'.repeat(100)}\ud800  `;
    person = { sub: `sub-${uniqueEmail()}`, email, email_verified: true, name };
    ({ callback, stateCookie } = await startSignIn());
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(302);
    const me = await meWithSessionCookie(res.headers['set-cookie']);
    expect(me.displayName.startsWith('Ada')).toBe(true);
    expect(isCleanLine(me.displayName)).toBe(true);
    expect([...me.displayName].length).toBeLessThanOrEqual(80);
  });

  it('never links by an unverified email', async () => {
    const existing = await signUp(t.app);
    person = { sub: `sub-${uniqueEmail()}`, email: existing.user.email, email_verified: false };
    const { callback, stateCookie } = await startSignIn();
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/did not confirm an email address/);
    expect(await t.db.primary.select().from(identities).where(eq(identities.subject, person.sub))).toEqual(
      [],
    );
  });

  it('refuses a tampered state with 400', async () => {
    person = { sub: 'sub-tamper', email: uniqueEmail('sso'), email_verified: true };
    const { callback, stateCookie } = await startSignIn();
    callback.searchParams.set('state', 'attacker-chosen-state-value');
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    expect(res.json().errors).toEqual([
      { path: '/querystring/state', message: expect.stringMatching(/does not match/) },
    ]);
    // …and a callback with no state cookie at all (another browser) too.
    const fresh = await startSignIn();
    expect((await finish(fresh.callback, undefined)).statusCode).toBe(400);
  });

  it('refuses a replayed code: the same callback twice signs in once', async () => {
    person = { sub: 'sub-replay', email: uniqueEmail('sso'), email_verified: true };
    const { callback, stateCookie } = await startSignIn();
    expect((await finish(callback, stateCookie)).statusCode).toBe(302);
    const replay = await finish(callback, stateCookie);
    expect(replay.statusCode).toBe(400);
    expect(replay.headers['set-cookie']).not.toMatch(/waymark_refresh=[\w-]+/);
  });

  it('refuses an ID token with the wrong nonce', async () => {
    person = { sub: 'sub-nonce', email: uniqueEmail('sso'), email_verified: true };
    const { callback, stateCookie } = await startSignIn();
    forgedNonce = 'a-nonce-from-another-sign-in';
    const res = await finish(callback, stateCookie).finally(() => (forgedNonce = undefined));
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/could not be verified/);
    expect(String(res.headers['set-cookie'] ?? '')).not.toMatch(/waymark_refresh=[\w-]+/);
  });

  it('refuses a returnTo a Location header could not carry, at the start', async () => {
    for (const returnTo of ['/caf\u00e9', '/a b', '//evil.example', '/x\r\nSet-Cookie: a=b']) {
      const res = await t.app.inject({
        url: `/api/v1/auth/oauth/oidc/start?returnTo=${encodeURIComponent(returnTo)}`,
      });
      expect(res.statusCode, returnTo).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
    }
  });

  it('refuses a provider error without signing in', async () => {
    const { callback, stateCookie } = await startSignIn();
    callback.searchParams.delete('code');
    callback.searchParams.set('error', 'access_denied');
    const res = await finish(callback, stateCookie);
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toMatch(/access_denied/);
  });
});

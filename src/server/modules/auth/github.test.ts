// Sign-in with GitHub against a local stand-in that speaks GitHub's OAuth and REST endpoints
// the way GitHub documents them (form-encoded token request, JSON with Accept, /user and
// /user/emails), since the real one is out of reach here.
import Fastify, { type FastifyInstance } from 'fastify';
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { uniqueEmail } from '../../../../test/helpers/auth.ts';
import { githubProvider } from './oauth.ts';

let github: FastifyInstance;
let t: TestApp;
let account: { id: number; login: string; emails: { email: string; primary: boolean; verified: boolean }[] };
const codes = new Map<string, { challenge: string; redirectUri: string }>();
const tokens = new Set<string>();

beforeAll(async () => {
  github = Fastify();
  github.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  github.get('/login/oauth/authorize', async (request, reply) => {
    const q = request.query as Record<string, string>;
    if (q.client_id !== 'gh-client' || q.code_challenge_method !== 'S256')
      return reply.code(400).send('bad request');
    const code = randomBytes(8).toString('hex');
    codes.set(code, { challenge: q.code_challenge!, redirectUri: q.redirect_uri! });
    return reply.redirect(`${q.redirect_uri}?code=${code}&state=${encodeURIComponent(q.state!)}`);
  });
  github.post('/login/oauth/access_token', async (request, reply) => {
    const body = request.body as Record<string, string>;
    // GitHub takes the client credentials in the form body (its documented way) or as Basic.
    const basic = request.headers.authorization
      ? Buffer.from(request.headers.authorization.replace(/^Basic /, ''), 'base64').toString()
      : `${body.client_id}:${body.client_secret}`;
    const grant = codes.get(body.code!);
    codes.delete(body.code!);
    const verifierOk =
      grant &&
      createHash('sha256')
        .update(body.code_verifier ?? '')
        .digest('base64url') === grant.challenge;
    if (basic !== 'gh-client:gh-secret' || !grant || !verifierOk || body.redirect_uri !== grant.redirectUri) {
      return reply.code(400).send({ error: 'bad_verification_code' });
    }
    const token = `gho_${randomBytes(12).toString('hex')}`;
    tokens.add(token);
    return { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' };
  });
  const authorized = (request: { headers: { authorization?: string } }) =>
    tokens.has(String(request.headers.authorization).replace(/^Bearer /, ''));
  github.get('/user', async (request, reply) =>
    authorized(request) ? { id: account.id, login: account.login, name: null } : reply.code(401).send({}),
  );
  github.get('/user/emails', async (request, reply) =>
    authorized(request) ? account.emails : reply.code(401).send({}),
  );
  await github.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(github.server.address() as { port: number }).port}`;
  const provider = githubProvider({
    clientId: 'gh-client',
    clientSecret: 'gh-secret',
    webUrl: origin,
    apiUrl: origin,
  });
  t = await createTestApp({}, { providers: new Map([['github', provider]]) });
});
afterAll(async () => {
  await t.close();
  await github.close();
});

async function signIn() {
  const start = await t.app.inject({ url: '/api/v1/auth/oauth/github/start' });
  expect(start.statusCode).toBe(302);
  const cookie = /waymark_oauth=([^;]+)/.exec(String(start.headers['set-cookie']))![1];
  const answer = await fetch(start.headers.location as string, { redirect: 'manual' });
  const callback = new URL(answer.headers.get('location')!);
  return t.app.inject({
    url: `${callback.pathname}${callback.search}`,
    headers: { cookie: `waymark_oauth=${cookie}` },
  });
}

describe('GitHub sign-in', () => {
  it('signs in with the primary, verified address', async () => {
    const email = uniqueEmail('octo');
    account = {
      id: 4242,
      login: 'octocat',
      emails: [
        { email: 'old@example.com', primary: false, verified: true },
        { email, primary: true, verified: true },
      ],
    };
    const res = await signIn();
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('http://localhost:3000/dashboard');
    const session = /waymark_refresh=([\w-]+)/.exec(String(res.headers['set-cookie']))![1];
    const me = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      headers: { 'x-waymark-client': 'web', cookie: `waymark_refresh=${session}` },
      payload: {},
    });
    expect(me.json().user).toMatchObject({ email, displayName: 'octocat', emailVerified: true });
  });

  it('refuses an account whose primary address GitHub has not verified', async () => {
    account = {
      id: 4343,
      login: 'unverified',
      emails: [{ email: uniqueEmail('gh'), primary: true, verified: false }],
    };
    const res = await signIn();
    expect(res.statusCode).toBe(403);
  });
});

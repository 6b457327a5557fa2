// What a valid request of each Waymark operation looks like: the actor it needs, real path
// values (a published roadmap and step, the actor's own draft, study session, handle), bodies
// that pass every cross-field rule, and values that a request uses up (a refresh token, a
// draft to publish or delete, an unused email) made fresh for each request. An operation
// missing here still gets fuzzed, from its schema alone, as an anonymous or learner call.
import { eq } from 'drizzle-orm';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT, importPKCS8 } from 'jose';
import { users } from '../../src/server/db/schema.ts';
import { TEST_KEYS_ENV, type TestApp } from '../helpers/app.ts';
import { GOOD_PASSWORD } from '../helpers/auth.ts';
import type { Baseline } from './cases.ts';
import { hashString, uuidFrom, createRand, type Operation } from './generator.ts';

type Role = 'learner' | 'author' | 'admin';

export interface Actor {
  id: string;
  email: string;
  role: Role;
  accessToken: string;
  refreshToken: string;
  authorization: string;
}

export interface OperationFixture {
  /** The baseline for a case; `target` says what the case replaces (skip making it then). */
  baseline(target: string): Promise<Baseline>;
  /** A real cursor of the operation, when it pages. */
  cursor?: string | undefined;
  /** Sees each answer: what a successful request used up (a session, a draft) is made anew. */
  observe?(status: number, headers: Record<string, unknown>): void;
}

/** A value a successful request uses up: made when first needed, again after a success. */
function reusable<T>(make: () => Promise<T>) {
  let current: Promise<T> | undefined;
  return {
    get: () => (current ??= make()),
    observe(status: number) {
      if (status < 300) current = undefined;
    },
  };
}

export interface Credential {
  cls: string;
  note: string;
  value: string | undefined;
}

export interface Fixtures {
  forOperation(op: Operation): Promise<OperationFixture>;
  /** Authorization values to try, from the actor's own token: anonymous, malformed, forged, odd. */
  credentialsFor(authorization: string | undefined): Promise<Credential[]>;
  /** Operations the table below does not know (fuzzed from their schema alone). */
  unknown: string[];
}

const today = () => new Date().toISOString().slice(0, 10);

export async function createFixtures(t: TestApp, seed: number): Promise<Fixtures> {
  const { app } = t;
  let counter = 0;
  const next = () => ++counter;
  const rand = createRand(seed, 'fixtures');

  async function call(method: string, url: string, authorization?: string, body?: unknown) {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: authorization ? { authorization } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return res;
  }
  async function ok(method: string, url: string, authorization?: string, body?: unknown) {
    const res = await call(method, url, authorization, body);
    if (res.statusCode >= 300) throw new Error(`fixture ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res;
  }

  async function login(email: string) {
    const res = await ok('POST', '/api/v1/auth/login', undefined, { email, password: GOOD_PASSWORD });
    return res.json() as { accessToken: string; refreshToken: string };
  }

  async function actor(role: Role = 'learner'): Promise<Actor> {
    const email = `fuzz-${seed}-${next()}@example.com`;
    const res = await ok('POST', '/api/v1/auth/signup', undefined, {
      email,
      password: GOOD_PASSWORD,
      displayName: 'Fuzz Learner',
    });
    let body = res.json() as { user: { id: string }; accessToken: string; refreshToken: string };
    if (role !== 'learner') {
      await t.db.primary.update(users).set({ role }).where(eq(users.id, body.user.id));
      body = { ...body, ...(await login(email)) };
    }
    return {
      id: body.user.id,
      email,
      role,
      accessToken: body.accessToken,
      refreshToken: body.refreshToken,
      authorization: `Bearer ${body.accessToken}`,
    };
  }

  function roadmapSource(slug = `fuzz-${seed}-${next()}`) {
    const n = next();
    const id = (s: string) =>
      `fz${n}${s}${seed.toString(36)}`
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '')
        .slice(0, 32);
    return {
      slug,
      title: `Fuzzed roadmap ${n}`,
      summary: 'A small roadmap for the fuzz test.',
      intro: 'Why it **matters**.',
      layers: [
        {
          slug: 'basics',
          title: 'Basics',
          summary: 'Where to start.',
          steps: [
            {
              id: id('a'),
              slug: 'first-step',
              title: 'First step',
              summary: 'Start here.',
              required: true,
              estimatedHours: 2,
              body: 'Read the docs.',
              resources: [{ title: 'MDN', url: 'https://developer.mozilla.org/', kind: 'docs' }],
            },
            {
              id: id('b'),
              slug: 'second-step',
              title: 'Second step',
              summary: 'Then this.',
              required: false,
              estimatedHours: 3,
              body: 'Practice.',
              resources: [{ title: 'Exercises', url: 'https://example.com/practice', kind: 'practice' }],
            },
          ],
        },
      ],
      milestones: [{ slug: 'started', title: 'Started', description: 'You began.', afterStep: 'first-step' }],
      comparisons: [
        { slug: 'a-vs-b', title: 'A or B', columns: ['Aspect', 'A', 'B'], rows: [['Speed', 'fast', 'slow']] },
      ],
      faq: [{ question: 'Is it hard?', answer: 'No.' }],
      callToAction: { title: 'Ready?', text: 'Begin.' },
    };
  }

  async function draft(author: Actor) {
    const source = roadmapSource();
    const res = await ok('POST', '/api/v1/roadmaps', author.authorization, source);
    return { slug: source.slug, etag: String(res.headers.etag) };
  }

  async function logStudy(who: Actor, minutes = 20) {
    const res = await ok('POST', '/api/v1/me/study-sessions', who.authorization, { minutes });
    return (res.json() as { id: string }).id;
  }

  // The published catalogue: a roadmap and one of its steps.
  const list = (await ok('GET', '/api/v1/roadmaps?limit=100')).json() as { items: { slug: string }[] };
  const roadmapSlug = list.items[0]!.slug;
  const document = (await ok('GET', `/api/v1/roadmaps/${roadmapSlug}`)).json() as {
    layers: { steps: { slug: string; resources: { url: string }[] }[] }[];
  };
  const stepSlug = document.layers[0]!.steps[0]!.slug;
  const resourceUrl = document.layers[0]!.steps[0]!.resources[0]!.url;

  async function noteOn(who: Actor) {
    await ok('PUT', `/api/v1/me/roadmaps/${roadmapSlug}/steps/${stepSlug}/note`, who.authorization, {
      body: 'A note on **this** step.',
    });
  }

  const firstCursor = async (url: string, authorization?: string) => {
    const res = await call('GET', url, authorization);
    return (res.json() as { nextCursor?: string | null }).nextCursor ?? undefined;
  };

  // Credentials, built from the operation's own actor's token (or a learner's, when anonymous):
  // malformed, forged, and validly signed with odd claims (what a leaked key or a deleted account
  // would bring).
  const sample = await actor('learner');
  const ours = await importPKCS8(TEST_KEYS_ENV.JWT_PRIVATE_KEY, 'EdDSA');
  const foreign = generateKeyPairSync('ed25519').privateKey;
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const sign = (payload: Record<string, unknown>, key: CryptoKey | KeyObject = ours) =>
    new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt' }).sign(key);
  const bearer = (token: string) => `Bearer ${token}`;

  async function credentialsFor(authorization: string | undefined): Promise<Credential[]> {
    const token = /^Bearer (\S+\.\S+\.\S+)$/.exec(authorization ?? '')?.[1] ?? sample.accessToken;
    const [header, payloadPart, signature] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payloadPart, 'base64url').toString()) as Record<string, unknown>;
    const now = Math.floor(Date.now() / 1000);
    // Signed tokens of a session that was never opened: none is revoked by what came before.
    const base = { ...claims, sid: uuidFrom(rand), iat: now, exp: now + 300 };
    const hs256 = await new SignJWT({ ...base, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
      .sign(new TextEncoder().encode(TEST_KEYS_ENV.JWT_PUBLIC_KEY));
    const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${b64({ ...base, role: 'admin' })}.`;
    return [
      { cls: 'anonymous', note: 'no Authorization header', value: undefined },
      { cls: 'malformed-credentials', note: '"Bearer" without a token', value: 'Bearer' },
      { cls: 'malformed-credentials', note: '"Bearer a.b.c"', value: 'Bearer a.b.c' },
      { cls: 'forged-token', note: 'alg "none" token claiming admin', value: bearer(none) },
      { cls: 'malformed-credentials', note: 'Basic credentials', value: 'Basic dXNlcjpwYXNzd29yZA==' },
      { cls: 'malformed-credentials', note: '8 KB token', value: bearer('a'.repeat(8000)) },
      { cls: 'malformed-credentials', note: 'a token followed by junk', value: `${bearer(token)} junk` },
      { cls: 'malformed-credentials', note: 'bytes ff fe as the token', value: 'Bearer \u00ff\u00fe' },
      {
        cls: 'malformed-credentials',
        note: 'unsigned token of base64url JSON with a NUL',
        value: bearer(`${b64({ alg: 'EdDSA' })}.${b64({ sub: 'a\u0000b' })}.x`),
      },
      {
        cls: 'forged-token',
        note: 'real signature, payload changed to admin',
        value: bearer(`${header}.${b64({ ...claims, role: 'admin' })}.${signature}`),
      },
      { cls: 'forged-token', note: 'HS256 token keyed with the public key', value: bearer(hs256) },
      {
        cls: 'forged-token',
        note: 'EdDSA token of another key',
        value: bearer(await sign({ ...base, role: 'admin' }, foreign)),
      },
      {
        cls: 'signed-claims',
        note: 'expired token',
        value: bearer(await sign({ ...base, iat: now - 7200, exp: now - 3600 })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token of an unknown user (uuid)',
        value: bearer(await sign({ ...base, sub: uuidFrom(rand) })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token with sub "not-a-uuid"',
        value: bearer(await sign({ ...base, sub: 'not-a-uuid' })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token with a NUL in sub',
        value: bearer(await sign({ ...base, sub: 'a\u0000b' })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token with sid a lone surrogate',
        value: bearer(await sign({ ...base, sid: '\ud800' })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token with role "superuser"',
        value: bearer(await sign({ ...base, role: 'superuser' })),
      },
      {
        cls: 'signed-claims',
        note: 'signed token with exp 1e300',
        value: bearer(await sign({ ...base, exp: 1e300 })),
      },
    ];
  }

  type Make = (op: Operation) => Promise<OperationFixture>;
  const fixed = (b: Baseline): OperationFixture => ({ baseline: async () => b });
  const asActor = async (role: Role, extra: Omit<Baseline, 'authorization'> = {}) => {
    const who = await actor(role);
    return fixed({ ...extra, authorization: who.authorization });
  };
  /** An operation whose success uses up a value (a draft, a session, an account). */
  const usedUp = async <T>(
    role: Role,
    make: (who: Actor) => Promise<T>,
    baseline: (value: T, who: Actor) => Baseline,
  ) => {
    const who = await actor(role);
    const value = reusable(() => make(who));
    return {
      baseline: async () => baseline(await value.get(), who),
      observe: (status: number) => value.observe(status),
    } satisfies OperationFixture;
  };

  const table: Record<string, Make> = {
    'GET /metrics': async () => fixed({}),
    'GET /healthz': async () => fixed({}),
    'GET /readyz': async () => fixed({}),
    'GET /api/v1/roadmaps': async () => ({
      ...fixed({ query: { limit: 2 } }),
      cursor: await firstCursor('/api/v1/roadmaps?limit=1'),
    }),
    'POST /api/v1/roadmaps': async () => {
      const author = await actor('author');
      return { baseline: async () => ({ body: roadmapSource(), authorization: author.authorization }) };
    },
    'GET /api/v1/roadmaps/{slug}': async () => fixed({ path: { slug: roadmapSlug } }),
    'PUT /api/v1/roadmaps/{slug}': async () => {
      const author = await actor('author');
      const created = await draft(author);
      const slug = created.slug;
      let etag = created.etag;
      return {
        // The current entity tag, so that a stale If-Match (412) does not hide what follows it.
        baseline: async () => ({
          path: { slug },
          headers: { 'if-match': etag },
          body: { ...roadmapSource(slug), summary: `Edit ${next()}.` },
          authorization: author.authorization,
        }),
        observe(status, headers) {
          if (status === 200 && typeof headers.etag === 'string') etag = headers.etag;
        },
      };
    },
    'DELETE /api/v1/roadmaps/{slug}': async () =>
      usedUp(
        'author',
        async (author) => (await draft(author)).slug,
        (slug, who) => ({ path: { slug }, authorization: who.authorization }),
      ),
    'GET /api/v1/roadmaps/{slug}/steps/{stepSlug}': async () =>
      fixed({ path: { slug: roadmapSlug, stepSlug } }),
    'GET /api/v1/search': async () => fixed({ query: { q: 'database', limit: 5 } }),
    'GET /api/v1/me/authored': async () => asActor('author'),
    'POST /api/v1/roadmaps/preview': async () => {
      const author = await actor('author');
      return { baseline: async () => ({ body: roadmapSource(), authorization: author.authorization }) };
    },
    'POST /api/v1/roadmaps/{slug}/publish': async () =>
      usedUp(
        'author',
        async (author) => (await draft(author)).slug,
        (slug, who) => ({ path: { slug }, authorization: who.authorization }),
      ),
    'GET /api/v1/roadmaps/{slug}/versions': async () => fixed({ path: { slug: roadmapSlug } }),
    'POST /api/v1/auth/signup': async () => ({
      baseline: async () => ({
        body: {
          email: `fuzz-${seed}-${next()}@example.com`,
          password: GOOD_PASSWORD,
          displayName: 'Fuzz Signup',
        },
      }),
    }),
    'POST /api/v1/auth/login': async () => {
      const who = await actor();
      return fixed({ body: { email: who.email, password: GOOD_PASSWORD } });
    },
    'POST /api/v1/auth/refresh': async () =>
      usedUp(
        'learner',
        (who) => login(who.email),
        (session) => ({ body: { refreshToken: session.refreshToken } }),
      ),
    'POST /api/v1/auth/logout': async () =>
      usedUp(
        'learner',
        (who) => login(who.email),
        (session) => ({
          body: { refreshToken: session.refreshToken },
          authorization: `Bearer ${session.accessToken}`,
        }),
      ),
    'GET /api/v1/auth/providers': async () => fixed({}),
    'GET /api/v1/auth/oauth/{provider}/start': async () =>
      fixed({ path: { provider: 'github' }, query: { returnTo: '/app' } }),
    'GET /api/v1/auth/oauth/{provider}/callback': async () =>
      fixed({ path: { provider: 'github' }, query: { code: 'fuzz-code', state: 'fuzz-state' } }),
    'POST /api/v1/auth/password-reset': async () => {
      const who = await actor();
      return fixed({ body: { email: who.email } });
    },
    'POST /api/v1/auth/password-reset/confirm': async () =>
      fixed({ body: { token: 'fuzz-token-'.padEnd(43, 'x'), password: `${GOOD_PASSWORD} again` } }),
    'POST /api/v1/auth/verify-email': async () => fixed({ body: { token: 'fuzz-token-'.padEnd(43, 'x') } }),
    'POST /api/v1/auth/verify-email/resend': async () => asActor('learner'),
    'GET /api/v1/me': async () => asActor('learner'),
    'PATCH /api/v1/me': async () => asActor('learner', { body: { displayName: 'Fuzz Renamed' } }),
    // A successful request ends the account: a new one after each.
    'DELETE /api/v1/me': async () =>
      usedUp(
        'learner',
        () => actor(),
        (who) => ({ authorization: who.authorization }),
      ),
    'PATCH /api/v1/admin/users/{id}': async () => {
      const [admin, target] = await Promise.all([actor('admin'), actor()]);
      return fixed({ path: { id: target.id }, body: { role: 'author' }, authorization: admin.authorization });
    },
    'GET /api/v1/me/roadmaps': async () => {
      const who = await actor();
      await ok('PUT', `/api/v1/me/roadmaps/${roadmapSlug}/steps/${stepSlug}`, who.authorization, {
        status: 'done',
      });
      return fixed({ authorization: who.authorization });
    },
    'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}': async () =>
      asActor('learner', { path: { slug: roadmapSlug, stepSlug }, body: { status: 'done' } }),
    'GET /api/v1/me/roadmaps/{slug}/progress': async () =>
      asActor('learner', { path: { slug: roadmapSlug } }),
    'POST /api/v1/me/study-sessions': async () => {
      const who = await actor();
      return {
        baseline: async () => ({
          headers: { 'idempotency-key': `fuzz-${seed}-${next()}` },
          body: { minutes: 25, date: today(), roadmapSlug, stepSlug, note: 'Read about joins.' },
          authorization: who.authorization,
        }),
      };
    },
    'GET /api/v1/me/study-sessions': async () => {
      const who = await actor();
      for (let i = 0; i < 3; i++) await logStudy(who, 10 + i);
      return {
        ...fixed({ query: { limit: 1 }, authorization: who.authorization }),
        cursor: await firstCursor('/api/v1/me/study-sessions?limit=1', who.authorization),
      };
    },
    'PATCH /api/v1/me/study-sessions/{id}': async () => {
      const who = await actor();
      const id = await logStudy(who);
      return fixed({
        path: { id },
        body: { minutes: 30, note: 'Edited.' },
        authorization: who.authorization,
      });
    },
    'DELETE /api/v1/me/study-sessions/{id}': async () =>
      usedUp(
        'learner',
        (who) => logStudy(who),
        (id, who) => ({ path: { id }, authorization: who.authorization }),
      ),
    'GET /api/v1/me/stats': async () => asActor('learner'),
    'GET /api/v1/me/roadmaps/{slug}/forecast': async () =>
      asActor('learner', { path: { slug: roadmapSlug } }),
    'PATCH /api/v1/me/roadmaps/{slug}': async () =>
      asActor('learner', {
        path: { slug: roadmapSlug },
        body: { targetDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10) },
      }),
    'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/resources': async () =>
      asActor('learner', { path: { slug: roadmapSlug, stepSlug }, body: { url: resourceUrl, done: true } }),
    'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': async () =>
      asActor('learner', { path: { slug: roadmapSlug, stepSlug }, body: { body: 'Joins: *inner* first.' } }),
    'GET /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': async () => {
      const who = await actor();
      await noteOn(who);
      return fixed({ path: { slug: roadmapSlug, stepSlug }, authorization: who.authorization });
    },
    'DELETE /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': async () =>
      usedUp(
        'learner',
        (who) => noteOn(who),
        (_, who) => ({ path: { slug: roadmapSlug, stepSlug }, authorization: who.authorization }),
      ),
    'GET /api/v1/me/notes': async () => {
      const who = await actor();
      await noteOn(who);
      await ok(
        'PUT',
        `/api/v1/me/roadmaps/${roadmapSlug}/steps/${document.layers[0]!.steps[1]!.slug}/note`,
        who.authorization,
        {
          body: 'Another note.',
        },
      );
      return {
        ...fixed({ query: { limit: 1, q: 'note' }, authorization: who.authorization }),
        cursor: await firstCursor('/api/v1/me/notes?limit=1', who.authorization),
      };
    },
    'GET /api/v1/me/export': async () => {
      const who = await actor();
      await logStudy(who);
      await noteOn(who);
      return fixed({ authorization: who.authorization });
    },
    'GET /api/v1/users/{handle}': async () => fixed({ path: { handle: await publicHandle() } }),
    'GET /api/v1/users/{handle}/card.svg': async () => fixed({ path: { handle: await publicHandle() } }),
    'GET /api/v1/me/events': async () => asActor('learner'),
  };

  let handle: string | undefined;
  async function publicHandle() {
    if (handle) return handle;
    const who = await actor();
    handle = `fuzz-${(hashString(String(seed)) % 100000).toString(36)}`;
    await ok('PATCH', '/api/v1/me', who.authorization, { handle, publicProfile: true });
    return handle;
  }

  const unknown: string[] = [];
  return {
    credentialsFor,
    unknown,
    async forOperation(op) {
      const make = table[op.key];
      if (make) return make(op);
      unknown.push(op.key);
      return op.secured ? asActor('learner') : fixed({});
    },
  };
}

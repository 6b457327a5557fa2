// The authorization matrix, through the real app: every operation of the OpenAPI document ×
// seven callers — nobody, learner A, learner B, an author, another author, an admin, and an admin
// demoted behind their token's back (the role changed in the database; the token still says
// admin). Each cell names the status the caller must get; a new route without a row fails the
// first test, so nothing is added without deciding who may call it.
import type { FastifyInstance } from 'fastify';
import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { generateVapidKeys } from '../../src/server/modules/reminders/push.ts';
import { GOOD_PASSWORD, signUp, type SignedUp } from '../helpers/auth.ts';
import { readContentDir } from '../../src/server/modules/roadmaps/files.ts';
import type { RoadmapSource } from '../../src/server/modules/roadmaps/schemas.ts';

const ACTORS = [
  'anonymous',
  'learnerA',
  'learnerB',
  'author',
  'otherAuthor',
  'admin',
  'demotedAdmin',
] as const;
type ActorName = (typeof ACTORS)[number];
type Expected = Record<ActorName, number>;

let t: TestApp;
let base: string;
let template: RoadmapSource;
const actors = {} as Record<Exclude<ActorName, 'anonymous'>, SignedUp>;

async function login(app: FastifyInstance, email: string): Promise<SignedUp> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password: GOOD_PASSWORD },
  });
  const body = res.json();
  return { ...body, auth: { authorization: `Bearer ${body.accessToken}` } };
}

/** A signed-in user of the role; its token carries that role. */
async function withRole(role: 'learner' | 'author' | 'admin'): Promise<SignedUp> {
  const who = await signUp(t.app);
  if (role === 'learner') return who;
  await t.app.services.users.setRole(who.user.id, role);
  return login(t.app, who.user.email);
}

let made = 0;
/** A roadmap source of the author's own, with fresh slugs and step ids. */
function source(): RoadmapSource {
  const n = `${++made}${randomBytes(3).toString('hex')}`;
  const doc = structuredClone(template);
  doc.slug = `matrix-${n}`;
  doc.layers.forEach((l, li) => l.steps.forEach((s, si) => (s.id = `mx${n}${li}${si}`.slice(0, 32))));
  return doc;
}

async function roadmapOf(owner: SignedUp, publish: boolean): Promise<string> {
  const doc = source();
  const created = await t.app.inject({
    method: 'POST',
    url: '/api/v1/roadmaps',
    headers: owner.auth,
    payload: doc,
  });
  if (created.statusCode !== 201) throw new Error(`fixture roadmap: ${created.statusCode} ${created.body}`);
  if (publish)
    await t.app.inject({ method: 'POST', url: `/api/v1/roadmaps/${doc.slug}/publish`, headers: owner.auth });
  return doc.slug;
}

/** Learner A's note on a step (made again for each cell: a DELETE removes it). */
async function noteOfA(roadmap: string, step: string) {
  const res = await t.app.inject({
    method: 'PUT',
    url: `/api/v1/me/roadmaps/${roadmap}/steps/${step}/note`,
    headers: actors.learnerA.auth,
    payload: { body: 'A wrote this' },
  });
  if (res.statusCode !== 200) throw new Error(`fixture note: ${res.statusCode} ${res.body}`);
}

/** Learner A's review card on a step (A marks it done; the card follows), made once. */
const cardsOfA = new Map<string, Promise<string>>();
const cardOfA = (step: string) => {
  if (!cardsOfA.has(step)) cardsOfA.set(step, newCardOfA(step));
  return cardsOfA.get(step)!;
};
async function newCardOfA(step: string): Promise<string> {
  await t.app.inject({
    method: 'PUT',
    url: `/api/v1/me/roadmaps/git-essentials/steps/${step}`,
    headers: actors.learnerA.auth,
    payload: { status: 'done' },
  });
  const res = await t.app.inject({ url: '/api/v1/me/reviews', headers: actors.learnerA.auth });
  const card = (res.json().items as { cardId: string; stepSlug: string }[]).find((i) => i.stepSlug === step);
  if (!card) throw new Error(`fixture card: ${res.statusCode} ${res.body}`);
  return card.cardId;
}

/** A webhook of A's: the one A has, or a new one (each row runs once per caller; A may hold 20). */
async function webhookOfA(): Promise<string> {
  const mine = await t.app.inject({ url: '/api/v1/me/webhooks', headers: actors.learnerA.auth });
  const existing = (mine.json().items as { id: string }[])[0];
  if (existing) return existing.id;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/webhooks',
    headers: actors.learnerA.auth,
    payload: { url: 'http://127.0.0.1:9/waymark', events: ['progress.updated'] },
  });
  return res.json().id;
}

/** A credential of A's: A marks every required step of the roadmap done and lists them (made once). */
const credentialsOfA = new Map<string, Promise<string>>();
const credentialOfA = (roadmap: string, milestone: string | null) => {
  const key = `${roadmap}:${milestone}`;
  if (!credentialsOfA.has(key)) credentialsOfA.set(key, newCredentialOfA(roadmap, milestone));
  return credentialsOfA.get(key)!;
};
async function newCredentialOfA(roadmap: string, milestone: string | null): Promise<string> {
  const doc = (await t.app.inject({ url: `/api/v1/roadmaps/${roadmap}` })).json();
  for (const layer of doc.layers as { steps: { slug: string; required: boolean }[] }[])
    for (const step of layer.steps.filter((s) => s.required))
      await t.app.inject({
        method: 'PUT',
        url: `/api/v1/me/roadmaps/${roadmap}/steps/${step.slug}`,
        headers: actors.learnerA.auth,
        payload: { status: 'done' },
      });
  const res = await t.app.inject({ url: '/api/v1/me/credentials', headers: actors.learnerA.auth });
  const items = res.json().items as { id: string; roadmapSlug: string; milestone: string | null }[];
  const found = items.find((i) => i.roadmapSlug === roadmap && i.milestone === milestone);
  if (!found) throw new Error(`fixture credential: ${res.statusCode} ${res.body}`);
  return found.id;
}
/** A's credential for the Backend roadmap's milestone, shared (never revoked here). */
async function sharedCredentialOfA(): Promise<string> {
  const id = await credentialOfA('backend-developer', 'secured-rest-api');
  await t.app.inject({
    method: 'PATCH',
    url: `/api/v1/me/credentials/${id}`,
    headers: actors.learnerA.auth,
    payload: { public: true },
  });
  return id;
}

async function draftEtag(owner: SignedUp, slug: string): Promise<string> {
  const res = await t.app.inject({ url: `/api/v1/roadmaps/${slug}?version=draft`, headers: owner.auth });
  return res.headers.etag as string;
}

interface Request {
  method: string;
  url: string;
  payload?: object;
  headers?: Record<string, string>;
}
type Make = (who: SignedUp | null) => Promise<Request> | Request;

// Shorthands for the usual shapes of a row.
/** A browser's PushSubscription: a fresh endpoint and P-256 key each time. */
function pushSubscription() {
  const ecdh = createECDH('prime256v1');
  return {
    endpoint: `https://push.example.net/send/${randomUUID()}`,
    keys: { p256dh: ecdh.generateKeys().toString('base64url'), auth: randomBytes(16).toString('base64url') },
  };
}

const everyone = (status: number): Expected => Object.fromEntries(ACTORS.map((a) => [a, status])) as Expected;
const signedIn = (status: number): Expected => ({ ...everyone(status), anonymous: 401 });
const writers = (status: number): Expected => ({
  anonymous: 401,
  learnerA: 403,
  learnerB: 403,
  author: status,
  otherAuthor: status,
  admin: status,
  demotedAdmin: 403,
});
const admins = (status: number): Expected => ({ ...writers(403), anonymous: 401, admin: status });
/**
 * A fresh cohort for each cell: owned by learner A, learner B a member, the author a mentor; the
 * other author owns a cohort of their own and is in none of A's; admins see every cohort.
 */
async function cohort(): Promise<{ id: string; token: string; inviteId: string }> {
  const post = async (who: SignedUp, url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, headers: who.auth, payload });
    if (res.statusCode >= 300) throw new Error(`fixture cohort: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  const { id } = await post(actors.learnerA, '/api/v1/cohorts', {
    name: 'Matrix',
    roadmapSlugs: ['git-essentials'],
  });
  await post(actors.otherAuthor, '/api/v1/cohorts', { name: 'Theirs', roadmapSlugs: ['git-essentials'] });
  const members = await post(actors.learnerA, `/api/v1/cohorts/${id}/invites`, { role: 'member' });
  const mentors = await post(actors.learnerA, `/api/v1/cohorts/${id}/invites`, { role: 'mentor' });
  await post(actors.learnerB, '/api/v1/cohorts/join', { token: members.token });
  await post(actors.author, '/api/v1/cohorts/join', { token: mentors.token });
  const spare = await post(actors.learnerA, `/api/v1/cohorts/${id}/invites`, { role: 'member' });
  return { id, token: spare.token, inviteId: spare.id };
}
/** Its members of any role and admins; anyone else is told there is no such cohort. */
const inCohort = (status: number): Expected => ({
  anonymous: 401,
  learnerA: status,
  learnerB: status,
  author: status,
  otherAuthor: 404,
  admin: status,
  demotedAdmin: 404,
});
/** Its owner and mentors (and admins); a member may see the cohort but not this. */
const cohortLeads = (status: number): Expected => ({ ...inCohort(status), learnerB: 403 });
/** Its owner (and admins). */
const cohortOwners = (status: number): Expected => ({ ...inCohort(status), learnerB: 403, author: 403 });
/** A's own object, addressed by id: A may; everyone else signed in is told it does not exist. */
const onlyA = (status: number): Expected => ({ ...signedIn(404), learnerA: status });
/** The author's draft: the author and admins; learners and the demoted are no writers (403). */
const authorsDraft = (status: number): Expected => ({
  anonymous: 401,
  learnerA: 403,
  learnerB: 403,
  author: status,
  otherAuthor: 404,
  admin: status,
  demotedAdmin: 403,
});
const authorsPublished = (status: number): Expected => ({ ...authorsDraft(status), otherAuthor: 403 });

const ROWS: Record<string, { expect: Expected; make: Make }> = {
  'GET /api/v1/roadmaps': { expect: everyone(200), make: () => ({ method: 'GET', url: '/api/v1/roadmaps' }) },
  'GET /api/v1/search': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/search?q=git' }),
  },
  'GET /api/v1/roadmaps/{slug}': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/roadmaps/backend-developer' }),
  },
  'GET /api/v1/roadmaps/{slug} (draft)': {
    expect: { ...authorsDraft(200), anonymous: 401 },
    make: async () => ({
      method: 'GET',
      url: `/api/v1/roadmaps/${await roadmapOf(actors.author, false)}?version=draft`,
    }),
  },
  'GET /api/v1/roadmaps/{slug}/steps/{stepSlug}': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/roadmaps/backend-developer/steps/postgresql' }),
  },
  'GET /api/v1/roadmaps/{slug}/versions': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/roadmaps/backend-developer/versions' }),
  },
  'GET /api/v1/roadmaps/{slug}/versions/{version}': {
    // An old version's source is its editors' alone: another author is told it does not exist.
    expect: { ...authorsDraft(200), otherAuthor: 404 },
    make: async () => ({
      method: 'GET',
      url: `/api/v1/roadmaps/${await roadmapOf(actors.author, true)}/versions/1`,
    }),
  },
  'POST /api/v1/roadmaps/{slug}/fork': {
    expect: writers(201),
    make: () => ({
      method: 'POST',
      url: '/api/v1/roadmaps/backend-developer/fork',
      payload: { slug: `matrix-fork-${randomBytes(4).toString('hex')}`, title: 'A fork' },
    }),
  },
  'POST /api/v1/roadmaps': {
    expect: writers(201),
    make: () => ({ method: 'POST', url: '/api/v1/roadmaps', payload: source() }),
  },
  'POST /api/v1/roadmaps/preview': {
    expect: writers(200),
    make: () => ({ method: 'POST', url: '/api/v1/roadmaps/preview', payload: source() }),
  },
  'PUT /api/v1/roadmaps/{slug}': {
    expect: authorsDraft(200),
    make: async () => {
      const slug = await roadmapOf(actors.author, false);
      const doc = (
        await t.app.inject({ url: `/api/v1/roadmaps/${slug}?version=draft`, headers: actors.author.auth })
      ).json().document;
      return {
        method: 'PUT',
        url: `/api/v1/roadmaps/${slug}`,
        payload: doc,
        headers: { 'if-match': await draftEtag(actors.author, slug) },
      };
    },
  },
  'PUT /api/v1/roadmaps/{slug} (published)': {
    expect: authorsPublished(200),
    make: async () => {
      const slug = await roadmapOf(actors.author, true);
      const doc = (
        await t.app.inject({ url: `/api/v1/roadmaps/${slug}?version=draft`, headers: actors.author.auth })
      ).json().document;
      return {
        method: 'PUT',
        url: `/api/v1/roadmaps/${slug}`,
        payload: doc,
        headers: { 'if-match': await draftEtag(actors.author, slug) },
      };
    },
  },
  'POST /api/v1/roadmaps/{slug}/publish': {
    expect: authorsDraft(200),
    make: async () => ({
      method: 'POST',
      url: `/api/v1/roadmaps/${await roadmapOf(actors.author, false)}/publish`,
    }),
  },
  'DELETE /api/v1/roadmaps/{slug}': {
    expect: authorsPublished(204),
    make: async () => ({ method: 'DELETE', url: `/api/v1/roadmaps/${await roadmapOf(actors.author, true)}` }),
  },
  'POST /api/v1/roadmaps/{slug}/rename': {
    expect: authorsPublished(200),
    make: async () => {
      const slug = await roadmapOf(actors.author, true);
      return { method: 'POST', url: `/api/v1/roadmaps/${slug}/rename`, payload: { slug: `${slug}-moved` } };
    },
  },
  'GET /api/v1/me/authored': {
    expect: writers(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/authored' }),
  },
  'GET /api/v1/admin/users': {
    expect: admins(200),
    make: () => ({ method: 'GET', url: '/api/v1/admin/users' }),
  },
  'PATCH /api/v1/admin/users/{id}': {
    expect: admins(200),
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/admin/users/${(await signUp(t.app)).user.id}`,
      payload: { role: 'author' },
    }),
  },
  'GET /api/v1/admin/jobs': {
    expect: admins(200),
    make: () => ({ method: 'GET', url: '/api/v1/admin/jobs' }),
  },
  'POST /api/v1/admin/jobs/{id}/retry': {
    // No dead job has this id: admins get 404, everyone else is refused before the lookup.
    expect: admins(404),
    make: () => ({ method: 'POST', url: `/api/v1/admin/jobs/${randomUUID()}/retry` }),
  },
  'POST /api/v1/cohorts': {
    expect: signedIn(201),
    make: () => ({
      method: 'POST',
      url: '/api/v1/cohorts',
      payload: { name: 'Matrix', roadmapSlugs: ['git-essentials'] },
    }),
  },
  'GET /api/v1/cohorts': {
    expect: { ...signedIn(403), admin: 200 },
    make: () => ({ method: 'GET', url: '/api/v1/cohorts' }),
  },
  'GET /api/v1/me/cohorts': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/cohorts' }),
  },
  'GET /api/v1/cohorts/join': {
    // The invitation is the key: whoever holds the link may read what it leads to.
    expect: everyone(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/join?token=${(await cohort()).token}` }),
  },
  'POST /api/v1/cohorts/join': {
    expect: signedIn(200),
    make: async () => ({
      method: 'POST',
      url: '/api/v1/cohorts/join',
      payload: { token: (await cohort()).token },
    }),
  },
  'GET /api/v1/cohorts/{id}': {
    expect: inCohort(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}` }),
  },
  'PATCH /api/v1/cohorts/{id}': {
    expect: cohortOwners(200),
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/cohorts/${(await cohort()).id}`,
      payload: { name: 'Renamed' },
    }),
  },
  'DELETE /api/v1/cohorts/{id}': {
    expect: cohortOwners(204),
    make: async () => ({ method: 'DELETE', url: `/api/v1/cohorts/${(await cohort()).id}` }),
  },
  'POST /api/v1/cohorts/{id}/invites': {
    expect: cohortLeads(201),
    make: async () => ({
      method: 'POST',
      url: `/api/v1/cohorts/${(await cohort()).id}/invites`,
      payload: { role: 'member' },
    }),
  },
  'GET /api/v1/cohorts/{id}/invites': {
    expect: cohortLeads(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}/invites` }),
  },
  'DELETE /api/v1/cohorts/{id}/invites/{inviteId}': {
    expect: cohortLeads(204),
    make: async () => {
      const c = await cohort();
      return { method: 'DELETE', url: `/api/v1/cohorts/${c.id}/invites/${c.inviteId}` };
    },
  },
  'GET /api/v1/cohorts/{id}/members': {
    expect: cohortLeads(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}/members` }),
  },
  'GET /api/v1/cohorts/{id}/heatmap': {
    expect: cohortLeads(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}/heatmap` }),
  },
  'GET /api/v1/cohorts/{id}/report.csv': {
    expect: cohortLeads(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}/report.csv` }),
  },
  'GET /api/v1/cohorts/{id}/events': {
    expect: cohortLeads(200),
    make: async () => ({ method: 'GET', url: `/api/v1/cohorts/${(await cohort()).id}/events` }),
  },
  'PATCH /api/v1/cohorts/{id}/members/{userId} (a role)': {
    expect: cohortOwners(200),
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/cohorts/${(await cohort()).id}/members/${actors.learnerB.user.id}`,
      payload: { role: 'mentor' },
    }),
  },
  "PATCH /api/v1/cohorts/{id}/members/{userId} (one's own leaderboard choice)": {
    // Admins see every cohort but are not in this one: nothing of theirs to choose.
    expect: { ...inCohort(200), admin: 403 },
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/cohorts/${(await cohort()).id}/members/me`,
      payload: { leaderboard: true },
    }),
  },
  'DELETE /api/v1/cohorts/{id}/members/{userId} (another)': {
    // The member named is learner B: for B, removing B is leaving.
    expect: { ...cohortOwners(204), learnerB: 204 },
    make: async () => ({
      method: 'DELETE',
      url: `/api/v1/cohorts/${(await cohort()).id}/members/${actors.learnerB.user.id}`,
    }),
  },
  'DELETE /api/v1/cohorts/{id}/members/{userId} (leaving)': {
    // The owner hands the cohort on before leaving (409); an admin is not in it to leave.
    expect: { ...inCohort(204), learnerA: 409, admin: 403 },
    make: async () => ({ method: 'DELETE', url: `/api/v1/cohorts/${(await cohort()).id}/members/me` }),
  },
  'POST /api/v1/cohorts/{id}/members/{userId}/nudges': {
    expect: cohortLeads(202),
    make: async () => ({
      method: 'POST',
      url: `/api/v1/cohorts/${(await cohort()).id}/members/${actors.learnerB.user.id}/nudges`,
      payload: { message: 'Keep going' },
    }),
  },
  'GET /api/v1/me/push-subscriptions': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/push-subscriptions' }),
  },
  'POST /api/v1/me/push-subscriptions': {
    expect: signedIn(201),
    make: () => ({ method: 'POST', url: '/api/v1/me/push-subscriptions', payload: pushSubscription() }),
  },
  'DELETE /api/v1/me/push-subscriptions/{id}': {
    expect: onlyA(204),
    make: async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/push-subscriptions',
        headers: actors.learnerA.auth,
        payload: pushSubscription(),
      });
      return { method: 'DELETE', url: `/api/v1/me/push-subscriptions/${res.json().id}` };
    },
  },
  'POST /api/v1/me/reminder/test': {
    // Nobody here has a confirmed address or a browser subscribed: a clear 422 for each.
    expect: signedIn(422),
    make: () => ({ method: 'POST', url: '/api/v1/me/reminder/test' }),
  },
  'POST /api/v1/me/calendar-token': {
    expect: signedIn(201),
    make: () => ({ method: 'POST', url: '/api/v1/me/calendar-token' }),
  },
  'DELETE /api/v1/me/calendar-token': {
    expect: signedIn(204),
    make: () => ({ method: 'DELETE', url: '/api/v1/me/calendar-token' }),
  },
  'GET /api/v1/me/calendar.ics': {
    // The token is the key, whoever sends it (calendar apps cannot sign in).
    expect: everyone(200),
    make: async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/calendar-token',
        headers: actors.learnerA.auth,
      });
      const url = new URL(res.json().url);
      return { method: 'GET', url: url.pathname + url.search };
    },
  },
  'POST /api/v1/unsubscribe': {
    // The signed token is the key; a forged one is refused the same for everyone.
    expect: everyone(400),
    make: () => ({ method: 'POST', url: '/api/v1/unsubscribe?token=not.a.valid-token-at-all' }),
  },
  'GET /api/v1/me': { expect: signedIn(200), make: () => ({ method: 'GET', url: '/api/v1/me' }) },
  'PATCH /api/v1/me': {
    expect: signedIn(200),
    make: () => ({ method: 'PATCH', url: '/api/v1/me', payload: { dailyGoalMinutes: 30 } }),
  },
  'GET /api/v1/me/deletion': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/deletion' }),
  },
  'GET /api/v1/me/export': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/export' }),
  },
  'GET /api/v1/me/roadmaps': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/roadmaps' }),
  },
  'GET /api/v1/me/roadmaps/{slug}/progress': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/roadmaps/backend-developer/progress' }),
  },
  'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}': {
    expect: signedIn(200),
    make: () => ({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      payload: { status: 'done' },
    }),
  },
  'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/resources': {
    expect: signedIn(200),
    make: () => ({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql/resources',
      payload: { url: 'https://www.postgresql.org/docs/current/tutorial.html', done: true },
    }),
  },
  'PUT /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': {
    expect: signedIn(200),
    make: () => ({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql/note',
      payload: { body: 'My *own* note' },
    }),
  },
  // Notes are addressed through the caller's own account: only A has one here, so everyone
  // else is told there is none (404), never shown A's.
  'GET /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': {
    expect: onlyA(200),
    make: async () => {
      await noteOfA('git-essentials', 'remotes');
      return { method: 'GET', url: '/api/v1/me/roadmaps/git-essentials/steps/remotes/note' };
    },
  },
  'DELETE /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note': {
    expect: onlyA(204),
    make: async () => {
      await noteOfA('git-essentials', 'pull-requests');
      return { method: 'DELETE', url: '/api/v1/me/roadmaps/git-essentials/steps/pull-requests/note' };
    },
  },
  'GET /api/v1/me/notes': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/notes?q=own' }),
  },
  'GET /api/v1/me/roadmaps/{slug}/forecast': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/roadmaps/backend-developer/forecast' }),
  },
  'PATCH /api/v1/me/roadmaps/{slug}': {
    expect: signedIn(200),
    make: () => ({
      method: 'PATCH',
      url: '/api/v1/me/roadmaps/backend-developer',
      payload: { targetDate: new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10) },
    }),
  },
  'GET /api/v1/me/reviews': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/reviews' }),
  },
  // A card is addressed by id: only its owner may rate it; to anyone else it does not exist.
  'POST /api/v1/me/reviews/{cardId}': {
    expect: onlyA(200),
    make: async () => ({
      method: 'POST',
      url: `/api/v1/me/reviews/${await cardOfA('branches-and-merging')}`,
      payload: { rating: 'good' },
    }),
  },
  'GET /api/v1/me/stats': { expect: signedIn(200), make: () => ({ method: 'GET', url: '/api/v1/me/stats' }) },
  'GET /api/v1/me/study-sessions': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/study-sessions' }),
  },
  'POST /api/v1/me/study-sessions': {
    expect: signedIn(201),
    make: () => ({ method: 'POST', url: '/api/v1/me/study-sessions', payload: { minutes: 5 } }),
  },
  'DELETE /api/v1/me/study-sessions/{id}': {
    expect: onlyA(204),
    make: async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/study-sessions',
        headers: actors.learnerA.auth,
        payload: { minutes: 5 },
      });
      return { method: 'DELETE', url: `/api/v1/me/study-sessions/${res.json().id}` };
    },
  },
  'PATCH /api/v1/me/study-sessions/{id}': {
    expect: onlyA(200),
    make: async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/study-sessions',
        headers: actors.learnerA.auth,
        payload: { minutes: 5 },
      });
      return { method: 'PATCH', url: `/api/v1/me/study-sessions/${res.json().id}`, payload: { minutes: 7 } };
    },
  },
  'POST /api/v1/me/tokens': {
    expect: signedIn(201),
    make: () => ({
      method: 'POST',
      url: '/api/v1/me/tokens',
      payload: { name: 'matrix', scopes: ['notes:read'] },
    }),
  },
  'GET /api/v1/me/tokens': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/tokens' }),
  },
  'DELETE /api/v1/me/tokens/{id}': {
    expect: onlyA(204),
    make: async () => {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/tokens',
        headers: actors.learnerA.auth,
        payload: { name: 'to revoke', scopes: ['notes:read'] },
      });
      return { method: 'DELETE', url: `/api/v1/me/tokens/${res.json().id}` };
    },
  },
  'POST /api/v1/me/webhooks': {
    expect: signedIn(201),
    make: () => ({
      method: 'POST',
      url: '/api/v1/me/webhooks',
      payload: { url: 'http://127.0.0.1:9/waymark', events: ['progress.updated'] },
    }),
  },
  'GET /api/v1/me/credentials': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/credentials' }),
  },
  'GET /api/v1/me/credentials/{id}': {
    // Admins may know it exists (they may revoke it), not read or share it.
    expect: { ...onlyA(200), admin: 403 },
    make: async () => ({
      method: 'GET',
      url: `/api/v1/me/credentials/${await credentialOfA('git-essentials', null)}`,
    }),
  },
  'PATCH /api/v1/me/credentials/{id}': {
    // Unsharing: allowed even once the credential is revoked (the revoke row may run first).
    expect: { ...onlyA(200), admin: 403 },
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/me/credentials/${await credentialOfA('git-essentials', null)}`,
      payload: { public: false },
    }),
  },
  'POST /api/v1/credentials/{id}/revoke': {
    // Its holder or an admin (revoking twice keeps the first); for anyone else it is not there.
    expect: { ...onlyA(200), admin: 200 },
    make: async () => ({
      method: 'POST',
      url: `/api/v1/credentials/${await credentialOfA('git-essentials', null)}/revoke`,
      payload: {},
    }),
  },
  'GET /api/v1/credentials/{id}': {
    expect: everyone(200),
    make: async () => ({ method: 'GET', url: `/api/v1/credentials/${await sharedCredentialOfA()}` }),
  },
  'POST /api/v1/credentials/verify': {
    expect: everyone(200),
    make: () => ({ method: 'POST', url: '/api/v1/credentials/verify', payload: { proof: {} } }),
  },
  'GET /api/v1/issuer': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/issuer' }),
  },
  'GET /.well-known/did.json': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/.well-known/did.json' }),
  },
  'GET /api/v1/me/webhooks': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/webhooks' }),
  },
  'GET /api/v1/me/webhooks/{id}': {
    expect: onlyA(200),
    make: async () => ({ method: 'GET', url: `/api/v1/me/webhooks/${await webhookOfA()}` }),
  },
  'PATCH /api/v1/me/webhooks/{id}': {
    expect: onlyA(200),
    make: async () => ({
      method: 'PATCH',
      url: `/api/v1/me/webhooks/${await webhookOfA()}`,
      payload: { enabled: false },
    }),
  },
  'DELETE /api/v1/me/webhooks/{id}': {
    expect: onlyA(204),
    make: async () => ({ method: 'DELETE', url: `/api/v1/me/webhooks/${await webhookOfA()}` }),
  },
  'GET /api/v1/me/webhooks/{id}/deliveries': {
    expect: onlyA(200),
    make: async () => ({ method: 'GET', url: `/api/v1/me/webhooks/${await webhookOfA()}/deliveries` }),
  },
  'POST /api/v1/me/webhooks/{id}/test': {
    expect: onlyA(200), // the ping itself fails (nothing listens on port 9); the answer says so
    make: async () => ({ method: 'POST', url: `/api/v1/me/webhooks/${await webhookOfA()}/test` }),
  },
  'GET /api/v1/me/sessions': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/sessions' }),
  },
  'DELETE /api/v1/me/sessions/{id}': {
    expect: onlyA(204),
    make: async () => {
      // Another session of A's (a second device), so that A's own request stays signed in.
      await login(t.app, actors.learnerA.user.email);
      const list = (await t.app.inject({ url: '/api/v1/me/sessions', headers: actors.learnerA.auth })).json();
      const other = list.items.find((s: { current: boolean }) => !s.current);
      return { method: 'DELETE', url: `/api/v1/me/sessions/${other.id}` };
    },
  },
  'POST /api/v1/me/password': {
    expect: signedIn(400), // every caller's own password is not "wrong current password"…
    make: () => ({
      method: 'POST',
      url: '/api/v1/me/password',
      payload: { currentPassword: 'not the password at all', newPassword: 'a new long passphrase' },
    }),
  },
  'POST /api/v1/me/email': {
    expect: signedIn(202),
    make: () => ({
      method: 'POST',
      url: '/api/v1/me/email',
      payload: { email: `moved-${randomBytes(4).toString('hex')}@example.com`, password: GOOD_PASSWORD },
    }),
  },
  'DELETE /api/v1/me': { expect: signedIn(204), make: () => ({ method: 'DELETE', url: '/api/v1/me' }) },
  'GET /api/v1/me/events': {
    expect: signedIn(200),
    make: () => ({ method: 'GET', url: '/api/v1/me/events' }),
  },
  'POST /api/v1/auth/verify-email/resend': {
    expect: signedIn(202),
    make: () => ({ method: 'POST', url: '/api/v1/auth/verify-email/resend' }),
  },
  'GET /api/v1/users/{handle}': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: `/api/v1/users/${publicHandle}` }),
  },
  'GET /api/v1/users/{handle}/card.svg': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: `/api/v1/users/${publicHandle}/card.svg` }),
  },
  // Sign-in itself: who calls does not change the answer.
  'POST /api/v1/auth/signup': {
    expect: everyone(201),
    make: () => ({
      method: 'POST',
      url: '/api/v1/auth/signup',
      payload: {
        email: `new-${randomBytes(5).toString('hex')}@example.com`,
        password: GOOD_PASSWORD,
        displayName: 'New',
      },
    }),
  },
  'POST /api/v1/auth/login': {
    expect: everyone(200),
    make: () => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: actors.learnerB.user.email, password: GOOD_PASSWORD },
    }),
  },
  'POST /api/v1/auth/refresh': {
    expect: everyone(200),
    make: async () => ({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: (await signUp(t.app)).refreshToken },
    }),
  },
  'POST /api/v1/auth/logout': {
    expect: everyone(204),
    make: async () => ({
      method: 'POST',
      url: '/api/v1/auth/logout',
      payload: { refreshToken: (await signUp(t.app)).refreshToken },
    }),
  },
  'GET /api/v1/auth/providers': {
    expect: everyone(200),
    make: () => ({ method: 'GET', url: '/api/v1/auth/providers' }),
  },
  'GET /api/v1/auth/oauth/{provider}/start': {
    expect: everyone(404), // no provider configured in this app
    make: () => ({ method: 'GET', url: '/api/v1/auth/oauth/oidc/start' }),
  },
  'GET /api/v1/auth/oauth/{provider}/callback': {
    expect: everyone(404),
    make: () => ({ method: 'GET', url: '/api/v1/auth/oauth/oidc/callback?state=x&code=y' }),
  },
  'POST /api/v1/auth/password-reset': {
    expect: everyone(202),
    make: () => ({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: actors.learnerB.user.email },
    }),
  },
  'POST /api/v1/auth/password-reset/confirm': {
    expect: everyone(400),
    make: () => ({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token: 'x'.repeat(43), password: 'a new long passphrase' },
    }),
  },
  'POST /api/v1/auth/verify-email': {
    expect: everyone(400),
    make: () => ({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: 'x'.repeat(43) } }),
  },
};

// Routes that consume the caller (their account, their session): each cell gets fresh callers.
const FRESH_ACTORS = new Set(['DELETE /api/v1/me']);
let publicHandle: string;

async function freshActors(): Promise<typeof actors> {
  const [learnerA, learnerB, author, otherAuthor, admin, demoted] = await Promise.all([
    withRole('learner'),
    withRole('learner'),
    withRole('author'),
    withRole('author'),
    withRole('admin'),
    withRole('admin'),
  ]);
  // Demoted in the database while holding a token that says admin.
  await t.app.services.users.setRole(demoted!.user.id, 'learner');
  return {
    learnerA: learnerA!,
    learnerB: learnerB!,
    author: author!,
    otherAuthor: otherAuthor!,
    admin: admin!,
    demotedAdmin: demoted!,
  };
}

beforeAll(async () => {
  const vapid = generateVapidKeys();
  t = await createTestApp({
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    WAYMARK_JOBS: 'off',
    VAPID_PUBLIC_KEY: vapid.publicKey,
    VAPID_PRIVATE_KEY: vapid.privateKey,
    // Webhooks to a closed port here: the ping fails at once instead of trying the internet.
    WEBHOOKS_ALLOW_HTTP: 'true',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
  });
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  template = (await readContentDir(t.config.contentDir)).files.find(
    (f) => f.source.slug === 'git-essentials',
  )!.source;
  Object.assign(actors, await freshActors());
  const owner = await signUp(t.app);
  publicHandle = `matrix-${owner.user.id.slice(0, 8)}`;
  await t.app.inject({
    method: 'PATCH',
    url: '/api/v1/me',
    headers: owner.auth,
    payload: { handle: publicHandle, publicProfile: true },
  });
});
afterAll(async () => t.close());

async function send(request: Request, who: SignedUp | null): Promise<number> {
  const headers = { ...request.headers, ...(who ? who.auth : {}) };
  if (request.url === '/api/v1/me/events' || request.url.endsWith('/events')) {
    // A stream that stays open: its status is what matters.
    const controller = new AbortController();
    const res = await fetch(`${base}${request.url}`, { headers, signal: controller.signal });
    controller.abort();
    return res.status;
  }
  const res = await t.app.inject({
    method: request.method as 'GET',
    url: request.url,
    headers,
    ...(request.payload ? { payload: request.payload } : {}),
  });
  return res.statusCode;
}

describe('the authorization matrix', () => {
  it('has a row for every operation of the API', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/api/v1/'))
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const rows = new Set(Object.keys(ROWS).map((k) => k.replace(/ \(.*\)$/, '')));
    expect(operations.filter((op) => !rows.has(op))).toEqual([]);
  });

  it('gives every caller exactly the answer its row says (no unexpected 2xx)', async () => {
    const cells: { row: string; actor: ActorName; expected: number; got: number }[] = [];
    for (const [row, { expect: expected, make }] of Object.entries(ROWS)) {
      const callers = FRESH_ACTORS.has(row) ? null : actors;
      for (const actor of ACTORS) {
        const set = callers ?? (await freshActors());
        const who = actor === 'anonymous' ? null : set[actor];
        const got = await send(await make(who), who);
        cells.push({ row, actor, expected: expected[actor], got });
      }
    }
    const wrong = cells.filter((c) => c.got !== c.expected);
    const unexpected2xx = wrong.filter((c) => c.got < 300 && c.expected >= 300);
    process.stdout.write(
      `authorization matrix: ${cells.length} cells, ${wrong.length} wrong, ${unexpected2xx.length} unexpected 2xx\n`,
    );
    expect(wrong).toEqual([]);
    // Hundreds of requests (argon2 sign-ins among them) one after the other: a busy machine needs time.
  }, 180_000);
});

import { eq } from 'drizzle-orm';
import { parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { users } from '../../db/schema.ts';
import { forkSource } from './authoring.ts';
import type { RoadmapSource } from './schemas.ts';

let t: TestApp;
let author: SignedUp;
let otherAuthor: SignedUp;
let admin: SignedUp;
let learner: SignedUp;

async function withRole(role: 'author' | 'admin') {
  const who = await signUp(t.app);
  await t.db.primary.update(users).set({ role }).where(eq(users.id, who.user.id));
  return who;
}

beforeAll(async () => {
  t = await createTestApp();
  [author, otherAuthor, admin, learner] = await Promise.all([
    withRole('author'),
    withRole('author'),
    withRole('admin'),
    signUp(t.app),
  ]);
});
afterAll(async () => t.close());

let counter = 0;
function roadmap(overrides: Partial<RoadmapSource> = {}): RoadmapSource {
  const n = ++counter;
  const id = (s: string) => `t${n}${s}${Date.now().toString(36)}`.slice(0, 32);
  return {
    slug: `written-${n}-${Date.now().toString(36)}`,
    title: `Written roadmap ${n}`,
    summary: 'A small roadmap written through the API.',
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
    ...overrides,
  };
}

const create = (who: SignedUp, body: unknown) =>
  t.app.inject({ method: 'POST', url: '/api/v1/roadmaps', headers: who.auth, payload: body as object });
const getDraft = (who: SignedUp, slug: string) =>
  t.app.inject({ url: `/api/v1/roadmaps/${slug}?version=draft`, headers: who.auth });
const put = (who: SignedUp, slug: string, body: unknown, ifMatch?: string) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/roadmaps/${slug}`,
    headers: { ...who.auth, ...(ifMatch ? { 'if-match': ifMatch } : {}) },
    payload: body as object,
  });
const publish = (who: SignedUp, slug: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/roadmaps/${slug}/publish`, headers: who.auth });

describe('the authoring flow', () => {
  it('creates a draft, saves it with If-Match, publishes it as a new version readers see at once', async () => {
    const doc = roadmap();
    const created = await create(author, doc);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      slug: doc.slug,
      status: 'draft',
      publishedVersion: 0,
      hasDraft: true,
    });
    const etag = created.headers.etag as string;
    expect(etag).toBe(created.json().etag);

    // Invisible to readers until published.
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` })).statusCode).toBe(404);

    const edited = { ...doc, title: 'Written roadmap, edited' };
    expect((await put(author, doc.slug, edited)).statusCode).toBe(428);
    const saved = await put(author, doc.slug, edited, etag);
    expect(saved.statusCode).toBe(200);
    expect(saved.headers.etag).not.toBe(etag);
    const stale = await put(author, doc.slug, { ...edited, summary: 'Overwriting someone' }, etag);
    expect(stale.statusCode).toBe(412);
    expect(stale.json().detail).toMatch(/Reload it/);

    const draft = await getDraft(author, doc.slug);
    expect(draft.statusCode).toBe(200);
    expect(draft.json().document.title).toBe('Written roadmap, edited');
    expect(draft.headers.etag).toBe(saved.headers.etag);

    const published = await publish(author, doc.slug);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toEqual({ slug: doc.slug, version: 1, outcome: 'created' });
    const read = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ title: 'Written roadmap, edited', version: 1, stepCount: 2 });
    const catalog = (await t.app.inject({ url: '/api/v1/roadmaps?limit=100' })).json();
    expect(catalog.items.map((i: { slug: string }) => i.slug)).toContain(doc.slug);

    // A second version: a new ETag on the very next read; both versions kept.
    const again = await getDraft(author, doc.slug);
    await put(author, doc.slug, { ...edited, summary: 'Version two.' }, again.headers.etag as string);
    expect((await publish(author, doc.slug)).json()).toMatchObject({ version: 2, outcome: 'updated' });
    const next = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` });
    expect(next.json()).toMatchObject({ summary: 'Version two.', version: 2 });
    expect(next.headers.etag).not.toBe(read.headers.etag);
    const versions = (await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/versions` })).json();
    expect(versions.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);
  });

  it('keeps a renamed step at its old address: 301 to the new slug', async () => {
    const doc = roadmap();
    expect((await create(author, doc)).statusCode).toBe(201);
    expect((await publish(author, doc.slug)).statusCode).toBe(200);
    const [layer] = doc.layers;
    const renamed = {
      ...doc,
      layers: [{ ...layer!, steps: [layer!.steps[0]!, { ...layer!.steps[1]!, slug: 'practice' }] }],
    };
    const draft = await getDraft(author, doc.slug);
    expect((await put(author, doc.slug, renamed, draft.headers.etag as string)).statusCode).toBe(200);
    expect((await publish(author, doc.slug)).statusCode).toBe(200);

    const old = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/steps/second-step` });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe(`/api/v1/roadmaps/${doc.slug}/steps/practice`);
    const current = await t.app.inject({ url: old.headers.location as string });
    expect(current.statusCode).toBe(200);
    expect(current.json()).toMatchObject({ slug: 'practice', title: 'Second step' });
    // A slug no version ever had is still 404.
    const never = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/steps/never-was` });
    expect(never.statusCode).toBe(404);
  });

  it('renames a roadmap: the old slug answers 301 for the document and its steps, progress stays', async () => {
    const doc = roadmap();
    expect((await create(author, doc)).statusCode).toBe(201);
    expect((await publish(author, doc.slug)).statusCode).toBe(200);
    const before = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` }); // now cached
    expect(before.statusCode).toBe(200);
    const tick = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/me/roadmaps/${doc.slug}/steps/first-step`,
      headers: learner.auth,
      payload: { status: 'done' },
    });
    expect(tick.statusCode).toBe(200);

    const rename = (who: SignedUp, slug: string, to: unknown) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/roadmaps/${slug}/rename`,
        headers: who.auth,
        payload: { slug: to },
      });
    const to = `${doc.slug}-renamed`;
    const res = await rename(author, doc.slug, to);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ slug: to, document: { slug: to } });

    const old = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe(`/api/v1/roadmaps/${to}`);
    const current = await t.app.inject({ url: `/api/v1/roadmaps/${to}` });
    expect(current.statusCode).toBe(200);
    expect(current.json()).toMatchObject({ slug: to, title: doc.title });
    const oldStep = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/steps/second-step` });
    expect(oldStep.statusCode).toBe(301);
    expect(oldStep.headers.location).toBe(`/api/v1/roadmaps/${to}/steps/second-step`);
    // The learner's progress belongs to the roadmap, not its slug.
    const progress = await t.app.inject({ url: `/api/v1/me/roadmaps/${to}/progress`, headers: learner.auth });
    expect(progress.json().steps).toMatchObject({ 'first-step': 'done' });
    // The renamed roadmap publishes and is listed under its new slug only.
    expect((await publish(author, to)).statusCode).toBe(200);
    const list = (await t.app.inject({ url: '/api/v1/roadmaps?limit=100' })).json();
    const slugs = list.items.map((r: { slug: string }) => r.slug);
    expect(slugs).toContain(to);
    expect(slugs).not.toContain(doc.slug);

    // Refused: a taken slug (409, naming it), a bad one (400), another author (403), a bundled roadmap (409).
    const taken = await rename(author, to, 'git-essentials');
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors).toEqual([{ path: '/body/slug', message: 'is taken' }]);
    const bad = await rename(author, to, 'Not A Slug');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/slug');
    expect((await rename(otherAuthor, to, `${to}-x`)).statusCode).toBe(403);
    expect((await rename(learner, to, `${to}-x`)).statusCode).toBe(403);
    const bundled = await rename(admin, 'git-essentials', 'git-basics');
    expect(bundled.statusCode).toBe(409);
    expect(bundled.json().detail).toMatch(/content file/);

    // Back to the first slug: it is live again, and the redirect goes the other way.
    expect((await rename(author, to, doc.slug)).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` })).statusCode).toBe(200);
    const back = await t.app.inject({ url: `/api/v1/roadmaps/${to}` });
    expect(back.statusCode).toBe(301);
    expect(back.headers.location).toBe(`/api/v1/roadmaps/${doc.slug}`);
  });

  it('refuses a taken slug with 409', async () => {
    const doc = roadmap();
    await create(author, doc);
    const res = await create(otherAuthor, doc);
    expect(res.statusCode).toBe(409);
    const bundled = await create(author, { ...roadmap(), slug: 'backend-developer' });
    expect(bundled.statusCode).toBe(409);
  });

  it('lists every problem of a bad document at once, with its path', async () => {
    const doc = roadmap();
    doc.layers[0]!.steps[1]!.slug = 'first-step'; // duplicate step slug
    doc.milestones[0]!.afterStep = 'no-such-step';
    doc.comparisons[0]!.rows = [['Speed', 'fast']]; // short row
    doc.layers.push({ slug: 'empty', title: 'Empty', summary: 'Nothing in it.', steps: [] });
    doc.layers[0]!.steps[0]!.resources[0]!.url = 'javascript:alert(1)';
    const res = await create(author, doc);
    expect(res.statusCode).toBe(400);
    const paths = res.json().errors.map((e: { path: string }) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/body/layers/0/steps/1/slug',
        '/body/milestones/0/afterStep',
        '/body/comparisons/0/rows/0',
        '/body/layers/1/steps',
        '/body/layers/0/steps/0/resources/0/url',
      ]),
    );
  });

  it('previews a draft without saving it, and lists the problems of a bad one', async () => {
    const doc = roadmap();
    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roadmaps/preview',
      headers: author.auth,
      payload: doc,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({
      slug: doc.slug,
      stepCount: 2,
      layers: [{ steps: [{ position: 1 }, { position: 2 }] }],
    });
    expect(
      (await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}?version=draft`, headers: author.auth }))
        .statusCode,
    ).toBe(404);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/roadmaps/preview',
      headers: author.auth,
      payload: { ...doc, title: '', layers: [] },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['/body/title', '/body/layers']),
    );
  });

  it('refuses a step id another roadmap owns', async () => {
    const doc = roadmap();
    doc.layers[0]!.steps[0]!.id = 'xmxq5y39sp'; // a step of backend-developer
    const res = await create(author, doc);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: '/body/layers/0/steps/0/id', message: expect.stringMatching(/another roadmap/) },
    ]);
  });

  it('deletes: readers get 404, learners keep their progress in the export', async () => {
    const doc = roadmap();
    await create(author, doc);
    await publish(author, doc.slug);
    await t.app.inject({
      method: 'PUT',
      url: `/api/v1/me/roadmaps/${doc.slug}/steps/first-step`,
      headers: learner.auth,
      payload: { status: 'done' },
    });
    const del = await t.app.inject({
      method: 'DELETE',
      url: `/api/v1/roadmaps/${doc.slug}`,
      headers: author.auth,
    });
    expect(del.statusCode).toBe(204);
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` })).statusCode).toBe(404);
    const exported = (await t.app.inject({ url: '/api/v1/me/export', headers: learner.auth })).json();
    expect(exported.progress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ roadmapSlug: doc.slug, stepSlug: 'first-step', status: 'done' }),
      ]),
    );
  });
});

describe('old versions, restoring and forking', () => {
  const version = (who: SignedUp | null, slug: string, v: number | string) =>
    t.app.inject({ url: `/api/v1/roadmaps/${slug}/versions/${v}`, headers: who?.auth ?? {} });
  const fork = (who: SignedUp | null, slug: string, body: unknown) =>
    t.app.inject({
      method: 'POST',
      url: `/api/v1/roadmaps/${slug}/fork`,
      headers: who?.auth ?? {},
      payload: body as object,
    });

  /** A roadmap of `author` published twice: version 1 is `doc`, version 2 has a new summary. */
  async function twoVersions() {
    const doc = roadmap();
    await create(author, doc);
    await publish(author, doc.slug);
    const draft = await getDraft(author, doc.slug);
    await put(author, doc.slug, { ...doc, summary: 'Version two.' }, draft.headers.etag as string);
    await publish(author, doc.slug);
    return doc;
  }

  it('hands an old version’s source to its authors and admins, and restores it as the draft', async () => {
    const doc = await twoVersions();
    const first = await version(author, doc.slug, 1);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ slug: doc.slug, version: 1, document: doc });
    expect(Date.parse(first.json().createdAt)).not.toBeNaN();
    expect((await version(admin, doc.slug, 2)).json().document.summary).toBe('Version two.');
    // Admins read any roadmap's old versions, the bundled ones included.
    const bundled = await version(admin, 'backend-developer', 1);
    expect(bundled.statusCode).toBe(200);
    expect(bundled.json().document.slug).toBe('backend-developer');

    // Restoring is a PUT of that source with If-Match; readers see it once published.
    const draft = await getDraft(author, doc.slug);
    const restored = await put(author, doc.slug, first.json().document, draft.headers.etag as string);
    expect(restored.statusCode).toBe(200);
    expect(restored.json()).toMatchObject({ hasDraft: true, document: { summary: doc.summary } });
    expect((await publish(author, doc.slug)).json()).toMatchObject({ version: 3, outcome: 'updated' });
  });

  it('answers 404 for an unknown version and to whoever may not author the roadmap', async () => {
    const doc = await twoVersions();
    expect((await version(author, doc.slug, 9)).statusCode).toBe(404);
    expect((await version(author, 'no-such-roadmap', 1)).statusCode).toBe(404);
    const other = await version(otherAuthor, doc.slug, 1);
    expect(other.statusCode).toBe(404);
    expect(other.headers['content-type']).toMatch(/application\/problem\+json/);
    expect((await version(author, 'backend-developer', 1)).statusCode).toBe(404);
    expect((await version(learner, doc.slug, 1)).statusCode).toBe(403);
    expect((await version(null, doc.slug, 1)).statusCode).toBe(401);
    const bad = await version(author, doc.slug, 'one');
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().errors)).toMatch(/version/);
    expect((await version(author, doc.slug, 0)).statusCode).toBe(400);
    // A never-published draft has no versions.
    const unpublished = roadmap();
    await create(author, unpublished);
    expect((await version(author, unpublished.slug, 1)).statusCode).toBe(404);
  });

  it('forks a published roadmap into a new draft of one’s own, every step with a new id', async () => {
    const doc = await twoVersions();
    const slug = `${doc.slug}-fork`;
    const forked = await fork(otherAuthor, doc.slug, { slug, title: 'My own path' });
    expect(forked.statusCode).toBe(201);
    expect(forked.headers.location).toBe(`/api/v1/roadmaps/${slug}?version=draft`);
    const state = forked.json();
    expect(state).toMatchObject({ slug, status: 'draft', publishedVersion: 0, hasDraft: true });
    expect(forked.headers.etag).toBe(state.etag);
    expect(state.document).toMatchObject({ slug, title: 'My own path', summary: 'Version two.' });
    const ids = (d: RoadmapSource) => d.layers.flatMap((l) => l.steps.map((s) => s.id));
    const slugs = (d: RoadmapSource) => d.layers.flatMap((l) => l.steps.map((s) => s.slug));
    expect(slugs(state.document)).toEqual(slugs(doc));
    for (const id of ids(state.document)) {
      expect(id).toMatch(/^[a-z0-9]{6,32}$/);
      expect(ids(doc)).not.toContain(id);
    }
    expect(state.document.milestones).toEqual(doc.milestones);
    // It remembers where it came from, on its state and on the authoring list.
    const origin = { slug: doc.slug, title: doc.title, version: 2 };
    expect(state.forkedFrom).toEqual(origin);
    const listed = await t.app.inject({ url: '/api/v1/me/authored', headers: otherAuthor.auth });
    const items = listed.json().items as { slug: string; forkedFrom: unknown }[];
    expect(items.find((r) => r.slug === slug)?.forkedFrom).toEqual(origin);
    expect(items.filter((r) => r.slug !== slug).every((r) => r.forkedFrom === null)).toBe(true);

    // The fork is its forker's: they edit and publish it; the original is untouched.
    expect((await getDraft(otherAuthor, slug)).statusCode).toBe(200);
    expect((await getDraft(author, slug)).statusCode).toBe(404);
    expect((await publish(otherAuthor, slug)).json()).toMatchObject({ version: 1, outcome: 'created' });
    const original = await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` });
    expect(original.json()).toMatchObject({ version: 2, title: doc.title });
    // Bundled roadmaps fork too.
    const bundled = await fork(author, 'backend-developer', { slug: `${slug}-be`, title: 'Backend, my way' });
    expect(bundled.statusCode).toBe(201);
  });

  it('forkSource copies everything but the slug, the title and the step ids, and leaves the original', () => {
    const original = roadmap();
    const before = structuredClone(original);
    let n = 0;
    const copy = forkSource(original, { slug: 'copied', title: 'Copied' }, () => `fresh${++n}`);
    expect(original).toEqual(before);
    expect(copy.layers[0]!.steps.map((s) => s.id)).toEqual(['fresh1', 'fresh2']);
    const strip = (d: RoadmapSource) => ({
      ...d,
      slug: '',
      title: '',
      layers: d.layers.map((l) => ({ ...l, steps: l.steps.map((s) => ({ ...s, id: '' })) })),
    });
    expect(strip(copy)).toEqual(strip(original));
    expect(copy).toMatchObject({ slug: 'copied', title: 'Copied' });
  });

  it('refuses a fork with a taken or bad slug, of nothing published, and to learners', async () => {
    const doc = await twoVersions();
    const taken = await fork(author, doc.slug, { slug: doc.slug, title: 'Again' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().errors).toEqual([{ path: '/body/slug', message: 'is taken' }]);
    const bad = await fork(author, doc.slug, { slug: 'Not A Slug', title: '' });
    expect(bad.statusCode).toBe(400);
    const paths = (bad.json().errors as { path: string }[]).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['/body/slug', '/body/title']));
    const stray = await fork(author, doc.slug, { slug: `${doc.slug}-x`, title: 'X', steps: [] });
    expect(stray.statusCode).toBe(400);
    expect((await fork(author, 'no-such-roadmap', { slug: `${doc.slug}-y`, title: 'Y' })).statusCode).toBe(
      404,
    );
    const unpublished = roadmap();
    await create(author, unpublished);
    const draftOnly = await fork(otherAuthor, unpublished.slug, { slug: `${doc.slug}-z`, title: 'Z' });
    expect(draftOnly.statusCode).toBe(404);
    expect((await fork(author, unpublished.slug, { slug: `${doc.slug}-w`, title: 'W' })).statusCode).toBe(
      404,
    );
    expect((await fork(learner, doc.slug, { slug: `${doc.slug}-v`, title: 'V' })).statusCode).toBe(403);
    expect((await fork(null, doc.slug, { slug: `${doc.slug}-u`, title: 'U' })).statusCode).toBe(401);
  });
});

describe('who may author', () => {
  it('a learner gets 403 on every authoring route', async () => {
    const doc = roadmap();
    await create(author, doc);
    const attempts = [
      create(learner, roadmap()),
      put(learner, doc.slug, doc, '"draft-1"'),
      publish(learner, doc.slug),
      t.app.inject({ method: 'DELETE', url: `/api/v1/roadmaps/${doc.slug}`, headers: learner.auth }),
      getDraft(learner, doc.slug),
      t.app.inject({ method: 'POST', url: '/api/v1/roadmaps/preview', headers: learner.auth, payload: doc }),
      t.app.inject({ url: '/api/v1/me/authored', headers: learner.auth }),
    ];
    for (const res of await Promise.all(attempts)) expect(res.statusCode).toBe(403);
    const anonymous = await t.app.inject({ method: 'POST', url: '/api/v1/roadmaps', payload: doc });
    expect(anonymous.statusCode).toBe(401);
  });

  it('another author gets 404 for a draft and 403 for a published roadmap; an admin edits any', async () => {
    const doc = roadmap();
    const created = await create(author, doc);
    expect((await getDraft(otherAuthor, doc.slug)).statusCode).toBe(404);
    expect((await publish(otherAuthor, doc.slug)).statusCode).toBe(404);
    const asAdmin = await put(
      admin,
      doc.slug,
      { ...doc, summary: 'Edited by an admin.' },
      created.headers.etag as string,
    );
    expect(asAdmin.statusCode).toBe(200);
    expect((await publish(admin, doc.slug)).statusCode).toBe(200);
    expect((await getDraft(otherAuthor, doc.slug)).statusCode).toBe(403);
    const bundled = await getDraft(author, 'backend-developer');
    expect(bundled.statusCode).toBe(403);
    expect((await getDraft(admin, 'backend-developer')).statusCode).toBe(200);
  });

  it('lists each author’s own roadmaps, and all for admins', async () => {
    const doc = roadmap();
    await create(otherAuthor, doc);
    const mine = (await t.app.inject({ url: '/api/v1/me/authored', headers: otherAuthor.auth })).json();
    expect(mine.items.map((i: { slug: string }) => i.slug)).toContain(doc.slug);
    const theirs = (await t.app.inject({ url: '/api/v1/me/authored', headers: author.auth })).json();
    expect(theirs.items.map((i: { slug: string }) => i.slug)).not.toContain(doc.slug);
    const all = (await t.app.inject({ url: '/api/v1/me/authored', headers: admin.auth })).json();
    expect(all.items.map((i: { slug: string }) => i.slug)).toEqual(
      expect.arrayContaining([doc.slug, 'backend-developer']),
    );
  });
});

describe('drafts never leak', () => {
  it('through the list, search, step or progress endpoints', async () => {
    const doc = roadmap({ title: 'Zanzibar secret draft', summary: 'Quixotic unpublished words.' });
    await create(author, doc);
    const list = (await t.app.inject({ url: '/api/v1/roadmaps?limit=100' })).json();
    expect(list.items.map((i: { slug: string }) => i.slug)).not.toContain(doc.slug);
    expect((await t.app.inject({ url: '/api/v1/roadmaps?q=zanzibar' })).json().items).toEqual([]);
    expect((await t.app.inject({ url: '/api/v1/search?q=quixotic' })).json().items).toEqual([]);
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/steps/first-step` })).statusCode).toBe(
      404,
    );
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/versions` })).statusCode).toBe(404);
    const progress = await t.app.inject({
      method: 'PUT',
      url: `/api/v1/me/roadmaps/${doc.slug}/steps/first-step`,
      headers: learner.auth,
      payload: { status: 'done' },
    });
    expect(progress.statusCode).toBe(404);
    // Unpublished edits of a published roadmap do not leak either.
    await publish(author, doc.slug);
    const draft = await getDraft(author, doc.slug);
    await put(author, doc.slug, { ...doc, title: 'Unpublished rename' }, draft.headers.etag as string);
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` })).json().title).toBe(
      'Zanzibar secret draft',
    );
  });
});

describe('Markdown from authors', () => {
  const PAYLOADS = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[click](javascript:alert(1))',
    '[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
    '<svg onload=alert(1)><script>alert(2)</script></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    '![x](javascript:alert(1))',
  ].join('\n\n');

  /** Every element and attribute of rendered HTML, to assert on structure, not on text. */
  function dangers(html: string): string[] {
    const found: string[] = [];
    const walk = (node: {
      type?: string;
      name?: string;
      attribs?: Record<string, string>;
      children?: unknown[];
    }) => {
      if (node.type === 'tag' || node.type === 'script' || node.type === 'style') {
        if (['script', 'iframe', 'svg', 'img', 'object', 'embed', 'style'].includes(node.name!))
          found.push(`<${node.name}>`);
        for (const [name, value] of Object.entries(node.attribs ?? {})) {
          if (name.startsWith('on')) found.push(`${node.name} ${name}`);
          if (/^\s*(javascript|data|vbscript):/i.test(value)) found.push(`${node.name} ${name}=${value}`);
        }
      }
      for (const child of node.children ?? []) walk(child as typeof node);
    };
    walk(parseDocument(html) as unknown as Parameters<typeof walk>[0]);
    return found;
  }

  it('renders harmless in every Markdown field: intro, step bodies, milestones, FAQ answers', async () => {
    const doc = roadmap({ intro: PAYLOADS });
    doc.layers[0]!.steps[0]!.body = PAYLOADS;
    doc.milestones[0]!.description = PAYLOADS;
    doc.faq[0]!.answer = PAYLOADS;
    expect((await create(author, doc)).statusCode).toBe(201);
    expect((await publish(author, doc.slug)).statusCode).toBe(200);
    const read = (await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}` })).json();
    const step = (await t.app.inject({ url: `/api/v1/roadmaps/${doc.slug}/steps/first-step` })).json();
    const preview = (
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/roadmaps/preview',
        headers: author.auth,
        payload: doc,
      })
    ).json();
    for (const html of [
      read.introHtml,
      read.milestones[0].descriptionHtml,
      read.faq[0].answerHtml,
      step.bodyHtml,
      preview.introHtml,
    ]) {
      expect(html.length).toBeGreaterThan(20);
      expect(dangers(html)).toEqual([]);
    }
    // The text is still there, shown as text.
    expect(read.introHtml).toContain('&lt;script&gt;');
  });

  it('the web app itself forbids inline script (CSP)', async () => {
    const res = await t.app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    expect(res.headers['content-security-policy']).toMatch(/script-src-attr 'none'/);
  });
});

describe('Markdown is rendered once, when written', () => {
  it('refuses Markdown nested too deeply to render, at save time, naming the field', async () => {
    const deep = `${'>'.repeat(4900)} too deep`;
    const res = await create(author, roadmap({ intro: deep }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: '/body/intro', message: expect.stringMatching(/nests/) }),
      ]),
    );
    const brackets = roadmap();
    brackets.layers[0]!.steps[0]!.body = `${'['.repeat(3000)}x${']'.repeat(3000)}`;
    const second = await create(author, brackets);
    expect(second.statusCode).toBe(400);
    expect(second.json().errors[0].path).toBe('/body/layers/0/steps/0/body');
  });

  it('stores the rendered HTML with the version, so readers never render', async () => {
    const source = roadmap({ intro: 'Stored **once**.' });
    expect((await create(author, source)).statusCode).toBe(201);
    expect((await publish(author, source.slug)).statusCode).toBe(200);
    const { roadmapVersions, roadmaps } = await import('../../db/schema.ts');
    const [row] = await t.db.primary
      .select({ rendered: roadmapVersions.rendered })
      .from(roadmapVersions)
      .innerJoin(roadmaps, eq(roadmaps.id, roadmapVersions.roadmapId))
      .where(eq(roadmaps.slug, source.slug));
    expect(row!.rendered!.introHtml).toBe('<p>Stored <strong>once</strong>.</p>');
    // What readers get is what was stored: change the stored HTML and the document follows.
    await t.db.primary
      .update(roadmapVersions)
      .set({ rendered: { ...row!.rendered!, introHtml: '<p>from storage</p>' } })
      .where(
        eq(
          roadmapVersions.roadmapId,
          (
            await t.db.primary
              .select({ id: roadmaps.id })
              .from(roadmaps)
              .where(eq(roadmaps.slug, source.slug))
          )[0]!.id,
        ),
      );
    await t.app.services.roadmaps.changed(source.slug);
    const doc = (await t.app.inject({ url: `/api/v1/roadmaps/${source.slug}` })).json();
    expect(doc.introHtml).toBe('<p>from storage</p>');
  });

  it('renders versions stored before rendering moved to write time, at start', async () => {
    const source = roadmap({ intro: 'Old *version*.' });
    await create(author, source);
    await publish(author, source.slug);
    const { roadmapVersions } = await import('../../db/schema.ts');
    await t.db.primary.update(roadmapVersions).set({ rendered: null });
    expect(await t.app.services.roadmaps.renderStoredVersions()).toBeGreaterThan(0);
    expect(await t.app.services.roadmaps.renderStoredVersions()).toBe(0);
    const doc = (await t.app.inject({ url: `/api/v1/roadmaps/${source.slug}` })).json();
    expect(doc.introHtml).toBe('<p>Old <em>version</em>.</p>');
  });

  it('refuses NUL, unpaired surrogates and control characters in every text field', async () => {
    const cases: [string, (s: RoadmapSource) => void][] = [
      ['/body/title', (s) => (s.title = 'NUL \u0000')],
      ['/body/summary', (s) => (s.summary = 'half \ud800 pair')],
      ['/body/layers/0/steps/0/title', (s) => (s.layers[0]!.steps[0]!.title = 'bell \u0007')],
      ['/body/layers/0/steps/0/body', (s) => (s.layers[0]!.steps[0]!.body = 'vertical tab \u000b')],
      ['/body/faq/0/question', (s) => (s.faq[0]!.question = 'two\nlines')],
      ['/body/comparisons/0/rows/0/1', (s) => (s.comparisons[0]!.rows[0]![1] = '\udfff')],
    ];
    for (const [path, change] of cases) {
      const source = roadmap();
      change(source);
      const res = await create(author, source);
      expect(res.statusCode, path).toBe(400);
      expect(
        res.json().errors.map((e: { path: string }) => e.path),
        path,
      ).toContain(path);
    }
  });
});

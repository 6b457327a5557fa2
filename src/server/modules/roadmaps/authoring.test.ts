import { eq } from 'drizzle-orm';
import { parseDocument } from 'htmlparser2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { users } from '../../db/schema.ts';
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

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { readContentDir } from '../roadmaps/files.ts';
import type { RoadmapSource } from '../roadmaps/schemas.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const GIT = '/api/v1/me/roadmaps/git-essentials';
const noteUrl = (step: string, roadmap = GIT) => `${roadmap}/steps/${step}/note`;

function save(who: SignedUp, step: string, body: unknown, roadmap = GIT) {
  return t.app.inject({ method: 'PUT', url: noteUrl(step, roadmap), headers: who.auth, payload: { body } });
}
async function notes(who: SignedUp, query = '') {
  const res = await t.app.inject({ url: `/api/v1/me/notes${query}`, headers: who.auth });
  expect(res.statusCode).toBe(200);
  return res.json();
}

describe('notes on steps', () => {
  it('saves Markdown with its sanitized HTML, reads it back, and deletes it', async () => {
    const me = await signUp(t.app);
    expect((await t.app.inject({ url: noteUrl('commits-and-history'), headers: me.auth })).statusCode).toBe(
      404,
    );
    const res = await save(
      me,
      'commits-and-history',
      '# Commit often\n\n<script>alert(1)</script>\n\nUse `git add -p`',
    );
    expect(res.statusCode).toBe(200);
    const note = res.json();
    expect(note).toEqual({
      roadmapSlug: 'git-essentials',
      stepSlug: 'commits-and-history',
      roadmapTitle: expect.any(String),
      stepTitle: expect.any(String),
      body: '# Commit often\n\n<script>alert(1)</script>\n\nUse `git add -p`',
      bodyHtml: expect.stringContaining('<h2>Commit often</h2>'),
      updatedAt: expect.any(String),
    });
    expect(note.bodyHtml).not.toContain('<script>');
    expect(note.bodyHtml).toContain('<code>git add -p</code>');

    // The same text again changes nothing; other text moves updatedAt.
    expect((await save(me, 'commits-and-history', note.body)).json().updatedAt).toBe(note.updatedAt);
    await new Promise((r) => setTimeout(r, 5));
    const edited = (await save(me, 'commits-and-history', 'Commit *small*')).json();
    expect(edited.updatedAt > note.updatedAt).toBe(true);
    expect((await t.app.inject({ url: noteUrl('commits-and-history'), headers: me.auth })).json()).toEqual(
      edited,
    );

    const del = await t.app.inject({
      method: 'DELETE',
      url: noteUrl('commits-and-history'),
      headers: me.auth,
    });
    expect(del.statusCode).toBe(204);
    expect(
      (await t.app.inject({ method: 'DELETE', url: noteUrl('commits-and-history'), headers: me.auth }))
        .statusCode,
    ).toBe(404);
  });

  it('refuses bad input as a problem naming the field, and unknown steps with 404', async () => {
    const me = await signUp(t.app);
    for (const body of ['', 'x'.repeat(20_001), 42, 'a\u0000b']) {
      const res = await save(me, 'remotes', body);
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors[0].path).toBe('/body/body');
    }
    const deep = await save(me, 'remotes', `${'> '.repeat(40)}deep`);
    expect(deep.statusCode).toBe(400);
    expect(deep.json().errors).toEqual([{ path: '/body/body', message: expect.stringMatching(/nests/) }]);
    expect((await save(me, 'remotes', 'x'.repeat(20_000))).statusCode).toBe(200);
    expect((await save(me, 'no-such-step', 'hi')).statusCode).toBe(404);
    expect((await save(me, 'remotes', 'hi', '/api/v1/me/roadmaps/no-such-roadmap')).statusCode).toBe(404);
  });

  it('are private: another learner sees none of them', async () => {
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    await save(me, 'remotes', 'my secret plan');
    expect((await t.app.inject({ url: noteUrl('remotes'), headers: other.auth })).statusCode).toBe(404);
    expect(
      (await t.app.inject({ method: 'DELETE', url: noteUrl('remotes'), headers: other.auth })).statusCode,
    ).toBe(404);
    expect((await notes(other)).items).toEqual([]);
    expect((await t.app.inject({ url: noteUrl('remotes') })).statusCode).toBe(401);
  });
});

describe('GET /api/v1/me/notes', () => {
  it('lists newest first in pages, searches the text, and filters by roadmap', async () => {
    const me = await signUp(t.app);
    const steps = ['commits-and-history', 'branches-and-merging', 'remotes', 'pull-requests'];
    for (const [i, step] of steps.entries()) {
      await save(me, step, i % 2 ? `Rebasing keeps history linear (${i})` : `Merge commits are fine (${i})`);
      await new Promise((r) => setTimeout(r, 3));
    }
    await save(me, 'postgresql', 'Indexes make queries fast', '/api/v1/me/roadmaps/backend-developer');

    const first = await notes(me, '?limit=2');
    expect(first.items.map((n: { stepSlug: string }) => n.stepSlug)).toEqual(['postgresql', 'pull-requests']);
    const second = await notes(me, `?limit=2&cursor=${first.nextCursor}`);
    expect(second.items.map((n: { stepSlug: string }) => n.stepSlug)).toEqual([
      'remotes',
      'branches-and-merging',
    ]);
    const third = await notes(me, `?limit=2&cursor=${second.nextCursor}`);
    expect(third.items.map((n: { stepSlug: string }) => n.stepSlug)).toEqual(['commits-and-history']);
    expect(third.nextCursor).toBeNull();

    // Full-text: stemmed words ("rebase" finds "Rebasing"), newest first.
    const found = await notes(me, '?q=rebase');
    expect(found.items.map((n: { stepSlug: string }) => n.stepSlug)).toEqual([
      'pull-requests',
      'branches-and-merging',
    ]);
    expect((await notes(me, '?q=index')).items).toHaveLength(1);
    expect((await notes(me, '?q=%22merge%20commits%22%20-linear')).items).toHaveLength(2);
    expect((await notes(me, '?q=kubernetes')).items).toEqual([]);
    expect((await notes(me, '?roadmapSlug=git-essentials&limit=100')).items).toHaveLength(4);
  });

  it('answers a cursor it did not issue with a 400 naming cursor', async () => {
    const me = await signUp(t.app);
    for (const cursor of ['nope', Buffer.from('["x", 1]').toString('base64url')]) {
      const res = await t.app.inject({ url: `/api/v1/me/notes?cursor=${cursor}`, headers: me.auth });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors).toEqual([{ path: '/querystring/cursor', message: 'is not a valid cursor' }]);
    }
  });
});

describe('resource checks', () => {
  const RESOURCE = 'https://git-scm.com/docs/git-commit';
  function tick(who: SignedUp, step: string, url: unknown, done: unknown) {
    return t.app.inject({
      method: 'PUT',
      url: `${GIT}/steps/${step}/resources`,
      headers: who.auth,
      payload: { url, done },
    });
  }

  it('ticks and unticks a resource, idempotently, and shows in the progress summary', async () => {
    const me = await signUp(t.app);
    const res = await tick(me, 'commits-and-history', RESOURCE, true);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ stepSlug: 'commits-and-history', url: RESOURCE, done: true });
    expect((await tick(me, 'commits-and-history', RESOURCE, true)).statusCode).toBe(200);
    const summary = (await t.app.inject({ url: `${GIT}/progress`, headers: me.auth })).json();
    expect(summary.resourcesDone).toEqual({ 'commits-and-history': [RESOURCE] });
    await tick(me, 'commits-and-history', RESOURCE, false);
    expect((await tick(me, 'commits-and-history', RESOURCE, false)).statusCode).toBe(200);
    expect((await t.app.inject({ url: `${GIT}/progress`, headers: me.auth })).json().resourcesDone).toEqual(
      {},
    );
  });

  it('refuses a URL the step does not list (400 naming url) and unknown steps (404)', async () => {
    const me = await signUp(t.app);
    const res = await tick(me, 'commits-and-history', 'https://example.com/elsewhere', true);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ path: '/body/url', message: 'is not a resource of this step' }]);
    expect((await tick(me, 'commits-and-history', RESOURCE, 'yes')).json().errors[0].path).toBe('/body/done');
    expect((await tick(me, 'no-such-step', RESOURCE, true)).statusCode).toBe(404);
  });
});

describe('notes and checks across roadmap versions, the export and deletion', () => {
  it('survive a renamed step, are in the export, and go with the account', async () => {
    const me = await signUp(t.app);
    await save(me, 'pull-requests', 'Small PRs get reviewed');
    const { files } = await readContentDir(t.config.contentDir);
    const source = structuredClone(
      files.find((f) => f.source.slug === 'git-essentials')!.source,
    ) as RoadmapSource;
    const step = source.layers.flatMap((l) => l.steps).find((s) => s.slug === 'pull-requests')!;
    const url = step.resources[0]!.url;
    await t.app.inject({
      method: 'PUT',
      url: `${GIT}/steps/pull-requests/resources`,
      headers: me.auth,
      payload: { url, done: true },
    });
    step.slug = 'reviews-and-pull-requests';
    expect((await t.app.services.roadmaps.importSource(source)).outcome).toBe('updated');

    const moved = await t.app.inject({ url: noteUrl('reviews-and-pull-requests'), headers: me.auth });
    expect(moved.json()).toMatchObject({
      stepSlug: 'reviews-and-pull-requests',
      body: 'Small PRs get reviewed',
    });
    const summary = (await t.app.inject({ url: `${GIT}/progress`, headers: me.auth })).json();
    expect(summary.resourcesDone).toEqual({ 'reviews-and-pull-requests': [url] });

    const exported = (await t.app.inject({ url: '/api/v1/me/export', headers: me.auth })).json();
    expect(exported.notes).toEqual([
      expect.objectContaining({ stepSlug: 'reviews-and-pull-requests', body: 'Small PRs get reviewed' }),
    ]);
    expect(exported.resourceChecks).toEqual([
      expect.objectContaining({ stepSlug: 'reviews-and-pull-requests', url }),
    ]);
  });
});

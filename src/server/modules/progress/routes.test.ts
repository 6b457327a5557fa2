import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { progress, steps } from '../../db/schema.ts';
import { readContentDir } from '../roadmaps/files.ts';
import type { RoadmapSource } from '../roadmaps/schemas.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const BACKEND = '/api/v1/me/roadmaps/backend-developer';
const REQUIRED_TO_MILESTONE = [
  'language-fundamentals',
  'oop-and-design-patterns',
  'postgresql',
  'rest-apis',
  'auth-and-security',
];

function put(who: SignedUp, stepSlug: string, status: string, roadmap = 'backend-developer') {
  return t.app.inject({
    method: 'PUT',
    url: `/api/v1/me/roadmaps/${roadmap}/steps/${stepSlug}`,
    headers: who.auth,
    payload: { status },
  });
}

async function summary(who: SignedUp, roadmap = 'backend-developer') {
  const res = await t.app.inject({ url: `/api/v1/me/roadmaps/${roadmap}/progress`, headers: who.auth });
  expect(res.statusCode).toBe(200);
  return res.json();
}

async function row(who: SignedUp, stepSlug: string) {
  const [r] = await t.db.primary
    .select({ status: progress.status, updatedAt: progress.updatedAt, completedAt: progress.completedAt })
    .from(progress)
    .innerJoin(steps, eq(steps.id, progress.stepId))
    .where(and(eq(progress.userId, who.user.id), eq(steps.slug, stepSlug)));
  return r;
}

describe('step progress', () => {
  it('sets each status, is idempotent, and keeps completedAt only while done', async () => {
    const me = await signUp(t.app);
    const first = await put(me, 'postgresql', 'in_progress');
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({
      stepSlug: 'postgresql',
      status: 'in_progress',
      updatedAt: expect.any(String),
    });
    expect((await row(me, 'postgresql'))!.completedAt).toBeNull();

    const done = (await put(me, 'postgresql', 'done')).json();
    const completedAt = (await row(me, 'postgresql'))!.completedAt;
    expect(completedAt).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 10));
    const again = (await put(me, 'postgresql', 'done')).json();
    expect(again).toEqual(done); // nothing changed, not even the time
    expect((await row(me, 'postgresql'))!.completedAt).toEqual(completedAt);

    expect((await put(me, 'postgresql', 'skipped')).json().status).toBe('skipped');
    expect((await row(me, 'postgresql'))!.completedAt).toBeNull();
    expect((await put(me, 'postgresql', 'todo')).json().status).toBe('todo');
  });

  it('answers 404 for an unknown roadmap or step and 400 naming the allowed statuses', async () => {
    const me = await signUp(t.app);
    expect((await put(me, 'postgresql', 'done', 'no-such-roadmap')).statusCode).toBe(404);
    expect((await put(me, 'no-such-step', 'done')).statusCode).toBe(404);
    // A step of another roadmap is not a step of this one.
    expect((await put(me, 'commits-and-history', 'done')).statusCode).toBe(404);
    const bad = await put(me, 'postgresql', 'finished');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { path: '/body/status', message: 'must be one of: todo, in_progress, done, skipped' },
    ]);
    const unauth = await t.app.inject({
      method: 'PUT',
      url: `${BACKEND}/steps/postgresql`,
      payload: { status: 'done' },
    });
    expect(unauth.statusCode).toBe(401);
  });

  it('keeps every one of many concurrent writes by one learner', async () => {
    const me = await signUp(t.app);
    const slugs = [...REQUIRED_TO_MILESTONE, 'caching-with-redis', 'testing-and-ci'];
    const results = await Promise.all(slugs.map((slug) => put(me, slug, 'done')));
    expect(results.map((r) => r.statusCode)).toEqual(slugs.map(() => 200));
    expect((await summary(me)).doneCount).toBe(slugs.length);
  });
});

describe('the progress summary', () => {
  it('starts empty: every step todo, the first step next, no milestone reached', async () => {
    const me = await signUp(t.app);
    const s = await summary(me);
    expect(s).toMatchObject({
      roadmapSlug: 'backend-developer',
      doneCount: 0,
      stepCount: 10,
      percent: 0,
      requiredDoneCount: 0,
      requiredCount: 7,
      requiredPercent: 0,
      nextStep: { slug: 'language-fundamentals', title: 'Language fundamentals', required: true },
      milestones: [{ slug: 'secured-rest-api', reached: false, reachedAt: null }],
      updatedAt: null,
    });
    expect(Object.keys(s.steps)).toHaveLength(10);
    expect(new Set(Object.values(s.steps))).toEqual(new Set(['todo']));
  });

  it('counts all and required steps, skips done and skipped for the next step, and reaches the milestone', async () => {
    const me = await signUp(t.app);
    await put(me, 'language-fundamentals', 'done');
    await put(me, 'oop-and-design-patterns', 'skipped');
    await put(me, 'caching-with-redis', 'done'); // optional
    let s = await summary(me);
    expect(s).toMatchObject({ doneCount: 2, percent: 20, requiredDoneCount: 1, requiredPercent: 14 });
    expect(s.nextStep.slug).toBe('postgresql');
    expect(s.milestones[0].reached).toBe(false);

    for (const slug of REQUIRED_TO_MILESTONE) await put(me, slug, 'done');
    s = await summary(me);
    expect(s).toMatchObject({ doneCount: 6, percent: 60, requiredDoneCount: 5, requiredPercent: 71 });
    expect(s.nextStep).toEqual({
      slug: 'system-design-basics',
      title: 'System design basics',
      required: false,
    });
    const lastDone = await row(me, 'auth-and-security');
    expect(s.milestones[0]).toEqual({
      slug: 'secured-rest-api',
      title: expect.any(String),
      reached: true,
      reachedAt: lastDone!.completedAt!.toISOString(),
    });

    // Undoing a required step before the milestone un-reaches it.
    await put(me, 'rest-apis', 'in_progress');
    expect((await summary(me)).milestones[0]).toMatchObject({ reached: false, reachedAt: null });
  });

  it('has nextStep null when every step is done or skipped', async () => {
    const me = await signUp(t.app);
    const doc = (await t.app.inject({ url: '/api/v1/roadmaps/git-essentials' })).json();
    for (const layer of doc.layers)
      for (const step of layer.steps) await put(me, step.slug, 'skipped', 'git-essentials');
    expect((await summary(me, 'git-essentials')).nextStep).toBeNull();
  });

  it('is 404 for an unknown roadmap', async () => {
    const me = await signUp(t.app);
    const res = await t.app.inject({ url: '/api/v1/me/roadmaps/nope/progress', headers: me.auth });
    expect(res.statusCode).toBe(404);
  });

  it('belongs to each learner alone', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await put(a, 'postgresql', 'done');
    expect((await summary(b)).doneCount).toBe(0);
    expect((await summary(a)).doneCount).toBe(1);
  });
});

describe('GET /api/v1/me/roadmaps', () => {
  it('lists the roadmaps with progress, most recently touched first', async () => {
    const me = await signUp(t.app);
    expect((await t.app.inject({ url: '/api/v1/me/roadmaps', headers: me.auth })).json()).toEqual({
      items: [],
    });
    await put(me, 'postgresql', 'done');
    await new Promise((r) => setTimeout(r, 5));
    await put(me, 'commits-and-history', 'in_progress', 'git-essentials');
    let items = (await t.app.inject({ url: '/api/v1/me/roadmaps', headers: me.auth })).json().items;
    expect(items.map((i: { roadmapSlug: string }) => i.roadmapSlug)).toEqual([
      'git-essentials',
      'backend-developer',
    ]);
    expect(items[1]).toMatchObject({ doneCount: 1, stepCount: 10 });
    await new Promise((r) => setTimeout(r, 5));
    await put(me, 'rest-apis', 'done');
    items = (await t.app.inject({ url: '/api/v1/me/roadmaps', headers: me.auth })).json().items;
    expect(items[0].roadmapSlug).toBe('backend-developer');
  });
});

describe('progress across roadmap versions', () => {
  it('survives renamed and moved steps, and a removed step stops counting but stays in the export', async () => {
    const me = await signUp(t.app);
    await put(me, 'postgresql', 'done');
    await put(me, 'caching-with-redis', 'done');
    await put(me, 'data-structures-and-algorithms', 'done');

    const { files } = await readContentDir(t.config.contentDir);
    const source = structuredClone(
      files.find((f) => f.source.slug === 'backend-developer')!.source,
    ) as RoadmapSource;
    const [, data, scale] = source.layers;
    // Rename the PostgreSQL step, move Redis to the front of layer 3's end, drop DSA.
    const pg = data!.steps.find((s) => s.slug === 'postgresql')!;
    pg.slug = 'sql-and-postgresql';
    const redis = scale!.steps.shift()!;
    scale!.steps = scale!.steps.filter((s) => s.slug !== 'data-structures-and-algorithms');
    scale!.steps.push(redis);
    source.milestones[0]!.afterStep = 'auth-and-security';
    const result = await t.app.services.roadmaps.importSource(source);
    expect(result.outcome).toBe('updated');

    const s = await summary(me);
    expect(s.stepCount).toBe(9);
    expect(s.doneCount).toBe(2);
    expect(s.steps['sql-and-postgresql']).toBe('done');
    expect(s.steps['caching-with-redis']).toBe('done');
    expect(s.steps).not.toHaveProperty('data-structures-and-algorithms');

    const exported = (await t.app.inject({ url: '/api/v1/me/export', headers: me.auth })).json();
    expect(exported.progress).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          stepSlug: 'data-structures-and-algorithms',
          stepRetired: true,
          status: 'done',
        }),
        expect.objectContaining({ stepSlug: 'sql-and-postgresql', stepRetired: false, status: 'done' }),
      ]),
    );
  });
});

import { readFile } from 'node:fs/promises';
import { sql } from 'drizzle-orm';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { roadmaps, roadmapVersions, steps } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import type { RoadmapDocument, RoadmapSource } from './schemas.ts';

let t: TestApp;
let git: RoadmapSource;
beforeEach(async () => {
  t = await createTestApp();
  git = parse(await readFile('content/roadmaps/git-essentials.yaml', 'utf8')) as RoadmapSource;
});
afterEach(async () => t.close());

const service = () => t.app.services.roadmaps;
const fetchDoc = async (slug: string) => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/roadmaps/${slug}` });
  return { etag: res.headers.etag as string, doc: res.json() as RoadmapDocument, status: res.statusCode };
};
const count = async (table: typeof roadmaps | typeof roadmapVersions | typeof steps) => {
  const [row] = await t.db.primary.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(table);
  return row!.n;
};

describe('importing roadmap content', () => {
  it('writes nothing for unchanged content, whatever the key order', async () => {
    const before = await count(roadmapVersions);
    const reordered = Object.fromEntries(Object.entries(git).reverse()) as RoadmapSource;
    expect(await service().importSource(reordered)).toEqual({
      slug: 'git-essentials',
      version: 1,
      outcome: 'unchanged',
    });
    expect(await count(roadmapVersions)).toBe(before);
  });

  it('publishes a changed roadmap as a new version with a new ETag, at once', async () => {
    const before = await fetchDoc('git-essentials'); // also fills the cache
    git.title = 'Git Essentials, revised';
    expect(await service().importSource(git)).toEqual({
      slug: 'git-essentials',
      version: 2,
      outcome: 'updated',
    });
    const after = await fetchDoc('git-essentials');
    expect(after.doc.version).toBe(2);
    expect(after.doc.title).toBe('Git Essentials, revised');
    expect(after.etag).not.toBe(before.etag);
    const list = (await t.app.inject({ url: '/api/v1/roadmaps?q=git' })).json() as {
      items: { title: string }[];
    };
    expect(list.items[0]!.title).toBe('Git Essentials, revised');
  });

  it('keeps step identity through renames and moves, and retires removed steps', async () => {
    const [first, second] = git.layers[0]!.steps;
    // Rename one step, swap the slugs of two others, move one to the other layer, drop one.
    first!.slug = 'recording-changes';
    const [remotes, pullRequests] = git.layers[1]!.steps;
    [remotes!.slug, pullRequests!.slug] = [pullRequests!.slug, remotes!.slug];
    git.layers[0]!.steps = [first!];
    git.layers[1]!.steps = [second!, remotes!]; // pull-requests' old step (h5xatz8fnx) is gone
    git.milestones[0]!.afterStep = 'recording-changes';
    await service().importSource(git);

    const { doc } = await fetchDoc('git-essentials');
    const live = doc.layers.flatMap((l) => l.steps.map((s) => [s.id, s.slug, s.position, l.slug]));
    expect(live).toEqual([
      ['2crer07b3i', 'recording-changes', 1, 'on-your-own'],
      ['6tmnielwuv', 'branches-and-merging', 2, 'with-a-team'],
      ['0k29hjf8rd', 'pull-requests', 3, 'with-a-team'],
    ]);
    const retired = await t.db.primary
      .select({ id: steps.id, retiredAt: steps.retiredAt })
      .from(steps)
      .where(sql`${steps.id} = 'h5xatz8fnx'`);
    expect(retired).toEqual([{ id: 'h5xatz8fnx', retiredAt: expect.any(Date) }]);
    // Old addresses follow the step id: "remotes" is now called "pull-requests", and the first
    // step's old slug leads to its new one.
    const renamed = await t.app.inject({ url: '/api/v1/roadmaps/git-essentials/steps/remotes' });
    expect([renamed.statusCode, renamed.headers.location]).toEqual([
      301,
      '/api/v1/roadmaps/git-essentials/steps/pull-requests',
    ]);
    const firstOld = await t.app.inject({ url: '/api/v1/roadmaps/git-essentials/steps/commits-and-history' });
    expect(firstOld.headers.location).toBe('/api/v1/roadmaps/git-essentials/steps/recording-changes');
    const moved = await t.app.inject({ url: '/api/v1/roadmaps/git-essentials/steps/pull-requests' });
    expect(moved.json()).toMatchObject({ id: '0k29hjf8rd', title: 'Remotes, push and pull' });
  });

  it('brings a retired step back under its old id', async () => {
    const dropped = git.layers[1]!.steps.pop()!;
    await service().importSource(git);
    git.layers[1]!.steps.push(dropped);
    await service().importSource(git);
    const step = await t.app.inject({ url: '/api/v1/roadmaps/git-essentials/steps/pull-requests' });
    expect(step.json()).toMatchObject({ id: 'h5xatz8fnx', position: 4 });
  });

  it('refuses a step id owned by another roadmap and writes nothing at all', async () => {
    const counts = [await count(roadmaps), await count(roadmapVersions), await count(steps)];
    const before = await fetchDoc('git-essentials');
    git.title = 'Would be version 2';
    git.layers[0]!.steps[0]!.id = 'xmxq5y39sp'; // belongs to backend-developer
    const error = await service()
      .importSource(git)
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('conflict');
    expect([await count(roadmaps), await count(roadmapVersions), await count(steps)]).toEqual(counts);
    const after = await fetchDoc('git-essentials');
    expect(after.etag).toBe(before.etag);
    expect(after.doc.title).toBe('Git Essentials');
  });

  it('creates a new roadmap as version 1', async () => {
    const fresh = structuredClone(git);
    fresh.slug = 'git-two';
    fresh.layers.forEach((l) => l.steps.forEach((s, i) => (s.id = `${l.slug.replace(/-/g, '')}${i}x`)));
    expect(await service().importSource(fresh)).toEqual({ slug: 'git-two', version: 1, outcome: 'created' });
    expect((await fetchDoc('git-two')).doc.stepCount).toBe(4);
  });

  it('agrees with itself when several imports of the same change race', async () => {
    git.summary = 'Raced summary';
    const results = await Promise.all([1, 2, 3].map(() => service().importSource(structuredClone(git))));
    expect(results.map((r) => r.outcome).sort()).toEqual(['unchanged', 'unchanged', 'updated']);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set([2]));
  });
});

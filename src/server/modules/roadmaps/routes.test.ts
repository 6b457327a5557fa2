import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import type { RoadmapDocument, RoadmapList, StepDetail } from './schemas.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });

function expectProblem(res: Awaited<ReturnType<typeof get>>, status: number) {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  expect(res.body).not.toMatch(/\bat .+\.ts:\d+|select |insert /i); // no stack traces, no SQL
  return body as { errors?: { path: string; message: string }[]; detail: string };
}

describe('GET /api/v1/roadmaps/backend-developer — the seed roadmap, whole', () => {
  let doc: RoadmapDocument;
  beforeAll(async () => {
    const res = await get('/api/v1/roadmaps/backend-developer');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    doc = res.json();
  });

  it('has the title, summary, intro and call to action', () => {
    expect(doc).toMatchObject({ slug: 'backend-developer', title: 'Backend Developer', status: 'published' });
    expect(doc.version).toBeGreaterThanOrEqual(1);
    expect(doc.summary).toMatch(/REST APIs/);
    expect(doc.intro).toMatch(/best-paid/);
    expect(doc.introHtml).toMatch(/^<p>/);
    expect(doc.callToAction.title).toBe('Ready to start your journey?');
    expect(doc.callToAction.text).toMatch(/Consistency beats intensity — just 30 minutes a day/);
  });

  it('has three layers with the ten steps in the seed order, flags and positions', () => {
    expect(doc.layers.map((l) => l.title)).toEqual(['Language & OOP', 'Data & APIs', 'Scale & Reliability']);
    const steps = doc.layers.flatMap((l) => l.steps.map((s) => ({ layer: l.slug, ...s })));
    expect(steps.map((s) => [s.slug, s.required, s.position, s.layer])).toEqual([
      ['language-fundamentals', true, 1, 'language-and-oop'],
      ['oop-and-design-patterns', true, 2, 'language-and-oop'],
      ['postgresql', true, 3, 'data-and-apis'],
      ['rest-apis', true, 4, 'data-and-apis'],
      ['auth-and-security', true, 5, 'data-and-apis'],
      ['caching-with-redis', false, 6, 'scale-and-reliability'],
      ['system-design-basics', false, 7, 'scale-and-reliability'],
      ['data-structures-and-algorithms', false, 8, 'scale-and-reliability'],
      ['testing-and-ci', true, 9, 'scale-and-reliability'],
      ['containers-and-deployment', true, 10, 'scale-and-reliability'],
    ]);
    expect(doc.stepCount).toBe(10);
    expect(doc.requiredStepCount).toBe(7);
    for (const step of steps) {
      expect(step.id).toMatch(/^[a-z0-9]{6,32}$/);
      expect(step.estimatedHours).toBeGreaterThan(0);
      expect(step.resources.length).toBeGreaterThanOrEqual(3);
      for (const r of step.resources) expect(r.url).toMatch(/^https:\/\//);
    }
    expect(new Set(steps.map((s) => s.id)).size).toBe(10);
    expect(doc.estimatedHours).toBe(steps.reduce((sum, s) => sum + s.estimatedHours, 0));
  });

  it('carries the seed facts in the step summaries', () => {
    const summary = (slug: string) =>
      doc.layers.flatMap((l) => l.steps).find((s) => s.slug === slug)!.summary;
    expect(summary('language-fundamentals')).toMatch(/Python, Node\.js or Java/);
    expect(summary('oop-and-design-patterns')).toMatch(/SOLID.*Factory, Repository and Singleton/s);
    expect(summary('postgresql')).toMatch(/DDL and DML, JOINs, indexes, foreign keys, transactions/);
    expect(summary('rest-apis')).toMatch(/status codes, versioning, pagination\s+and OpenAPI\/Swagger/);
    expect(summary('auth-and-security')).toMatch(
      /bcrypt.*JWT.*OAuth 2\.0.*rate\s+limiting.*input validation/s,
    );
    expect(summary('caching-with-redis')).toMatch(/cache-aside.*TTL.*session storage, pub\/sub/s);
    expect(summary('system-design-basics')).toMatch(
      /CAP theorem.*load balancers.*replication.*message queues/s,
    );
    expect(summary('data-structures-and-algorithms')).toMatch(/LeetCode-style.*time complexity/s);
    expect(summary('testing-and-ci')).toMatch(
      /Unit and integration tests.*TDD.*code reviews, linting and CI/s,
    );
    expect(summary('containers-and-deployment')).toMatch(
      /Docker.*Railway, Render or AWS.*environment variables/s,
    );
  });

  it('has the milestone after the auth step', () => {
    expect(doc.milestones).toEqual([
      expect.objectContaining({
        slug: 'secured-rest-api',
        afterStep: 'auth-and-security',
        description: expect.stringMatching(/secured, database-backed REST API with proper error handling/),
      }),
    ]);
  });

  it('has both comparison tables with every row and column of the seed', () => {
    const [apis, dbs] = doc.comparisons;
    expect(apis!.columns).toEqual(['Attribute', 'REST', 'GraphQL', 'gRPC']);
    expect(apis!.rows).toEqual([
      ['Protocol', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/2'],
      ['Data Format', 'JSON', 'JSON', 'Protocol Buffers'],
      ['Over-fetching', 'Common', 'Eliminated', 'None'],
      ['Learning Curve', 'Low', 'Medium', 'High'],
      ['Best For', 'Public APIs', 'Complex UIs', 'Microservices'],
      ['Tooling', 'Excellent', 'Good', 'Growing'],
    ]);
    expect(dbs!.columns).toEqual(['Database', 'Type', 'Best For', 'Scaling']);
    expect(dbs!.rows).toEqual([
      ['PostgreSQL', 'Relational', 'Complex queries, ACID', 'Vertical + read replicas'],
      ['MySQL', 'Relational', 'Web apps, WordPress', 'Horizontal sharding'],
      ['MongoDB', 'Document', 'Flexible schemas', 'Horizontal sharding'],
      ['Redis', 'Key-Value', 'Caching, sessions', 'Cluster mode'],
      ['SQLite', 'Embedded', 'Local / testing', 'Single node'],
    ]);
  });

  it('has the four FAQ entries with their facts', () => {
    expect(doc.faq.map((f) => f.question)).toEqual([
      'Which language should I learn for backend development?',
      'Should I learn SQL or NoSQL first?',
      'Should I learn REST or GraphQL?',
      'How important is system design?',
    ]);
    const [language, database, api, design] = doc.faq.map((f) => f.answer);
    expect(language).toMatch(/Python.*FastAPI.*Node\.js.*Java.*Spring Boot.*pick Python/s);
    expect(database).toMatch(/PostgreSQL.*80%.*Do not skip SQL/s);
    expect(api).toMatch(/REST first.*over-fetching/s);
    expect(design).toMatch(/even for junior roles.*senior and staff/s);
    for (const f of doc.faq) expect(f.answerHtml).toMatch(/^<p>/);
  });
});

describe('ETag and conditional requests', () => {
  it('answers 304 to a matching If-None-Match, weak or strong, and 200 to a stale one', async () => {
    const first = await get('/api/v1/roadmaps/backend-developer');
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"\d+-[\w-]+"$/);
    const same = await get('/api/v1/roadmaps/backend-developer', { 'if-none-match': etag });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    expect(same.headers.etag).toBe(etag);
    expect(
      (await get('/api/v1/roadmaps/backend-developer', { 'if-none-match': `W/${etag}` })).statusCode,
    ).toBe(304);
    expect(
      (await get('/api/v1/roadmaps/backend-developer', { 'if-none-match': `"x", ${etag}` })).statusCode,
    ).toBe(304);
    expect((await get('/api/v1/roadmaps/backend-developer', { 'if-none-match': '*' })).statusCode).toBe(304);
    const stale = await get('/api/v1/roadmaps/backend-developer', { 'if-none-match': '"0-stale"' });
    expect(stale.statusCode).toBe(200);
    expect(stale.body).toBe(first.body);
  });

  it('serves the same bytes from the cache as from the database', async () => {
    await t.cache.deletePrefix('');
    const cold = await get('/api/v1/roadmaps/git-essentials');
    const warm = await get('/api/v1/roadmaps/git-essentials');
    expect(warm.body).toBe(cold.body);
    expect(warm.headers.etag).toBe(cold.headers.etag);
  });
});

describe('GET /api/v1/roadmaps — the catalog', () => {
  it('lists every published roadmap with counts, in slug order', async () => {
    const res = await get('/api/v1/roadmaps');
    expect(res.statusCode).toBe(200);
    const body: RoadmapList = res.json();
    expect(body.items.map((i) => i.slug)).toEqual([
      'backend-developer',
      'git-essentials',
      'linux-command-line',
    ]);
    expect(body.items[0]).toMatchObject({ stepCount: 10, requiredStepCount: 7, title: 'Backend Developer' });
    expect(body.items[0]!.estimatedHours).toBeGreaterThan(0);
    expect(Date.parse(body.items[0]!.updatedAt)).not.toBeNaN();
    expect(body.nextCursor).toBeNull();
  });

  it('pages with limit and cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await get(`/api/v1/roadmaps?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const body: RoadmapList = res.json();
      expect(body.items).toHaveLength(1);
      seen.push(body.items[0]!.slug);
      cursor = body.nextCursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['backend-developer', 'git-essentials', 'linux-command-line']);
    expect(cursor).toBeNull();
  });

  it('gives a null nextCursor when the page ends exactly at the last item', async () => {
    const body: RoadmapList = (await get('/api/v1/roadmaps?limit=3')).json();
    expect(body.items).toHaveLength(3);
    expect(body.nextCursor).toBeNull();
    const two: RoadmapList = (await get('/api/v1/roadmaps?limit=2')).json();
    const rest: RoadmapList = (await get(`/api/v1/roadmaps?limit=2&cursor=${two.nextCursor}`)).json();
    expect(rest.items.map((i) => i.slug)).toEqual(['linux-command-line']);
    expect(rest.nextCursor).toBeNull();
  });

  it('filters with q over titles, summaries and steps', async () => {
    const git: RoadmapList = (await get('/api/v1/roadmaps?q=git')).json();
    expect(git.items.map((i) => i.slug)).toEqual(['git-essentials']);
    const redis: RoadmapList = (await get('/api/v1/roadmaps?q=redis')).json();
    expect(redis.items.map((i) => i.slug)).toEqual(['backend-developer']);
    const none: RoadmapList = (await get('/api/v1/roadmaps?q=kubernetesxyz')).json();
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it.each([
    ['limit=0', '/querystring/limit'],
    ['limit=101', '/querystring/limit'],
    ['limit=abc', '/querystring/limit'],
    ['limit=1.5', '/querystring/limit'],
    ['cursor=not-a-cursor', '/querystring/cursor'],
    [`cursor=${Buffer.from('{"after":5}').toString('base64url')}`, '/querystring/cursor'],
    [`q=${'x'.repeat(201)}`, '/querystring/q'],
  ])('rejects %s with a problem naming %s', async (query, path) => {
    const body = expectProblem(await get(`/api/v1/roadmaps?${query}`), 400);
    expect(body.errors?.map((e) => e.path)).toContain(path);
  });
});

describe('GET /api/v1/roadmaps/{slug}/steps/{stepSlug}', () => {
  it('returns the step with its Markdown body rendered to HTML', async () => {
    const res = await get('/api/v1/roadmaps/backend-developer/steps/postgresql');
    expect(res.statusCode).toBe(200);
    const step: StepDetail = res.json();
    expect(step).toMatchObject({
      slug: 'postgresql',
      roadmapSlug: 'backend-developer',
      required: true,
      position: 3,
      layer: { slug: 'data-and-apis', title: 'Data & APIs' },
    });
    expect(step.body).toMatch(/\*\*Transactions\*\*/);
    expect(step.bodyHtml).toMatch(/<strong>Transactions<\/strong>/);
    expect(step.bodyHtml).toMatch(/<code>EXPLAIN ANALYZE<\/code>/);
    expect(step.resources.map((r) => r.url)).toContain(
      'https://www.postgresql.org/docs/current/tutorial.html',
    );
  });

  it('answers 404 for an unknown step or roadmap, and 400 for a malformed slug', async () => {
    expectProblem(await get('/api/v1/roadmaps/backend-developer/steps/nope'), 404);
    expectProblem(await get('/api/v1/roadmaps/nope/steps/postgresql'), 404);
    const bad = expectProblem(await get('/api/v1/roadmaps/backend-developer/steps/Bad_Slug'), 400);
    expect(bad.errors?.[0]?.path).toBe('/params/stepSlug');
  });
});

describe('unknown and malformed roadmap slugs', () => {
  it('answers 404 problem+json for an unknown slug', async () => {
    const body = expectProblem(await get('/api/v1/roadmaps/no-such-roadmap'), 404);
    expect(body.detail).toMatch(/no-such-roadmap/);
  });

  it('answers 400 naming the parameter for a malformed slug', async () => {
    const body = expectProblem(await get('/api/v1/roadmaps/UPPER%20case'), 400);
    expect(body.errors).toEqual([{ path: '/params/slug', message: expect.any(String) }]);
  });
});

describe('GET /api/v1/search', () => {
  it('finds steps by words in their bodies, with a plain-text snippet', async () => {
    const res = await get('/api/v1/search?q=normalisation');
    expect(res.statusCode).toBe(200);
    const { items } = res.json() as { items: { kind: string; stepSlug?: string; snippet: string }[] };
    expect(items.length).toBeGreaterThan(0);
    expect(items.map((i) => i.stepSlug)).toContain('postgresql');
    const hit = items.find((i) => i.stepSlug === 'postgresql')!;
    expect(hit).toMatchObject({ kind: 'step', roadmapSlug: 'backend-developer', title: 'SQL & PostgreSQL' });
    expect(hit.snippet).toMatch(/«normalisation»/i);
    expect(hit.snippet).not.toMatch(/\*\*|`/);
  });

  it('finds roadmaps by title and ranks stemmed matches', async () => {
    const { items } = (await get('/api/v1/search?q=commits')).json() as {
      items: { kind: string; stepSlug?: string }[];
    };
    expect(items.some((i) => i.kind === 'step' && i.stepSlug === 'commits-and-history')).toBe(true);
    const roadmaps = (await get('/api/v1/search?q=backend%20developer')).json() as {
      items: { kind: string }[];
    };
    expect(roadmaps.items[0]).toMatchObject({ kind: 'roadmap', roadmapSlug: 'backend-developer' });
  });

  it('returns no items for stop words only, and 400 without q', async () => {
    expect((await get('/api/v1/search?q=the')).json()).toEqual({ items: [] });
    const body = expectProblem(await get('/api/v1/search'), 400);
    expect(body.errors?.[0]?.path).toBe('/querystring/q');
  });

  it('respects limit', async () => {
    const { items } = (await get('/api/v1/search?q=docker&limit=1')).json() as { items: unknown[] };
    expect(items).toHaveLength(1);
  });
});

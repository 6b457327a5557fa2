// The one rule for every value a client sends, through the real app: each case here answered
// 500 (or, for coercion, silently meant something else) before the rule moved to the schema
// layer. The fuzz test (test/fuzz) throws far more at every operation; these name the cases.
import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../test/helpers/auth.ts';

let t: TestApp;
let me: SignedUp;
beforeAll(async () => {
  t = await createTestApp();
  me = await signUp(t.app);
});
afterAll(async () => t.close());

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown },
  path: string,
) {
  expect(res.statusCode).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json() as { errors?: { path: string; message: string }[] };
  expect(body.errors?.map((e) => e.path)).toContain(path);
  return body;
}

describe('every string', () => {
  it.each([
    ['search', '/api/v1/search?q=a%00b', '/querystring/q'],
    ['catalog q', '/api/v1/roadmaps?q=%00', '/querystring/q'],
  ])('refuses NUL and unpaired surrogates: %s', async (_name, url, path) => {
    await expectProblem(await t.app.inject({ url }), path);
  });

  it('refuses NUL in sign-up, the profile and a study note, naming the field', async () => {
    await expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: {
          email: 'x@example.com',
          password: 'correct horse battery staple',
          displayName: 'A\u0000B',
        },
      }),
      '/body/displayName',
    );
    await expectProblem(
      await t.app.inject({
        method: 'PATCH',
        url: '/api/v1/me',
        headers: me.auth,
        payload: { displayName: 'A\u0000' },
      }),
      '/body/displayName',
    );
    await expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/study-sessions',
        headers: me.auth,
        payload: { minutes: 10, note: 'nul \u0000 here' },
      }),
      '/body/note',
    );
    await expectProblem(
      await t.app.inject({
        method: 'POST',
        url: '/api/v1/me/study-sessions',
        headers: me.auth,
        payload: { minutes: 10, note: 'half a pair \ud800' },
      }),
      '/body/note',
    );
  });

  it('refuses control characters and line breaks in single-line fields, not in multi-line ones', async () => {
    for (const displayName of ['bell\u0007', 'two\nlines', 'tab\there', 'sep\u2028arator', 'c1\u0085']) {
      await expectProblem(
        await t.app.inject({
          method: 'PATCH',
          url: '/api/v1/me',
          headers: me.auth,
          payload: { displayName },
        }),
        '/body/displayName',
      );
    }
    const note = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 10, note: 'line one\nline two\twith a tab, and 🎓' },
    });
    expect(note.statusCode).toBe(201);
    const bell = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 10, note: 'bell \u0007' },
    });
    const problem = await expectProblem(bell, '/body/note');
    expect(JSON.stringify(problem)).toMatch(/control characters/);
  });

  it('keeps the SVG card valid XML and emoji whole, whatever the display name held before the rule', async () => {
    const owner = await signUp(t.app);
    await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: owner.auth,
      payload: { handle: `card-${owner.user.id.slice(0, 8)}`, publicProfile: true },
    });
    // A name stored before today's rules, straight into the database.
    const { users } = await import('../db/schema.ts');
    const { eq } = await import('drizzle-orm');
    await t.db.primary
      .update(users)
      .set({ displayName: `Ada\u0001\u0008 ${'🎓'.repeat(40)}` })
      .where(eq(users.id, owner.user.id));
    const res = await t.app.inject({ url: `/api/v1/users/card-${owner.user.id.slice(0, 8)}/card.svg` });
    expect(res.statusCode).toBe(200);
    expect(XMLValidator.validate(res.body)).toBe(true);
    expect(res.body.isWellFormed()).toBe(true);
  });
});

describe('JSON bodies are not coerced; numbers are finite; dates are real', () => {
  it.each([
    ['a boolean', '{"minutes": true}'],
    ['a hex string', '{"minutes": "0x10"}'],
    ['an array', '{"minutes": [5]}'],
    ['a numeric string', '{"minutes": "30"}'],
    ['an infinite number', '{"minutes": 1e309}'],
  ])('minutes as %s is 400', async (_name, payload) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: { ...me.auth, 'content-type': 'application/json' },
      payload,
    });
    await expectProblem(res, '/body/minutes');
  });

  it('coerces query strings, but refuses an infinite limit', async () => {
    expect((await t.app.inject({ url: '/api/v1/roadmaps?limit=2' })).json().items).toHaveLength(2);
    await expectProblem(await t.app.inject({ url: '/api/v1/roadmaps?limit=1e309' }), '/querystring/limit');
    await expectProblem(
      await t.app.inject({ url: '/api/v1/search?q=git&limit=-1e309' }),
      '/querystring/limit',
    );
  });

  it.each(['0000-01-01', '2024-02-30', '2023-13-01', '99999-01-01'])('refuses the date %s', async (date) => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 5, date },
    });
    await expectProblem(res, '/body/date');
    await expectProblem(
      await t.app.inject({ url: `/api/v1/me/study-sessions?from=${date}`, headers: me.auth }),
      '/querystring/from',
    );
  });
});

describe('cursors are checked completely before SQL', () => {
  it.each([
    [
      'a date that does not exist',
      cursor(['2024-13-45', '2024-01-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000']),
    ],
    ['a time that is not one', cursor(['2024-01-01', 'yesterday', '00000000-0000-4000-8000-000000000000'])],
    ['an id that is not a uuid', cursor(['2024-01-01', '2024-01-01T00:00:00.000Z', "x' or 1=1 --"])],
    ['NUL in a field', cursor(['2024-01-01', '2024-01-01T00:00:00.000Z', '\u0000'])],
    ['another shape', cursor({ after: 'x' })],
    ['not JSON', 'bm90IGpzb24'],
  ])('study log: %s → 400', async (_name, value) => {
    await expectProblem(
      await t.app.inject({ url: `/api/v1/me/study-sessions?cursor=${value}`, headers: me.auth }),
      '/querystring/cursor',
    );
  });

  it.each([
    ['NUL', cursor({ after: 'a\u0000' })],
    ['a number', cursor({ after: 1e308 })],
    ['an object', cursor({ after: { $gt: '' } })],
    ['a huge string', cursor({ after: 'x'.repeat(150) })],
  ])('catalog: %s → 400', async (_name, value) => {
    await expectProblem(
      await t.app.inject({ url: `/api/v1/roadmaps?cursor=${value}` }),
      '/querystring/cursor',
    );
  });
});

describe("the router's own refusals", () => {
  it('answers bad percent-encoding in a path with problem+json 400', async () => {
    for (const url of ['/api/v1/roadmaps/%E0%A4%A', '/api/v1/roadmaps/%zz', '/api/v1/roadmaps/%c3%28']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('answers a path parameter over 100 characters with problem+json', async () => {
    const res = await t.app.inject({ url: `/api/v1/roadmaps/${'a'.repeat(150)}` });
    expect(res.statusCode).toBe(414);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 414, title: 'URI too long' });
  });
});

describe('the schemas themselves', () => {
  it('give every string a client sends a format, a pattern or a list of values', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json() as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: { name: string; in: string; schema: object }[];
            requestBody?: { content: Record<string, { schema: object }> };
          }
        >
      >;
      components: { schemas: Record<string, object> };
    };
    const loose: string[] = [];
    const seen = new Set<object>();
    const walk = (schema: unknown, where: string) => {
      if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
      seen.add(schema);
      const s = schema as Record<string, unknown>;
      if (typeof s.$ref === 'string') {
        walk(doc.components.schemas[s.$ref.replace('#/components/schemas/', '')], where);
        return;
      }
      const types = [s.type].flat();
      if (types.includes('string') && !s.format && !s.pattern && !s.enum && s.const === undefined)
        loose.push(where);
      for (const [key, value] of Object.entries(s)) {
        if (key === 'properties') {
          for (const [name, sub] of Object.entries(value as object)) walk(sub, `${where}/${name}`);
        } else if (typeof value === 'object') {
          walk(value, where);
        }
      }
    };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        for (const p of op.parameters ?? []) walk(p.schema, `${method} ${path} ${p.in}:${p.name}`);
        for (const c of Object.values(op.requestBody?.content ?? {}))
          walk(c.schema, `${method} ${path} body`);
      }
    }
    expect(loose).toEqual([]);
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { queryRows } from '../../db/client.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const patchMe = (who: SignedUp, payload: object) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: who.auth, payload });
const put = (who: SignedUp, step: string, status: string) =>
  t.app.inject({
    method: 'PUT',
    url: `/api/v1/me/roadmaps/backend-developer/steps/${step}`,
    headers: who.auth,
    payload: { status },
  });
const log = (who: SignedUp, minutes: number) =>
  t.app.inject({ method: 'POST', url: '/api/v1/me/study-sessions', headers: who.auth, payload: { minutes } });

describe('PATCH /api/v1/me', () => {
  it('changes name, time zone (canonical IANA), goal and handle', async () => {
    const me = await signUp(t.app);
    const res = await patchMe(me, {
      displayName: 'Ada L.',
      timezone: 'asia/tokyo',
      dailyGoalMinutes: 45,
      handle: `ada-${me.user.id.slice(0, 6)}`,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ displayName: 'Ada L.', timezone: 'Asia/Tokyo', dailyGoalMinutes: 45 });
    expect((await t.app.inject({ url: '/api/v1/me', headers: me.auth })).json().timezone).toBe('Asia/Tokyo');
  });

  it('refuses an unknown zone, a goal out of 5..600, an empty body and a public profile without handle', async () => {
    const me = await signUp(t.app);
    const cases: [object, string][] = [
      [{ timezone: 'Mars/Olympus_Mons' }, '/body/timezone'],
      [{ dailyGoalMinutes: 4 }, '/body/dailyGoalMinutes'],
      [{ dailyGoalMinutes: 601 }, '/body/dailyGoalMinutes'],
      [{ handle: 'No Spaces' }, '/body/handle'],
      [{ publicProfile: true }, '/body/handle'],
      [{ email: 'new@example.com' }, '/body/email'],
    ];
    for (const [payload, path] of cases) {
      const res = await patchMe(me, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await patchMe(me, {})).statusCode).toBe(400);
  });

  it('refuses a handle someone else has: 409', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const handle = `taken-${a.user.id.slice(0, 6)}`;
    expect((await patchMe(a, { handle })).statusCode).toBe(200);
    const res = await patchMe(b, { handle });
    expect(res.statusCode).toBe(409);
    expect(res.json().errors).toEqual([{ path: '/body/handle', message: 'is taken' }]);
  });
});

describe('export', () => {
  it('is one JSON download of the profile, progress and study log — of this user only', async () => {
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    await put(me, 'postgresql', 'done');
    await log(me, 30);
    await put(other, 'rest-apis', 'done');
    const res = await t.app.inject({ url: '/api/v1/me/export', headers: me.auth });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="waymark-export-\d{4}-\d{2}-\d{2}\.json"$/,
    );
    const body = res.json();
    expect(body).toMatchObject({
      format: 'waymark-export/1',
      user: { id: me.user.id, email: me.user.email },
    });
    expect(body.progress).toEqual([expect.objectContaining({ stepSlug: 'postgresql', status: 'done' })]);
    expect(body.studySessions).toEqual([expect.objectContaining({ minutes: 30 })]);
    expect(res.body).not.toMatch(/argon2|passwordHash/);
  });
});

describe('DELETE /api/v1/me', () => {
  it('removes the account and every row that refers to it, and its tokens stop working', async () => {
    const me = await signUp(t.app);
    await put(me, 'postgresql', 'done');
    await log(me, 30);
    // Notes, resource ticks and a plan: each must go too.
    const learning = [
      {
        url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql/note',
        payload: { body: `mine ${me.user.email}` },
      },
      {
        url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql/resources',
        payload: { url: 'https://www.postgresql.org/docs/current/tutorial.html', done: true },
      },
    ];
    for (const { url, payload } of learning)
      expect((await t.app.inject({ method: 'PUT', url, headers: me.auth, payload })).statusCode).toBe(200);
    await patchMe(me, { handle: `gone-${me.user.id.slice(0, 6)}`, publicProfile: true });
    const res = await t.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: me.auth });
    expect(res.statusCode).toBe(204);

    // Every table: no column anywhere holds the user's id or email any more.
    const columns = await queryRows<{ table_name: string; column_name: string; data_type: string }>(
      t.db.primary,
      sql`select table_name, column_name, data_type from information_schema.columns
          where table_schema = 'public' and data_type in ('uuid', 'text')`,
    );
    expect(columns.length).toBeGreaterThan(20);
    for (const c of columns) {
      const hits = await queryRows<{ n: number }>(
        t.db.primary,
        sql`select count(*)::int as n from ${sql.identifier(c.table_name)}
            where ${sql.identifier(c.column_name)}::text in (${me.user.id}, ${me.user.email})`,
      );
      expect(hits[0]!.n, `${c.table_name}.${c.column_name}`).toBe(0);
    }

    expect((await t.app.inject({ url: '/api/v1/me', headers: me.auth })).statusCode).toBe(401);
    const refresh = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/refresh',
      payload: { refreshToken: me.refreshToken },
    });
    expect(refresh.statusCode).toBe(401);
    // The email is free again.
    await signUp(t.app, { email: me.user.email });
  });
});

describe('public profiles', () => {
  it('are 404 until the learner opts in, then show roadmaps and streaks but never the email', async () => {
    const me = await signUp(t.app, { displayName: 'Grace <b>Hopper</b>' });
    const handle = `grace-${me.user.id.slice(0, 6)}`;
    await patchMe(me, { handle });
    await put(me, 'language-fundamentals', 'done');
    await log(me, 30);
    expect((await t.app.inject({ url: `/api/v1/users/${handle}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/v1/users/${handle}/card.svg` })).statusCode).toBe(404);

    await patchMe(me, { publicProfile: true });
    const res = await t.app.inject({ url: `/api/v1/users/${handle}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      handle,
      displayName: 'Grace <b>Hopper</b>',
      currentStreak: 1,
      longestStreak: 1,
      roadmaps: [
        { slug: 'backend-developer', title: 'Backend Developer', percent: 10, doneCount: 1, stepCount: 10 },
      ],
    });
    expect(res.body).not.toContain(me.user.email);

    const card = await t.app.inject({ url: `/api/v1/users/${handle}/card.svg` });
    expect(card.statusCode).toBe(200);
    expect(card.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(card.headers['cache-control']).toBe('public, max-age=10, stale-while-revalidate=30');
    expect(card.headers.etag).toMatch(/^"[\w-]+"$/);
    expect(card.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(card.body).toContain('Grace &lt;b&gt;Hopper&lt;/b&gt;');
    expect(card.body).not.toContain('<b>');
    expect(card.body).not.toMatch(/<script|onload=|href=/i);
    expect(card.body).toContain('10%');

    await patchMe(me, { publicProfile: false });
    expect((await t.app.inject({ url: `/api/v1/users/${handle}` })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/users/Not_A_Handle' })).statusCode).toBe(400);
  });
});

describe('export and deletion of everything a user owns', () => {
  it('exports identities, sessions, authored roadmaps with drafts and versions, and kept mail without its tokens', async () => {
    const me = await signUp(t.app);
    const { users, identities } = await import('../../db/schema.ts');
    const { eq } = await import('drizzle-orm');
    await t.db.primary.update(users).set({ role: 'author' }).where(eq(users.id, me.user.id));
    await t.db.primary
      .insert(identities)
      .values({ provider: 'github', subject: `gh-${me.user.id}`, userId: me.user.id, email: me.user.email });
    const { readContentDir } = await import('../roadmaps/files.ts');
    const { files } = await readContentDir(t.config.contentDir);
    const source = structuredClone(files[0]!.source);
    source.slug = `mine-${me.user.id.slice(0, 8)}`;
    source.layers.forEach((l) =>
      l.steps.forEach((s) => (s.id = `${s.id.slice(0, 10)}${me.user.id.slice(0, 8).replace(/-/g, '')}`)),
    );
    expect(
      (await t.app.inject({ method: 'POST', url: '/api/v1/roadmaps', headers: me.auth, payload: source }))
        .statusCode,
    ).toBe(201);
    const data = (await t.app.inject({ url: '/api/v1/me/export', headers: me.auth })).json();
    expect(data.identities).toEqual([
      expect.objectContaining({ provider: 'github', subject: `gh-${me.user.id}` }),
    ]);
    expect(data.sessions).toHaveLength(1);
    expect(JSON.stringify(data.sessions)).not.toMatch(/token/i);
    expect(data.authoredRoadmaps).toEqual([
      expect.objectContaining({
        slug: source.slug,
        status: 'draft',
        draft: expect.objectContaining({ slug: source.slug }),
      }),
    ]);
    expect(data.mail.map((m: { subject: string }) => m.subject)).toContain('Confirm your email for Waymark');
    expect(JSON.stringify(data.mail)).toMatch(/token=\(removed\)/);
    expect(JSON.stringify(data.mail)).not.toMatch(/token=[\w-]{20,}/);
  });

  it('deletes unpublished drafts with the account; published roadmaps stay for their learners, ownerless', async () => {
    const me = await signUp(t.app);
    const { users, roadmaps } = await import('../../db/schema.ts');
    const { eq } = await import('drizzle-orm');
    await t.db.primary.update(users).set({ role: 'author' }).where(eq(users.id, me.user.id));
    const { readContentDir } = await import('../roadmaps/files.ts');
    const { files } = await readContentDir(t.config.contentDir);
    const make = (suffix: string) => {
      const source = structuredClone(files[0]!.source);
      source.slug = `${suffix}-${me.user.id.slice(0, 8)}`;
      source.layers.forEach((l) =>
        l.steps.forEach(
          (s) => (s.id = `${suffix[0]}${s.id.slice(0, 9)}${me.user.id.slice(0, 8).replace(/-/g, '')}`),
        ),
      );
      return source;
    };
    const kept = make('kept');
    const draft = make('draft');
    for (const s of [kept, draft]) {
      expect(
        (await t.app.inject({ method: 'POST', url: '/api/v1/roadmaps', headers: me.auth, payload: s }))
          .statusCode,
      ).toBe(201);
    }
    expect(
      (await t.app.inject({ method: 'POST', url: `/api/v1/roadmaps/${kept.slug}/publish`, headers: me.auth }))
        .statusCode,
    ).toBe(200);
    const impact = (await t.app.inject({ url: '/api/v1/me/deletion', headers: me.auth })).json();
    expect(impact).toEqual({ publishedRoadmaps: [kept.slug], draftRoadmaps: [draft.slug] });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/v1/me', headers: me.auth })).statusCode).toBe(
      204,
    );
    expect((await t.app.inject({ url: `/api/v1/roadmaps/${kept.slug}` })).statusCode).toBe(200);
    const rows = await t.db.primary
      .select({ slug: roadmaps.slug, ownerId: roadmaps.ownerId })
      .from(roadmaps)
      .where(eq(roadmaps.slug, kept.slug));
    expect(rows).toEqual([{ slug: kept.slug, ownerId: null }]);
    expect(await t.db.primary.select().from(roadmaps).where(eq(roadmaps.slug, draft.slug))).toEqual([]);
  });
});

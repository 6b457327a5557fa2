// With DATABASE_READ_URL, public reads go to the replica and a learner's own reads to the
// primary. The "replica" here is a second database that never receives the primary's writes —
// the worst replication lag there is — so each read shows where it went.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { signUp } from '../../../test/helpers/auth.ts';
import { createTestDatabase } from '../../../test/helpers/db.ts';
import { openPostgres, type Database } from './client.ts';
import { roadmaps } from './schema.ts';

describe.runIf(process.env.DATABASE_URL)('a read replica', () => {
  let primary: Awaited<ReturnType<typeof createTestDatabase>>;
  let replica: Awaited<ReturnType<typeof createTestDatabase>>;
  let db: Database;
  let t: TestApp;
  beforeAll(async () => {
    primary = await createTestDatabase();
    replica = await createTestDatabase();
    db = openPostgres({ url: primary.url!, readUrl: replica.url!, poolSize: 3 });
    t = await createTestApp({}, { db });
  });
  afterAll(async () => {
    await t?.close();
    await db?.close();
    await primary?.close();
    await replica?.close();
  });

  it('serves public reads from the replica', async () => {
    await db.primary
      .update(roadmaps)
      .set({ title: 'Renamed on the primary only' })
      .where(eq(roadmaps.slug, 'git-essentials'));
    const list = (await t.app.inject({ url: '/api/v1/roadmaps?limit=100' })).json();
    const git = list.items.find((i: { slug: string }) => i.slug === 'git-essentials');
    expect(git.title).toBe('Git Essentials'); // the replica has not seen the rename
  });

  it("serves a learner's own reads from the primary, so their writes show at once", async () => {
    const me = await signUp(t.app); // the account exists on the primary only
    const put = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      headers: me.auth,
      payload: { status: 'done' },
    });
    expect(put.statusCode).toBe(200);
    const summary = await t.app.inject({
      url: '/api/v1/me/roadmaps/backend-developer/progress',
      headers: me.auth,
    });
    expect(summary.json()).toMatchObject({ doneCount: 1 });
    const me2 = await t.app.inject({ url: '/api/v1/me', headers: me.auth });
    expect(me2.statusCode).toBe(200);
    const log = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 20 },
    });
    expect(log.statusCode).toBe(201);
    expect((await t.app.inject({ url: '/api/v1/me/stats', headers: me.auth })).json().todayMinutes).toBe(20);
  });
});

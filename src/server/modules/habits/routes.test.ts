import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { studySessions } from '../../db/schema.ts';
import { addDays, localDate } from './calendar.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

function log(who: SignedUp, payload: object, key?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/me/study-sessions',
    headers: { ...who.auth, ...(key ? { 'idempotency-key': key } : {}) },
    payload,
  });
}

const patchMe = (who: SignedUp, payload: object) =>
  t.app.inject({ method: 'PATCH', url: '/api/v1/me', headers: who.auth, payload });

const stats = async (who: SignedUp) =>
  (await t.app.inject({ url: '/api/v1/me/stats', headers: who.auth })).json();

describe('logging study time', () => {
  it('records minutes for today in the learner’s own time zone, with an optional step and note', async () => {
    const me = await signUp(t.app);
    await patchMe(me, { timezone: 'Pacific/Kiritimati' }); // UTC+14: often "tomorrow" in UTC terms
    const res = await log(me, {
      minutes: 25,
      roadmapSlug: 'backend-developer',
      stepSlug: 'postgresql',
      note: '  joins and indexes ',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({
      id: expect.any(String),
      date: localDate(new Date(), 'Pacific/Kiritimati'),
      minutes: 25,
      roadmapSlug: 'backend-developer',
      stepSlug: 'postgresql',
      note: 'joins and indexes',
      createdAt: expect.any(String),
    });
  });

  it('refuses bad minutes, dates in the future or over a year back, and unknown steps — naming the field', async () => {
    const me = await signUp(t.app);
    const today = localDate(new Date(), 'UTC');
    const cases: [object, string][] = [
      [{ minutes: 0 }, '/body/minutes'],
      [{ minutes: 1441 }, '/body/minutes'],
      [{ minutes: 10, date: addDays(today, 1) }, '/body/date'],
      [{ minutes: 10, date: addDays(today, -366) }, '/body/date'],
      [{ minutes: 10, date: '2026-02-30x' }, '/body/date'],
      [{ minutes: 10, roadmapSlug: 'nope' }, '/body/roadmapSlug'],
      [{ minutes: 10, roadmapSlug: 'backend-developer', stepSlug: 'nope' }, '/body/stepSlug'],
      [{ minutes: 10, stepSlug: 'postgresql' }, '/body/roadmapSlug'],
      [{ minutes: 10, note: 'x'.repeat(501) }, '/body/note'],
    ];
    for (const [payload, path] of cases) {
      const res = await log(me, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path);
    }
    expect((await log(me, { minutes: 10, date: addDays(today, -365) })).statusCode).toBe(201);
    expect((await log(me, { minutes: 1440 })).statusCode).toBe(201);
    const rows = await t.db.primary.select().from(studySessions).where(eq(studySessions.userId, me.user.id));
    expect(rows).toHaveLength(2); // nothing half-written by the refusals
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for a retry and logs nothing twice', async () => {
    const me = await signUp(t.app);
    const first = await log(me, { minutes: 30, note: 'timer' }, 'key-1');
    const retry = await log(me, { note: 'timer', minutes: 30 }, 'key-1'); // same body, other key order
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toEqual(first.json());
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect((await stats(me)).todayMinutes).toBe(30);
  });

  it('refuses the same key with another body: 422', async () => {
    const me = await signUp(t.app);
    await log(me, { minutes: 30 }, 'key-2');
    const res = await log(me, { minutes: 45 }, 'key-2');
    expect(res.statusCode).toBe(422);
    expect(res.json().errors).toEqual([
      { path: '/headers/idempotency-key', message: 'was used with another body' },
    ]);
  });

  it('makes exactly one row of 50 concurrent requests with one key', async () => {
    const me = await signUp(t.app);
    const results = await Promise.all(Array.from({ length: 50 }, () => log(me, { minutes: 20 }, 'burst')));
    expect(new Set(results.map((r) => r.statusCode))).toEqual(new Set([201]));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    const rows = await t.db.primary.select().from(studySessions).where(eq(studySessions.userId, me.user.id));
    expect(rows).toHaveLength(1);
  });

  it('is per learner: two learners may use the same key', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const ra = await log(a, { minutes: 10 }, 'shared');
    const rb = await log(b, { minutes: 10 }, 'shared');
    expect(ra.json().id).not.toBe(rb.json().id);
  });
});

describe('the study log', () => {
  it('lists newest day first with cursor pages and from/to bounds', async () => {
    const me = await signUp(t.app);
    const today = localDate(new Date(), 'UTC');
    for (let i = 0; i < 5; i++) await log(me, { minutes: 10 + i, date: addDays(today, -i) });
    const page1 = (await t.app.inject({ url: '/api/v1/me/study-sessions?limit=2', headers: me.auth })).json();
    expect(page1.items.map((s: { date: string }) => s.date)).toEqual([today, addDays(today, -1)]);
    const page2 = (
      await t.app.inject({
        url: `/api/v1/me/study-sessions?limit=2&cursor=${page1.nextCursor}`,
        headers: me.auth,
      })
    ).json();
    const page3 = (
      await t.app.inject({
        url: `/api/v1/me/study-sessions?limit=2&cursor=${page2.nextCursor}`,
        headers: me.auth,
      })
    ).json();
    expect(page2.items.map((s: { minutes: number }) => s.minutes)).toEqual([12, 13]);
    expect(page3.items).toHaveLength(1);
    expect(page3.nextCursor).toBeNull();
    const bounded = (
      await t.app.inject({
        url: `/api/v1/me/study-sessions?from=${addDays(today, -3)}&to=${addDays(today, -2)}`,
        headers: me.auth,
      })
    ).json();
    expect(bounded.items.map((s: { minutes: number }) => s.minutes)).toEqual([12, 13]);
    const bad = await t.app.inject({ url: '/api/v1/me/study-sessions?cursor=garbage', headers: me.auth });
    expect(bad.statusCode).toBe(400);
  });

  it('deletes a mistake; another learner’s session is 404 and stays', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const id = (await log(a, { minutes: 15 })).json().id;
    const del = (who: SignedUp) =>
      t.app.inject({ method: 'DELETE', url: `/api/v1/me/study-sessions/${id}`, headers: who.auth });
    expect((await del(b)).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/me/study-sessions', headers: b.auth })).json().items).toEqual(
      [],
    );
    expect((await del(a)).statusCode).toBe(204);
    expect((await del(a)).statusCode).toBe(404);
  });
});

describe('stats', () => {
  it('give streaks, today, totals and a 365-day heatmap ending today', async () => {
    const me = await signUp(t.app);
    const today = localDate(new Date(), 'UTC');
    await log(me, { minutes: 30, date: addDays(today, -4) });
    await log(me, { minutes: 20, date: addDays(today, -2) });
    await log(me, { minutes: 15, date: addDays(today, -2) }); // two sessions make the day
    await log(me, { minutes: 30, date: addDays(today, -1) });
    await log(me, { minutes: 10, date: today }); // today not met yet
    const s = await stats(me);
    expect(s).toMatchObject({
      currentStreak: 2, // yesterday and the day before, counted from yesterday
      longestStreak: 2,
      todayMinutes: 10,
      dailyGoalMinutes: 30,
      totalMinutes: 105,
      today,
    });
    expect(s.heatmap).toHaveLength(365);
    expect(s.heatmap.at(-1)).toEqual({ date: today, minutes: 10 });
    expect(s.heatmap.at(-3)).toEqual({ date: addDays(today, -2), minutes: 35 });

    await log(me, { minutes: 20 }); // today met: the streak counts from today
    expect((await stats(me)).currentStreak).toBe(3);
    await patchMe(me, { dailyGoalMinutes: 60 }); // days are judged by the goal in force now
    expect(await stats(me)).toMatchObject({ currentStreak: 0, longestStreak: 0, dailyGoalMinutes: 60 });
  });
});

describe('editing a logged session', () => {
  const patch = (who: SignedUp, id: string, payload: object) =>
    t.app.inject({ method: 'PATCH', url: `/api/v1/me/study-sessions/${id}`, headers: who.auth, payload });

  it('changes minutes, note, roadmap and step; null clears; the stats follow', async () => {
    const me = await signUp(t.app);
    const created = (
      await log(me, { minutes: 10, roadmapSlug: 'backend-developer', stepSlug: 'postgresql', note: 'x' })
    ).json();
    let res = await patch(me, created.id, { minutes: 40, note: 'joins, then indexes' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: created.id,
      minutes: 40,
      note: 'joins, then indexes',
      stepSlug: 'postgresql',
    });
    expect((await stats(me)).todayMinutes).toBe(40);
    res = await patch(me, created.id, { stepSlug: 'rest-apis' });
    expect(res.json()).toMatchObject({ roadmapSlug: 'backend-developer', stepSlug: 'rest-apis' });
    res = await patch(me, created.id, { roadmapSlug: 'git-essentials' });
    expect(res.json()).toMatchObject({ roadmapSlug: 'git-essentials', stepSlug: null });
    res = await patch(me, created.id, { roadmapSlug: null, note: null });
    expect(res.json()).toMatchObject({ roadmapSlug: null, stepSlug: null, note: null, minutes: 40 });
  });

  it('keeps the rules of logging, and another learner’s session is not found', async () => {
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    const created = (await log(me, { minutes: 10 })).json();
    const future = addDays(localDate(new Date(), 'UTC'), 3);
    expect((await patch(me, created.id, { date: future })).json().errors[0].path).toBe('/body/date');
    expect((await patch(me, created.id, { stepSlug: 'postgresql' })).json().errors[0].path).toBe(
      '/body/roadmapSlug',
    );
    expect((await patch(me, created.id, { minutes: 0 })).statusCode).toBe(400);
    expect((await patch(me, created.id, {})).statusCode).toBe(400);
    expect((await patch(other, created.id, { minutes: 5 })).statusCode).toBe(404);
    expect((await patch(me, created.id, { minutes: 5 })).statusCode).toBe(200);
  });
});

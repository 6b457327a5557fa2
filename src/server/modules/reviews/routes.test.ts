import { createEmptyCard, fsrs, generatorParameters, Rating, type Card } from 'ts-fsrs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';

// The reviews' clock: each test sets it; progress and reviews read it.
let clock = new Date('2026-03-02T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({}, { now: () => clock });
});
afterAll(async () => t.close());

const GIT = '/api/v1/me/roadmaps/git-essentials';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function setStatus(who: SignedUp, step: string, status: string) {
  const res = await t.app.inject({
    method: 'PUT',
    url: `${GIT}/steps/${step}`,
    headers: who.auth,
    payload: { status },
  });
  expect(res.statusCode).toBe(200);
}
async function reviews(who: SignedUp) {
  const res = await t.app.inject({ url: '/api/v1/me/reviews', headers: who.auth });
  expect(res.statusCode).toBe(200);
  return res.json();
}
function rate(who: SignedUp, cardId: string, rating: unknown, key?: string) {
  return t.app.inject({
    method: 'POST',
    url: `/api/v1/me/reviews/${cardId}`,
    headers: { ...who.auth, ...(key ? { 'idempotency-key': key } : {}) },
    payload: { rating },
  });
}
async function cardOf(who: SignedUp) {
  const list = await reviews(who);
  expect(list.items).toHaveLength(1);
  return list.items[0].cardId as string;
}

describe('review cards', () => {
  it('a step marked done becomes a card due at once, with its check questions', async () => {
    clock = new Date('2026-03-02T09:00:00Z');
    const me = await signUp(t.app);
    expect(await reviews(me)).toEqual({ items: [], dueCount: 0, nextDue: null });
    await setStatus(me, 'commits-and-history', 'in_progress');
    expect((await reviews(me)).dueCount).toBe(0);
    await setStatus(me, 'commits-and-history', 'done');
    const list = await reviews(me);
    expect(list).toMatchObject({ dueCount: 1, nextDue: null });
    expect(list.items[0]).toMatchObject({
      roadmapSlug: 'git-essentials',
      stepSlug: 'commits-and-history',
      title: 'Commits and history',
      due: clock.toISOString(),
    });
    expect(list.items[0].checks.length).toBeGreaterThanOrEqual(2);
    const check = list.items[0].checks[0];
    expect(check.question).toMatch(/\?$/);
    expect(check.questionHtml).toContain('<p>');
    expect(check.answerHtml.length).toBeGreaterThan(0);
  });

  it('schedules a card over a sequence of ratings exactly as ts-fsrs does', async () => {
    const start = new Date('2026-04-01T08:00:00Z');
    clock = start;
    const me = await signUp(t.app);
    await setStatus(me, 'branches-and-merging', 'done');
    const cardId = await cardOf(me);

    const f = fsrs(generatorParameters());
    let expected: Card = createEmptyCard(start);
    const sequence: ['again' | 'hard' | 'good' | 'easy', number][] = [
      ['good', 0],
      ['again', 10 * 60_000],
      ['good', 30 * 60_000],
      ['good', 2 * DAY],
      ['hard', 9 * DAY],
      ['easy', 30 * DAY],
      ['again', 90 * DAY],
      ['good', 91 * DAY],
    ];
    const grades = { again: Rating.Again, hard: Rating.Hard, good: Rating.Good, easy: Rating.Easy } as const;
    for (const [rating, offset] of sequence) {
      clock = new Date(start.getTime() + offset);
      expected = f.next(expected, clock, grades[rating]).card;
      const res = await rate(me, cardId, rating);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        cardId,
        due: expected.due.toISOString(),
        stability: expected.stability,
        difficulty: expected.difficulty,
        reps: expected.reps,
        lapses: expected.lapses,
      });
    }
    // The sequence went through learning, review and relearning: "again" while learning is not a
    // lapse, the one at day 90 is.
    expect([expected.reps, expected.lapses]).toEqual([sequence.length, 1]);
  });

  it("is due from the start of its day in the learner's time zone, learning steps by the clock", async () => {
    const start = new Date('2026-05-04T20:00:00Z');
    clock = start;
    const me = await signUp(t.app);
    await setStatus(me, 'remotes', 'done');
    const cardId = await cardOf(me);
    // "easy" on a new card: a review card, due whole days later at 20:00 UTC.
    const first = (await rate(me, cardId, 'easy')).json();
    const due = new Date(first.due);
    expect(due.getTime() - start.getTime()).toBeGreaterThanOrEqual(DAY);
    expect(due.getUTCHours()).toBe(20);

    // 09:00 UTC on its due day: still that day in UTC, so it is due ...
    clock = new Date(due.getTime() - 11 * HOUR);
    expect((await reviews(me)).dueCount).toBe(1);
    // ... but in Auckland (UTC+12) it is 21:00 there, and the card is due tomorrow morning (08:00).
    const zone = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: me.auth,
      payload: { timezone: 'Pacific/Auckland' },
    });
    expect(zone.statusCode).toBe(200);
    const later = await reviews(me);
    expect(later).toMatchObject({ dueCount: 0, items: [], nextDue: due.toISOString() });
    // The day before, nowhere.
    clock = new Date(due.getTime() - 25 * HOUR);
    expect((await reviews(me)).dueCount).toBe(0);

    // "again" puts it back into relearning, minutes apart: due by the clock, not the day.
    clock = due;
    const lapse = (await rate(me, cardId, 'again')).json();
    expect(new Date(lapse.due).getTime() - due.getTime()).toBeLessThan(HOUR);
    expect((await reviews(me)).dueCount).toBe(0);
    clock = new Date(lapse.due);
    expect((await reviews(me)).dueCount).toBe(1);
  });

  it('pauses the card when the step is set back from done, and resumes it with its schedule', async () => {
    clock = new Date('2026-06-01T10:00:00Z');
    const me = await signUp(t.app);
    await setStatus(me, 'pull-requests', 'done');
    const cardId = await cardOf(me);
    const rated = (await rate(me, cardId, 'good')).json();
    clock = new Date(rated.due);
    await setStatus(me, 'pull-requests', 'in_progress');
    expect(await reviews(me)).toEqual({ items: [], dueCount: 0, nextDue: null });
    const paused = await rate(me, cardId, 'good');
    expect(paused.statusCode).toBe(409);
    expect(paused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(paused.json().detail).toMatch(/Mark the step done/);
    await setStatus(me, 'pull-requests', 'done');
    const back = await reviews(me);
    expect(back.items.map((i: { cardId: string; due: string }) => [i.cardId, i.due])).toEqual([
      [cardId, rated.due],
    ]);
  });

  it('leaves out a roadmap whose reviews the learner turned off, until they turn them on', async () => {
    clock = new Date('2026-06-10T10:00:00Z');
    const me = await signUp(t.app);
    await setStatus(me, 'commits-and-history', 'done');
    const patch = (body: object) =>
      t.app.inject({ method: 'PATCH', url: GIT, headers: me.auth, payload: body });
    const off = await patch({ reviews: false });
    expect(off.statusCode).toBe(200);
    expect(off.json()).toMatchObject({ reviews: false, targetDate: null });
    expect((await reviews(me)).dueCount).toBe(0);
    const on = await patch({ reviews: true });
    expect(on.json().reviews).toBe(true);
    expect((await reviews(me)).dueCount).toBe(1);
    const empty = await patch({});
    expect(empty.statusCode).toBe(400);
  });

  it('rates once for two concurrent requests with one Idempotency-Key', async () => {
    clock = new Date('2026-07-01T10:00:00Z');
    const me = await signUp(t.app);
    await setStatus(me, 'commits-and-history', 'done');
    const cardId = await cardOf(me);
    const [a, b] = await Promise.all([rate(me, cardId, 'good', 'k-1'), rate(me, cardId, 'good', 'k-1')]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json()).toEqual(b.json());
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].sort()).toEqual([
      'true',
      undefined,
    ]);
    expect(a.json().reps).toBe(1);
    // The same key for another rating is refused, naming the header; nothing changes.
    const reused = await rate(me, cardId, 'easy', 'k-1');
    expect(reused.statusCode).toBe(422);
    expect(reused.json().errors).toEqual([
      { path: '/headers/idempotency-key', message: 'was used with another body' },
    ]);
    const next = (await rate(me, cardId, 'good', 'k-2')).json();
    expect(next.reps).toBe(2);
    const exported = (await t.app.inject({ url: '/api/v1/me/export', headers: me.auth })).json();
    expect(exported.reviewCards).toEqual([
      expect.objectContaining({
        roadmapSlug: 'git-essentials',
        stepSlug: 'commits-and-history',
        reps: 2,
        suspended: false,
        ratings: [
          { rating: 'good', reviewedAt: clock.toISOString() },
          { rating: 'good', reviewedAt: clock.toISOString() },
        ],
      }),
    ]);
  });

  it("answers 404 for another learner's card and 400 naming the field for bad input", async () => {
    clock = new Date('2026-08-01T10:00:00Z');
    const me = await signUp(t.app);
    const other = await signUp(t.app);
    await setStatus(me, 'commits-and-history', 'done');
    const cardId = await cardOf(me);
    expect((await rate(other, cardId, 'good')).statusCode).toBe(404);
    const bad = await rate(me, cardId, 'perfect');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/rating');
    const badId = await rate(me, 'not-a-card', 'good');
    expect(badId.statusCode).toBe(400);
    expect(badId.json().errors[0].path).toBe('/params/cardId');
    const limit = await t.app.inject({ url: '/api/v1/me/reviews?limit=0', headers: me.auth });
    expect(limit.statusCode).toBe(400);
    expect((await t.app.inject({ url: '/api/v1/me/reviews' })).statusCode).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { addDays, localDate } from './calendar.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const today = () => localDate(new Date(), 'UTC');
async function log(who: SignedUp, date: string, minutes = 30) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/me/study-sessions',
    headers: who.auth,
    payload: { minutes, date },
  });
  expect(res.statusCode).toBe(201);
}
const stats = async (who: SignedUp) =>
  (await t.app.inject({ url: '/api/v1/me/stats', headers: who.auth })).json();

describe('streak freezes in GET /api/v1/me/stats', () => {
  it('cover a missed day after 7 met days, show it frozen, and can be turned off', async () => {
    const me = await signUp(t.app);
    expect((await stats(me)).freezesHeld).toBe(0);
    for (let i = 9; i >= 3; i--) await log(me, addDays(today(), -i)); // 7 met days
    // today-2 and today-1 missed: the freeze earned covers today-2, and today-1 breaks the streak.
    const earned = await stats(me);
    expect(earned).toMatchObject({
      currentStreak: 0,
      longestStreak: 7,
      freezesHeld: 0,
      frozenDays: [addDays(today(), -2)],
    });

    // Logged late for yesterday: the streak runs through the frozen day.
    await log(me, addDays(today(), -1));
    const covered = await stats(me);
    expect(covered).toMatchObject({
      currentStreak: 8,
      longestStreak: 8,
      freezesHeld: 0,
      frozenDays: [addDays(today(), -2)],
    });

    const off = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: me.auth,
      payload: { streakFreezes: false },
    });
    expect(off.statusCode).toBe(200);
    expect(off.json().streakFreezes).toBe(false);
    expect(await stats(me)).toMatchObject({
      currentStreak: 1,
      longestStreak: 7,
      freezesHeld: 0,
      frozenDays: [],
    });
    const bad = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/me',
      headers: me.auth,
      payload: { streakFreezes: 'no' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors[0].path).toBe('/body/streakFreezes');
  });
});

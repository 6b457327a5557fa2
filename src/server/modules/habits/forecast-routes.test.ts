import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { addDays, localDate } from './calendar.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const GIT = '/api/v1/me/roadmaps/git-essentials';
const today = () => localDate(new Date(), 'UTC');

async function forecast(who: SignedUp, roadmap = GIT) {
  return t.app.inject({ url: `${roadmap}/forecast`, headers: who.auth });
}
function plan(who: SignedUp, targetDate: unknown, roadmap = GIT) {
  return t.app.inject({ method: 'PATCH', url: roadmap, headers: who.auth, payload: { targetDate } });
}

async function gitHours() {
  const doc = (await t.app.inject({ url: '/api/v1/roadmaps/git-essentials' })).json();
  const steps = doc.layers.flatMap((l: { steps: unknown[] }) => l.steps) as {
    slug: string;
    required: boolean;
    estimatedHours: number;
  }[];
  return { steps, all: steps.reduce((n, s) => n + s.estimatedHours, 0) };
}

describe('GET /api/v1/me/roadmaps/{slug}/forecast', () => {
  it('starts at the daily goal for a new learner, and follows done steps and logged minutes', async () => {
    const me = await signUp(t.app);
    const { steps, all } = await gitHours();
    const required = steps.filter((s) => s.required).reduce((n, s) => n + s.estimatedHours, 0);
    const first = (await forecast(me)).json();
    expect(first).toEqual({
      remainingHours: all,
      requiredRemainingHours: required,
      pace: { minutesPerDay: 30, basedOnDays: 0 },
      projectedFinish: addDays(today(), Math.ceil((required * 60) / 30)),
      targetDate: null,
      reviews: true,
      neededMinutesPerDay: null,
    });

    const done = steps.find((s) => s.required)!;
    await t.app.inject({
      method: 'PUT',
      url: `${GIT}/steps/${done.slug}`,
      headers: me.auth,
      payload: { status: 'done' },
    });
    // 90 minutes today, attached to this roadmap: the pace is 90 a day (over one day).
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 90, roadmapSlug: 'git-essentials' },
    });
    // Minutes on another roadmap do not count once some are attached to this one.
    await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 300, roadmapSlug: 'backend-developer' },
    });
    const later = (await forecast(me)).json();
    expect(later.requiredRemainingHours).toBeCloseTo(required - done.estimatedHours, 5);
    expect(later.pace).toEqual({ minutesPerDay: 90, basedOnDays: 1 });
    // On backend-developer nothing else is attached: its own 300 minutes.
    expect((await forecast(me, '/api/v1/me/roadmaps/backend-developer')).json().pace.minutesPerDay).toBe(300);
  });

  it('is 404 for an unknown roadmap and 401 without a token', async () => {
    const me = await signUp(t.app);
    expect((await forecast(me, '/api/v1/me/roadmaps/no-such-roadmap')).statusCode).toBe(404);
    expect((await t.app.inject({ url: `${GIT}/forecast` })).statusCode).toBe(401);
  });
});

describe('PATCH /api/v1/me/roadmaps/{slug}', () => {
  it('sets a target date and answers what it takes, clears it with null, and refuses a past date', async () => {
    const me = await signUp(t.app);
    const target = addDays(today(), 9); // ten days, today included
    const res = await plan(me, target);
    expect(res.statusCode).toBe(200);
    const f = res.json();
    expect(f.targetDate).toBe(target);
    expect(f.neededMinutesPerDay).toBe(Math.ceil((f.requiredRemainingHours * 60) / 10));
    expect((await forecast(me)).json().targetDate).toBe(target);

    const past = await plan(me, addDays(today(), -1));
    expect(past.statusCode).toBe(400);
    expect(past.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(past.json().errors).toEqual([
      { path: '/body/targetDate', message: expect.stringMatching(/^must be today/) },
    ]);
    for (const bad of ['2027-02-30', 'tomorrow', 20270101]) {
      const r = await plan(me, bad);
      expect(r.statusCode).toBe(400);
      expect(r.json().errors[0].path).toBe('/body/targetDate');
    }
    expect(
      (await t.app.inject({ method: 'PATCH', url: GIT, headers: me.auth, payload: {} })).statusCode,
    ).toBe(400);

    const cleared = (await plan(me, null)).json();
    expect(cleared).toMatchObject({ targetDate: null, neededMinutesPerDay: null });
    expect((await plan(me, null, '/api/v1/me/roadmaps/no-such-roadmap')).statusCode).toBe(404);

    const exported = (await t.app.inject({ url: '/api/v1/me/export', headers: me.auth })).json();
    expect(exported.roadmapPlans).toEqual([
      expect.objectContaining({ roadmapSlug: 'git-essentials', targetDate: null }),
    ]);
  });
});

// Cohorts through the real app: create, invite, join, the mentor view, the report, roles,
// leaving, nudges through the job queue, and what a member may and may not see.
import type { SQLWrapper } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';
import { QUEUES } from '../../infra/jobs.ts';
import type { DeliverJob } from '../reminders/service.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ WAYMARK_JOBS: 'off', PUBLIC_URL: 'https://waymark.test' });
});
afterAll(async () => t.close());

const call = (who: SignedUp | null, method: string, url: string, payload?: object) =>
  t.app.inject({
    method: method as 'GET',
    url,
    ...(who ? { headers: who.auth } : {}),
    ...(payload ? { payload } : {}),
  });

async function cohortOf(owner: SignedUp, body: object = {}) {
  const res = await call(owner, 'POST', '/api/v1/cohorts', {
    name: 'Backend bootcamp',
    roadmapSlugs: ['git-essentials', 'linux-command-line'],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function invite(who: SignedUp, id: string, body: object = { role: 'member' }) {
  const res = await call(who, 'POST', `/api/v1/cohorts/${id}/invites`, body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}
async function joined(who: SignedUp, token: string) {
  const res = await call(who, 'POST', '/api/v1/cohorts/join', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const mark = (who: SignedUp, roadmap: string, step: string, status: string) =>
  call(who, 'PUT', `/api/v1/me/roadmaps/${roadmap}/steps/${step}`, { status });

describe('cohorts', () => {
  it('an owner creates a cohort, invites, and sees members join and progress in the mentor view', async () => {
    const owner = await signUp(t.app, { displayName: 'Olga Owner' });
    const ada = await signUp(t.app, { displayName: 'Ada' });
    const bo = await signUp(t.app, { displayName: 'Bo' });
    const cohort = await cohortOf(owner, { endsOn: '2099-01-01', description: 'Twelve weeks' });
    expect(cohort).toMatchObject({
      name: 'Backend bootcamp',
      roadmapSlugs: ['git-essentials', 'linux-command-line'],
      role: 'owner',
      ownerName: 'Olga Owner',
      summary: { memberCount: 0 },
    });
    const inv = await invite(owner, cohort.id, { role: 'member', maxUses: 2 });
    expect(inv).toMatchObject({ role: 'member', maxUses: 2, uses: 0, state: 'active' });
    expect(inv.url).toBe(`https://waymark.test/join?token=${inv.token}`);

    // The join page's preview says what mentors will see, before anyone consents.
    const preview = await call(null, 'GET', `/api/v1/cohorts/join?token=${inv.token}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.json()).toMatchObject({
      name: 'Backend bootcamp',
      ownerName: 'Olga Owner',
      role: 'member',
    });
    expect(preview.json().neverShared.join(' ')).toMatch(/notes/);

    expect(await joined(ada, inv.token)).toEqual({ cohortId: cohort.id, role: 'member' });
    expect(await joined(ada, inv.token)).toEqual({ cohortId: cohort.id, role: 'member' }); // no second use
    await joined(bo, inv.token);
    const third = await signUp(t.app);
    const spent = await call(third, 'POST', '/api/v1/cohorts/join', { token: inv.token });
    expect(spent.statusCode).toBe(410);
    expect(spent.headers['content-type']).toMatch(/application\/problem\+json/);

    expect((await mark(ada, 'git-essentials', 'commits-and-history', 'done')).statusCode).toBe(200);
    await mark(ada, 'git-essentials', 'branches-and-merging', 'in_progress');
    await call(ada, 'POST', '/api/v1/me/study-sessions', { minutes: 40, roadmapSlug: 'git-essentials' });

    const view = await call(owner, 'GET', `/api/v1/cohorts/${cohort.id}/members`);
    expect(view.statusCode, view.body).toBe(200);
    const rows = view.json().items;
    expect(rows.map((r: { displayName: string }) => r.displayName)).toEqual(['Ada', 'Bo', 'Olga Owner']);
    const adaRow = rows[0];
    expect(adaRow.roadmaps[0]).toMatchObject({
      slug: 'git-essentials',
      nextStep: { slug: 'branches-and-merging' },
    });
    expect(adaRow.roadmaps[0].percent).toBeGreaterThan(0);
    expect(adaRow.roadmaps[0].lastActivityAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(adaRow).toMatchObject({ role: 'member', minutesLast7Days: 40, currentStreak: 1, stuck: false });
    expect(rows[1]).toMatchObject({ displayName: 'Bo', minutesLast7Days: 0, currentStreak: 0 });

    // Paged one at a time: every member once, in order. Sorted by name, only the page's members
    // are scored (repo.pickFor), so the cursor is applied before scoring: both ways must agree.
    const paged = async (query: string) => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await call(
          owner,
          'GET',
          `/api/v1/cohorts/${cohort.id}/members?${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        );
        expect(res.statusCode, res.body).toBe(200);
        seen.push(...res.json().items.map((r: { displayName: string }) => r.displayName));
        cursor = res.json().nextCursor;
      } while (cursor);
      return seen;
    };
    const byProgress = await paged('sort=progress');
    expect(byProgress).toHaveLength(3);
    expect(byProgress.at(-1)).toBe('Ada'); // lowest first
    expect(await paged('sort=name')).toEqual(['Ada', 'Bo', 'Olga Owner']);
    expect(await paged('sort=name&desc=true')).toEqual(['Olga Owner', 'Bo', 'Ada']);
    const stuckByName = await call(
      owner,
      'GET',
      `/api/v1/cohorts/${cohort.id}/members?sort=name&filter=stuck`,
    );
    expect(stuckByName.json().items).toEqual([]);
    const mixed = await call(
      owner,
      'GET',
      `/api/v1/cohorts/${cohort.id}/members?sort=name&cursor=${'x'.repeat(30)}`,
    );
    expect(mixed.statusCode).toBe(400);

    const heat = (await call(owner, 'GET', `/api/v1/cohorts/${cohort.id}/heatmap`)).json();
    expect(heat.memberCount).toBe(2);
    expect(heat.roadmaps[0].steps[0]).toMatchObject({ slug: 'commits-and-history', done: 1 });
    expect(heat.roadmaps[0].steps[1]).toMatchObject({ slug: 'branches-and-merging', inProgress: 1 });

    // A member sees the summary and their own row, not the others'.
    const asAda = (await call(ada, 'GET', `/api/v1/cohorts/${cohort.id}`)).json();
    expect(asAda).toMatchObject({ role: 'member', summary: { memberCount: 2 }, me: { displayName: 'Ada' } });
    expect(asAda.standings).toEqual([]);
    expect((await call(ada, 'GET', `/api/v1/cohorts/${cohort.id}/members`)).statusCode).toBe(403);
    expect((await call(ada, 'GET', `/api/v1/cohorts/${cohort.id}/report.csv`)).statusCode).toBe(403);
    // Someone outside the cohort is told it does not exist.
    expect((await call(third, 'GET', `/api/v1/cohorts/${cohort.id}`)).statusCode).toBe(404);
    expect((await call(third, 'GET', `/api/v1/cohorts/${cohort.id}/members`)).statusCode).toBe(404);

    const mine = (await call(ada, 'GET', '/api/v1/me/cohorts')).json();
    expect(mine.items).toEqual([expect.objectContaining({ id: cohort.id, role: 'member', memberCount: 2 })]);
  });

  it('the report is RFC 4180 CSV with a BOM, one row per member × roadmap, formulas defused', async () => {
    const owner = await signUp(t.app, { displayName: 'Olga' });
    const evil = await signUp(t.app, { displayName: '=HYPERLINK("http://x","y")' });
    const cohort = await cohortOf(owner);
    await joined(evil, (await invite(owner, cohort.id)).token);
    const res = await call(owner, 'GET', `/api/v1/cohorts/${cohort.id}/report.csv`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="backend-bootcamp-\d{4}-\d\d-\d\d\.csv"$/,
    );
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = res.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'member,role,joined_at,roadmap,percent,required_percent,next_step,last_activity_at,current_streak,minutes_last_7_days,stuck,finished',
    );
    expect(lines).toHaveLength(1 + 2 * 2);
    expect(lines.filter((l) => l.startsWith(`"'=HYPERLINK`))).toHaveLength(2);
  });

  it('invites expire and are revoked; mentors invite members only', async () => {
    const owner = await signUp(t.app);
    const mentor = await signUp(t.app);
    const cohort = await cohortOf(owner);
    const asMentor = await invite(owner, cohort.id, { role: 'mentor' });
    expect(await joined(mentor, asMentor.token)).toEqual({ cohortId: cohort.id, role: 'mentor' });
    expect(
      (await call(mentor, 'POST', `/api/v1/cohorts/${cohort.id}/invites`, { role: 'mentor' })).statusCode,
    ).toBe(403);
    const link = await invite(mentor, cohort.id, { role: 'member' });
    expect((await call(mentor, 'DELETE', `/api/v1/cohorts/${cohort.id}/invites/${link.id}`)).statusCode).toBe(
      204,
    );

    // Revoking takes the right to make such an invitation: a mentor's is the owner's to revoke.
    const mentorLink = await invite(owner, cohort.id, { role: 'mentor' });
    const memberLink = await invite(owner, cohort.id, { role: 'member' });
    const refused = await call(mentor, 'DELETE', `/api/v1/cohorts/${cohort.id}/invites/${mentorLink.id}`);
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(
      (await call(mentor, 'DELETE', `/api/v1/cohorts/${cohort.id}/invites/${memberLink.id}`)).statusCode,
    ).toBe(204);
    const states = (await call(owner, 'GET', `/api/v1/cohorts/${cohort.id}/invites`)).json().items;
    expect(states.find((i: { id: string }) => i.id === mentorLink.id).state).toBe('active');
    expect(states.find((i: { id: string }) => i.id === memberLink.id).state).toBe('revoked');
    expect(
      (await call(owner, 'DELETE', `/api/v1/cohorts/${cohort.id}/invites/${mentorLink.id}`)).statusCode,
    ).toBe(204);
    expect(
      (await call(mentor, 'DELETE', `/api/v1/cohorts/${cohort.id}/invites/${crypto.randomUUID()}`))
        .statusCode,
    ).toBe(404);

    const late = await signUp(t.app);
    const gone = await call(late, 'POST', '/api/v1/cohorts/join', { token: link.token });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().detail).toMatch(/revoked/);
    const list = (await call(owner, 'GET', `/api/v1/cohorts/${cohort.id}/invites`)).json().items;
    expect(list.map((i: { state: string }) => i.state).sort()).toEqual([
      'active',
      'revoked',
      'revoked',
      'revoked',
    ]);
    expect(JSON.stringify(list)).not.toContain(link.token);
    const unknown = await call(late, 'POST', '/api/v1/cohorts/join', { token: 'x'.repeat(32) });
    expect(unknown.statusCode).toBe(404);
    const far = await call(owner, 'POST', `/api/v1/cohorts/${cohort.id}/invites`, {
      role: 'member',
      expiresAt: '2999-01-01T00:00:00Z',
    });
    expect(far.statusCode).toBe(400);
    expect(far.json().errors[0].path).toBe('/body/expiresAt');
  });

  it('mails an invitation and a nudge through the job queue, and limits nudges', async () => {
    const owner = await signUp(t.app, { displayName: 'Mentor Mo' });
    const member = await signUp(t.app);
    const cohort = await cohortOf(owner);
    const inv = await invite(owner, cohort.id, { role: 'member', email: 'friend@example.com' });
    const boss = t.app.services.jobs.boss;
    const queued = await boss.findJobs<DeliverJob>(QUEUES.deliver, {
      data: { userId: owner.user.id },
      queued: true,
    });
    const mail = queued
      .map((j) => j.data)
      .find((d) => d.channel === 'email' && d.mail.to === 'friend@example.com');
    expect(mail && mail.channel === 'email' && mail.mail.text).toContain(inv.url);

    await joined(member, inv.token);
    const nudge = await call(owner, 'POST', `/api/v1/cohorts/${cohort.id}/members/${member.user.id}/nudges`, {
      message: 'Branches next? You are close.',
    });
    expect(nudge.statusCode, nudge.body).toBe(202);
    const toMember = await boss.findJobs<DeliverJob>(QUEUES.deliver, {
      data: { userId: member.user.id },
      queued: true,
    });
    const sent = toMember
      .map((j) => j.data)
      .find((d) => d.channel === 'email' && d.mail.subject.includes('Mentor Mo'));
    expect(sent && sent.channel === 'email' && sent.mail.text).toContain('Branches next? You are close.');
    const again = await call(owner, 'POST', `/api/v1/cohorts/${cohort.id}/members/${member.user.id}/nudges`, {
      message: 'And again',
    });
    expect(again.statusCode).toBe(429);
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);
    // A member cannot nudge; the nudge is in both people's export.
    expect(
      (
        await call(member, 'POST', `/api/v1/cohorts/${cohort.id}/members/${owner.user.id}/nudges`, {
          message: 'hi',
        })
      ).statusCode,
    ).toBe(403);
    const exported = (await call(member, 'GET', '/api/v1/me/export')).json();
    expect(exported.cohorts).toEqual([expect.objectContaining({ cohortId: cohort.id, role: 'member' })]);
    expect(exported.nudges).toEqual([
      expect.objectContaining({ direction: 'received', message: 'Branches next? You are close.' }),
    ]);
  });

  it('roles change, ownership passes, members leave, the leaderboard is opt-in', async () => {
    const owner = await signUp(t.app, { displayName: 'Owner' });
    const ada = await signUp(t.app, { displayName: 'Ada' });
    const bo = await signUp(t.app, { displayName: 'Bo' });
    const cohort = await cohortOf(owner);
    const inv = await invite(owner, cohort.id);
    await joined(ada, inv.token);
    await joined(bo, inv.token);
    const url = `/api/v1/cohorts/${cohort.id}`;

    // The leaderboard shows only those who opted in, and only once the owner turns it on.
    expect((await call(owner, 'PATCH', url, { leaderboard: true })).statusCode).toBe(200);
    expect((await call(ada, 'PATCH', `${url}/members/me`, { leaderboard: true })).statusCode).toBe(200);
    expect((await call(ada, 'PATCH', `${url}/members/${bo.user.id}`, { leaderboard: true })).statusCode).toBe(
      403,
    );
    const board = (await call(bo, 'GET', url)).json();
    expect(board.standings.map((s: { displayName: string }) => s.displayName)).toEqual(['Ada']);
    expect((await call(ada, 'PATCH', url, { name: 'Mine now' })).statusCode).toBe(403);

    // The owner cannot leave before handing over; handing over keeps them as a mentor.
    expect((await call(owner, 'DELETE', `${url}/members/me`)).statusCode).toBe(409);
    const handed = await call(owner, 'PATCH', `${url}/members/${ada.user.id}`, { role: 'owner' });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json().role).toBe('owner');
    expect((await call(owner, 'GET', url)).json().role).toBe('mentor');
    expect((await call(ada, 'DELETE', `${url}/members/${bo.user.id}`)).statusCode).toBe(204);
    expect((await call(bo, 'GET', url)).statusCode).toBe(404);
    expect((await call(owner, 'DELETE', `${url}/members/me`)).statusCode).toBe(204);

    // The owner deletes their account: the cohort passes on; deleting the cohort keeps progress.
    await mark(ada, 'git-essentials', 'commits-and-history', 'done');
    expect((await call(ada, 'DELETE', url)).statusCode).toBe(204);
    const progress = (await call(ada, 'GET', '/api/v1/me/roadmaps/git-essentials/progress')).json();
    expect(progress.steps['commits-and-history']).toBe('done');
  });

  it('hands a cohort to its mentor when its owner deletes their account', async () => {
    const owner = await signUp(t.app);
    const mentor = await signUp(t.app);
    const cohort = await cohortOf(owner);
    await joined(mentor, (await invite(owner, cohort.id, { role: 'mentor' })).token);
    await t.app.services.account.delete(owner.user.id);
    expect((await call(mentor, 'GET', `/api/v1/cohorts/${cohort.id}`)).json().role).toBe('owner');
  });

  it('hands nothing over when the account deletion fails', async () => {
    const owner = await signUp(t.app, { displayName: 'Staying Owner' });
    const mentor = await signUp(t.app);
    const cohort = await cohortOf(owner);
    await joined(mentor, (await invite(owner, cohort.id, { role: 'mentor' })).token);
    // A failure after the hand-over, inside the deletion.
    const remove = vi.spyOn(t.app.services.users, 'remove').mockRejectedValueOnce(new Error('disk full'));
    try {
      await expect(t.app.services.account.delete(owner.user.id)).rejects.toThrow('disk full');
    } finally {
      remove.mockRestore();
    }
    const seen = (await call(mentor, 'GET', `/api/v1/cohorts/${cohort.id}`)).json();
    expect(seen).toMatchObject({ role: 'mentor', ownerName: 'Staying Owner' });
    const roles = (await call(mentor, 'GET', `/api/v1/cohorts/${cohort.id}/members`)).json().items;
    expect(roles.map((m: { userId: string; role: string }) => [m.userId, m.role]).sort()).toEqual(
      [
        [owner.user.id, 'owner'],
        [mentor.user.id, 'mentor'],
      ].sort(),
    );
  });

  it('scores the members once for the cohort page: summary, own row and leaderboard', async () => {
    const owner = await signUp(t.app, { displayName: 'Owner' });
    const ada = await signUp(t.app, { displayName: 'Ada' });
    const bo = await signUp(t.app, { displayName: 'Bo' });
    const cohort = await cohortOf(owner);
    const inv = await invite(owner, cohort.id);
    await joined(ada, inv.token);
    await joined(bo, inv.token);
    const url = `/api/v1/cohorts/${cohort.id}`;
    await call(owner, 'PATCH', url, { leaderboard: true });
    await call(ada, 'PATCH', `${url}/members/me`, { leaderboard: true });
    await call(bo, 'PATCH', `${url}/members/me`, { leaderboard: true });
    await mark(bo, 'git-essentials', 'commits-and-history', 'done');

    // Every statement the request runs, by its text: the scoring CTE is in one of them.
    const dialect = new PgDialect();
    const execute = vi.spyOn(t.db.primary, 'execute');
    let page: Awaited<ReturnType<typeof call>>;
    let statements: string[];
    try {
      page = await call(ada, 'GET', url);
      statements = execute.mock.calls.map(
        ([query]) => dialect.sqlToQuery((query as SQLWrapper).getSQL()).sql,
      );
    } finally {
      execute.mockRestore();
    }
    expect(statements.filter((text) => text.includes('scored as ('))).toHaveLength(1);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.json()).toMatchObject({
      role: 'member',
      summary: { memberCount: 2, mentorCount: 0 },
      me: { displayName: 'Ada', role: 'member' },
      myLeaderboard: true,
    });
    expect(page.json().standings.map((s: { displayName: string }) => s.displayName)).toEqual(['Bo', 'Ada']);
    // The owner has their own row too, and is not on the leaderboard (members only).
    expect((await call(owner, 'GET', url)).json()).toMatchObject({
      role: 'owner',
      me: { displayName: 'Owner' },
    });
  });

  it('refuses bad input with a problem naming the field', async () => {
    const owner = await signUp(t.app);
    const res = await call(owner, 'POST', '/api/v1/cohorts', {
      name: 'X',
      roadmapSlugs: ['no-such-roadmap'],
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([
      { path: '/body/roadmapSlugs/0', message: 'names no published roadmap' },
    ]);
    const dates = await call(owner, 'POST', '/api/v1/cohorts', {
      name: 'X',
      roadmapSlugs: ['git-essentials'],
      startsOn: '2027-02-01',
      endsOn: '2027-01-01',
    });
    expect(dates.json().errors[0].path).toBe('/body/endsOn');
    expect((await call(owner, 'GET', '/api/v1/cohorts/not-a-uuid')).statusCode).toBe(400);
    expect((await call(owner, 'GET', '/api/v1/cohorts')).statusCode).toBe(403);
  });
});

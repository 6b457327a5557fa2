import { describe, expect, it } from 'vitest';
import { addDays, forgivingStreaks, heatmap, localDate, startOfLocalDay, streaks } from './calendar.ts';

const totals = (entries: Record<string, number>) => new Map(Object.entries(entries));

describe('localDate', () => {
  const instant = new Date('2026-06-15T23:30:00Z');

  it('is the wall-calendar date of the zone, far east and far west of UTC', () => {
    expect(localDate(instant, 'UTC')).toBe('2026-06-15');
    expect(localDate(instant, 'Pacific/Kiritimati')).toBe('2026-06-16'); // UTC+14
    expect(localDate(instant, 'Pacific/Pago_Pago')).toBe('2026-06-15'); // UTC−11
    expect(localDate(new Date('2026-06-15T10:30:00Z'), 'Pacific/Pago_Pago')).toBe('2026-06-14');
    expect(localDate(new Date('2026-06-15T10:30:00Z'), 'Pacific/Kiritimati')).toBe('2026-06-16');
  });

  it('follows DST changes: the same UTC hour is another local day after the switch', () => {
    // New York: EST (UTC−5) until 2026-03-08 02:00, then EDT (UTC−4).
    expect(localDate(new Date('2026-03-08T04:30:00Z'), 'America/New_York')).toBe('2026-03-07'); // 23:30 EST
    expect(localDate(new Date('2026-03-09T04:30:00Z'), 'America/New_York')).toBe('2026-03-09'); // 00:30 EDT
    // The 23-hour day still is one calendar day.
    expect(addDays('2026-03-07', 1)).toBe('2026-03-08');
    expect(addDays('2026-03-08', 1)).toBe('2026-03-09');
  });
});

describe('addDays', () => {
  it('crosses months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -365)).toBe('2025-03-01');
  });
});

describe('streaks', () => {
  it('count back from today when today is met', () => {
    const t = totals({ '2026-05-08': 30, '2026-05-09': 45, '2026-05-10': 30 });
    expect(streaks(t, '2026-05-10', 30)).toEqual({ currentStreak: 3, longestStreak: 3 });
  });

  it('count back from yesterday while today is not met yet', () => {
    const t = totals({ '2026-05-08': 30, '2026-05-09': 30, '2026-05-10': 10 });
    expect(streaks(t, '2026-05-10', 30)).toEqual({ currentStreak: 2, longestStreak: 2 });
    expect(streaks(totals({ '2026-05-08': 30, '2026-05-09': 30 }), '2026-05-10', 30).currentStreak).toBe(2);
  });

  it('break on a gap day, and remember the longest run', () => {
    const t = totals({
      '2026-05-01': 30,
      '2026-05-02': 30,
      '2026-05-03': 30,
      '2026-05-04': 30,
      // 05-05 missed
      '2026-05-06': 60,
      '2026-05-07': 30,
    });
    expect(streaks(t, '2026-05-07', 30)).toEqual({ currentStreak: 2, longestStreak: 4 });
    // Two days without study: the current streak is over.
    expect(streaks(t, '2026-05-09', 30)).toEqual({ currentStreak: 0, longestStreak: 4 });
  });

  it('judge every day by the goal in force now', () => {
    const t = totals({ '2026-05-08': 20, '2026-05-09': 25, '2026-05-10': 40 });
    expect(streaks(t, '2026-05-10', 30)).toEqual({ currentStreak: 1, longestStreak: 1 });
    expect(streaks(t, '2026-05-10', 20)).toEqual({ currentStreak: 3, longestStreak: 3 }); // goal lowered
    expect(streaks(t, '2026-05-10', 45)).toEqual({ currentStreak: 0, longestStreak: 0 }); // goal raised
  });

  it('follow the learner when they change time zone: days stay where they were logged, today moves', () => {
    // Logged in Berlin on 05-08 and 05-09; the learner flies to Honolulu (UTC−10).
    const t = totals({ '2026-05-08': 30, '2026-05-09': 30 });
    const now = new Date('2026-05-10T06:00:00Z'); // 08:00 in Berlin, 20:00 on 05-09 in Honolulu
    expect(streaks(t, localDate(now, 'Europe/Berlin'), 30).currentStreak).toBe(2); // today 05-10 not met yet
    expect(streaks(t, localDate(now, 'Pacific/Honolulu'), 30).currentStreak).toBe(2); // today is 05-09, met
  });

  it('are zero with nothing logged', () => {
    expect(streaks(new Map(), '2026-05-10', 30)).toEqual({ currentStreak: 0, longestStreak: 0 });
  });
});

describe('heatmap', () => {
  it('has 365 days ending today, oldest first, zero on empty days', () => {
    const map = heatmap(totals({ '2026-05-10': 30, '2025-05-11': 5, '2025-05-10': 99 }), '2026-05-10');
    expect(map).toHaveLength(365);
    expect(map[0]).toEqual({ date: '2025-05-11', minutes: 5 });
    expect(map.at(-1)).toEqual({ date: '2026-05-10', minutes: 30 });
    expect(map[100]!.minutes).toBe(0);
    expect(map.some((d) => d.date === '2025-05-10')).toBe(false);
  });
});

/** `n` met days from `start` (30 minutes each). */
function run(start: string, n: number, minutes = 30): Record<string, number> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [addDays(start, i), minutes]));
}

describe('forgivingStreaks (streak freezes)', () => {
  it('earns one freeze per 7 met days in a row', () => {
    expect(forgivingStreaks(totals(run('2026-05-01', 6)), '2026-05-06', 30).freezesHeld).toBe(0);
    expect(forgivingStreaks(totals(run('2026-05-01', 7)), '2026-05-07', 30)).toEqual({
      currentStreak: 7,
      longestStreak: 7,
      freezesHeld: 1,
      frozenDays: [],
    });
    expect(forgivingStreaks(totals(run('2026-05-01', 14)), '2026-05-14', 30).freezesHeld).toBe(2);
  });

  it('holds at most two', () => {
    expect(forgivingStreaks(totals(run('2026-05-01', 35)), '2026-06-04', 30).freezesHeld).toBe(2);
  });

  it('uses a held freeze on a missed day: the streak goes on, the day is frozen, not counted', () => {
    // 7 met days (05-01..05-07), 05-08 missed, 05-09 and 05-10 met.
    const t = totals({ ...run('2026-05-01', 7), ...run('2026-05-09', 2) });
    expect(forgivingStreaks(t, '2026-05-10', 30)).toEqual({
      currentStreak: 9,
      longestStreak: 9,
      freezesHeld: 0,
      frozenDays: ['2026-05-08'],
    });
    // The plain rule breaks it.
    expect(streaks(t, '2026-05-10', 30).currentStreak).toBe(2);
  });

  it('a gap longer than the freezes held breaks the streak; freezes cover what they can', () => {
    // 14 met days earn 2 freezes; then 3 days missed.
    const t = totals({ ...run('2026-05-01', 14), ...run('2026-05-18', 1) });
    const s = forgivingStreaks(t, '2026-05-18', 30);
    expect(s.frozenDays).toEqual(['2026-05-15', '2026-05-16']);
    expect(s).toMatchObject({ currentStreak: 1, longestStreak: 14, freezesHeld: 0 });
  });

  it('never freezes today (not over yet), and covers yesterday so the streak shows at breakfast', () => {
    const t = totals(run('2026-05-01', 7)); // 05-08 missed, today 05-09 not met yet
    expect(forgivingStreaks(t, '2026-05-09', 30)).toMatchObject({
      currentStreak: 7,
      freezesHeld: 0,
      frozenDays: ['2026-05-08'],
    });
    expect(forgivingStreaks(t, '2026-05-08', 30)).toMatchObject({
      currentStreak: 7,
      freezesHeld: 1,
      frozenDays: [],
    });
  });

  it('a missed day with no streak running uses no freeze', () => {
    const t = totals({ ...run('2026-05-01', 7), '2026-05-20': 30 });
    // 05-08 frozen; 05-09 breaks it; the days after use nothing (nothing is running).
    expect(forgivingStreaks(t, '2026-05-20', 30)).toMatchObject({
      currentStreak: 1,
      longestStreak: 7,
      freezesHeld: 0,
      frozenDays: ['2026-05-08'],
    });
  });

  it('judges days by the goal in force now (goal change)', () => {
    const t = totals(run('2026-05-01', 7, 20));
    expect(forgivingStreaks(t, '2026-05-07', 30)).toMatchObject({ currentStreak: 0, freezesHeld: 0 });
    expect(forgivingStreaks(t, '2026-05-07', 20)).toMatchObject({ currentStreak: 7, freezesHeld: 1 });
  });

  it('follows the zone: far east and far west see another today, across DST', () => {
    const t = totals(run('2026-03-01', 7)); // through 03-07; New York springs forward on 03-08
    const instant = new Date('2026-03-09T04:30:00Z'); // 00:30 EDT on 03-09; 18:30 on 03-08 in Honolulu
    const ny = forgivingStreaks(t, localDate(instant, 'America/New_York'), 30);
    expect(ny).toMatchObject({ currentStreak: 7, frozenDays: ['2026-03-08'] }); // 23-hour day frozen
    const hnl = forgivingStreaks(t, localDate(instant, 'Pacific/Honolulu'), 30);
    expect(hnl).toMatchObject({ currentStreak: 7, freezesHeld: 1, frozenDays: [] }); // 03-08 is today there
    const kiri = forgivingStreaks(t, localDate(new Date('2026-03-08T12:00:00Z'), 'Pacific/Kiritimati'), 30);
    expect(kiri.frozenDays).toEqual(['2026-03-08']); // already 03-09 there
  });

  it('is the plain rule, with nothing held, when turned off', () => {
    const t = totals({ ...run('2026-05-01', 7), ...run('2026-05-09', 2) });
    expect(forgivingStreaks(t, '2026-05-10', 30, false)).toEqual({
      ...streaks(t, '2026-05-10', 30),
      freezesHeld: 0,
      frozenDays: [],
    });
  });

  it('is zero with nothing logged', () => {
    expect(forgivingStreaks(new Map(), '2026-05-10', 30)).toEqual({
      currentStreak: 0,
      longestStreak: 0,
      freezesHeld: 0,
      frozenDays: [],
    });
  });
});

describe('startOfLocalDay', () => {
  it('is local midnight as an instant, east and west of UTC', () => {
    expect(startOfLocalDay('2026-06-15', 'UTC').toISOString()).toBe('2026-06-15T00:00:00.000Z');
    expect(startOfLocalDay('2026-06-15', 'Asia/Tokyo').toISOString()).toBe('2026-06-14T15:00:00.000Z');
    expect(startOfLocalDay('2026-06-15', 'Pacific/Kiritimati').toISOString()).toBe(
      '2026-06-14T10:00:00.000Z',
    );
    expect(startOfLocalDay('2026-06-15', 'America/Los_Angeles').toISOString()).toBe(
      '2026-06-15T07:00:00.000Z',
    );
  });

  it('uses the offset in force that day, across DST changes', () => {
    // New York: EST (−5) on 8 March 2026 at midnight, EDT (−4) the day after.
    expect(startOfLocalDay('2026-03-08', 'America/New_York').toISOString()).toBe('2026-03-08T05:00:00.000Z');
    expect(startOfLocalDay('2026-03-09', 'America/New_York').toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // Lisbon falls back on 25 October 2026: WEST (+1) that midnight, WET (0) the next.
    expect(startOfLocalDay('2026-10-25', 'Europe/Lisbon').toISOString()).toBe('2026-10-24T23:00:00.000Z');
    expect(startOfLocalDay('2026-10-26', 'Europe/Lisbon').toISOString()).toBe('2026-10-26T00:00:00.000Z');
  });

  it('starts at the first minute that exists where midnight is skipped', () => {
    // Chile springs forward at 00:00 on 6 September 2026: the day begins at 01:00 (UTC−3).
    expect(startOfLocalDay('2026-09-06', 'America/Santiago').toISOString()).toBe('2026-09-06T04:00:00.000Z');
  });
});

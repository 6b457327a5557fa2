import { describe, expect, it } from 'vitest';
import { addDays, heatmap, localDate, streaks } from './calendar.ts';

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

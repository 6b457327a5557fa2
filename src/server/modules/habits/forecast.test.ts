import { describe, expect, it } from 'vitest';
import { localDate } from './calendar.ts';
import { daysBetween, forecast, pace, type ForecastInput } from './forecast.ts';

const totals = (entries: Record<string, number>) => new Map(Object.entries(entries));
const base: ForecastInput = {
  remainingHours: 20,
  requiredRemainingHours: 10,
  totals: new Map(),
  today: '2027-03-01',
  dailyGoalMinutes: 30,
  targetDate: null,
};

describe('pace', () => {
  it('is the daily goal for a learner who never logged anything', () => {
    expect(pace(new Map(), '2027-03-01', 30)).toEqual({ minutesPerDay: 30, basedOnDays: 0 });
  });

  it('averages the last 28 local days, empty days included', () => {
    // 28 days ending 03-01: 02-02..03-01. 02-01 is outside.
    const t = totals({ '2027-02-01': 999, '2027-02-02': 280, '2027-03-01': 280 });
    expect(pace(t, '2027-03-01', 30)).toEqual({ minutesPerDay: 20, basedOnDays: 28 });
  });

  it('counts from the first logged day when the learner began inside the window', () => {
    const t = totals({ '2027-02-25': 30, '2027-02-27': 40 });
    expect(pace(t, '2027-03-01', 30)).toEqual({ minutesPerDay: 14, basedOnDays: 5 }); // 70 / 5
  });

  it('is 0 for a learner who studied before but not in the last 28 days', () => {
    expect(pace(totals({ '2026-12-01': 60 }), '2027-03-01', 30)).toEqual({
      minutesPerDay: 0,
      basedOnDays: 28,
    });
  });

  it('counts calendar days across a DST change (28 dates, not 28 × 24 hours)', () => {
    // Europe/Berlin springs forward on 2027-03-28: the window 03-04..03-31 holds a 23-hour day.
    const today = localDate(new Date('2027-03-31T21:30:00Z'), 'Europe/Berlin'); // 23:30 local
    expect(today).toBe('2027-03-31');
    const t = totals({ '2027-03-03': 500, '2027-03-04': 28 * 10, '2027-03-28': 28 * 10 });
    expect(pace(t, today, 30)).toEqual({ minutesPerDay: 20, basedOnDays: 28 });
  });
});

describe('forecast', () => {
  it('projects the finish of the required steps at the pace, and says what a target date takes', () => {
    const f = forecast({ ...base, totals: totals({ '2027-02-28': 60 }), targetDate: '2027-03-10' });
    // Pace: 60 minutes over 2 days (02-28, 03-01) = 30 a day; 600 minutes left = 20 days.
    expect(f).toEqual({
      remainingHours: 20,
      requiredRemainingHours: 10,
      pace: { minutesPerDay: 30, basedOnDays: 2 },
      projectedFinish: '2027-03-21',
      targetDate: '2027-03-10',
      neededMinutesPerDay: 60, // 600 minutes over 10 days, today and the target included
    });
  });

  it('with nothing left: finished today, 0 minutes needed', () => {
    const f = forecast({ ...base, remainingHours: 0, requiredRemainingHours: 0, targetDate: '2027-04-01' });
    expect(f.projectedFinish).toBe('2027-03-01');
    expect(f.neededMinutesPerDay).toBe(0);
  });

  it('at pace 0: no projected finish, though a target still says what it takes', () => {
    const f = forecast({ ...base, totals: totals({ '2026-01-01': 30 }), targetDate: '2027-03-01' });
    expect(f.pace.minutesPerDay).toBe(0);
    expect(f.projectedFinish).toBeNull();
    expect(f.neededMinutesPerDay).toBe(600); // the target is today: all of it today
  });

  it('a target date in the past needs nothing it can still meet: null', () => {
    expect(forecast({ ...base, targetDate: '2027-02-28' }).neededMinutesPerDay).toBeNull();
  });

  it('rounds a part-minute up: 1 hour at 7 minutes a day is 9 days, not 8', () => {
    const f = forecast({ ...base, requiredRemainingHours: 1, dailyGoalMinutes: 7 });
    expect(f.projectedFinish).toBe('2027-03-10');
  });

  it('follows the learner’s zone: the same instant is another "today" far east and far west', () => {
    const instant = new Date('2027-03-01T10:30:00Z');
    const east = forecast({
      ...base,
      today: localDate(instant, 'Pacific/Kiritimati'),
      targetDate: '2027-03-02',
    });
    const west = forecast({
      ...base,
      today: localDate(instant, 'Pacific/Pago_Pago'),
      targetDate: '2027-03-02',
    });
    expect(east.neededMinutesPerDay).toBe(600); // today is 03-02 there: one day left
    expect(west.neededMinutesPerDay).toBe(200); // today is 02-28 there: three days
    expect(east.projectedFinish).toBe('2027-03-22');
    expect(west.projectedFinish).toBe('2027-03-20');
  });

  it('spans years and leap days by dates', () => {
    expect(daysBetween('2027-12-31', '2028-03-01')).toBe(61);
    // The Backend roadmap's ~365 hours at 30 minutes a day: 730 days, two years (2028 has a 29 February).
    const f = forecast({ ...base, requiredRemainingHours: 365, today: '2027-01-01' });
    expect(f.projectedFinish).toBe('2028-12-31');
  });
});

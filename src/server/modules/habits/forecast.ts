// The pace forecast, as a pure function of (remaining hours, the study log by local day, the
// goal, today, a target date) — no clock, no database — so its edges are tested directly.
//
// Rules (README, "Learning features"):
// - The pace is the average minutes a day over the last 28 local days ending today, counted
//   from the learner's first logged day when that is more recent (a learner who began a week ago
//   is judged on that week, not on 21 empty days before it). With nothing ever logged, it is the
//   daily goal (`basedOnDays: 0`). Logged before, but nothing in the 28 days: the pace is 0.
// - The finish is projected for the required steps: today plus ceil(minutes left / pace) days;
//   null at pace 0; today when nothing is left.
// - With a target date: the minutes a day it takes over the days from today to the target, both
//   included; null once the target has passed (the route refuses to set a past one).
// Days are calendar dates (YYYY-MM-DD) of the learner's zone, counted as dates, so a 23- or
// 25-hour DST day is one day like any other.
import { addDays } from './calendar.ts';

export const PACE_WINDOW_DAYS = 28;

export interface ForecastInput {
  remainingHours: number;
  requiredRemainingHours: number;
  /** Minutes per local date (those attached to the roadmap, or all of them). */
  totals: ReadonlyMap<string, number>;
  today: string;
  dailyGoalMinutes: number;
  targetDate: string | null;
}

export interface Forecast {
  remainingHours: number;
  requiredRemainingHours: number;
  pace: { minutesPerDay: number; basedOnDays: number };
  projectedFinish: string | null;
  targetDate: string | null;
  neededMinutesPerDay: number | null;
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function pace(totals: ReadonlyMap<string, number>, today: string, goal: number) {
  const logged = [...totals.entries()].filter(([date, minutes]) => minutes > 0 && date <= today);
  if (logged.length === 0) return { minutesPerDay: goal, basedOnDays: 0 };
  const first = logged.map(([date]) => date).sort()[0]!;
  const windowStart = addDays(today, -(PACE_WINDOW_DAYS - 1));
  const start = first > windowStart ? first : windowStart;
  const days = daysBetween(start, today) + 1;
  let minutes = 0;
  for (const [date, m] of logged) if (date >= start) minutes += m;
  return { minutesPerDay: Math.round(minutes / days), basedOnDays: days };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

export function forecast(input: ForecastInput): Forecast {
  const observed = pace(input.totals, input.today, input.dailyGoalMinutes);
  const left = Math.max(0, input.requiredRemainingHours) * 60;
  const projectedFinish =
    left === 0
      ? input.today
      : observed.minutesPerDay <= 0
        ? null
        : addDays(input.today, Math.ceil(left / observed.minutesPerDay));
  let neededMinutesPerDay: number | null = null;
  if (input.targetDate !== null) {
    const days = daysBetween(input.today, input.targetDate) + 1;
    neededMinutesPerDay = days < 1 ? null : Math.ceil(left / days);
  }
  return {
    remainingHours: round1(input.remainingHours),
    requiredRemainingHours: round1(input.requiredRemainingHours),
    pace: observed,
    projectedFinish,
    targetDate: input.targetDate,
    neededMinutesPerDay,
  };
}

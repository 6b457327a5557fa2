// Calendar days and streaks, as pure functions of dates — no clock, no database — so the rules
// are tested directly, time zones and DST included.
//
// Rules (README, "Progress and streaks"):
// - A study session counts for the calendar date it was logged for, in the learner's time zone
//   at the time ("today" when no date was given). Changing time zone later does not move it.
// - A day is met when its minutes reach the daily goal in force *now*: raising the goal can
//   break an old streak, lowering it can mend one. Simple to explain, and no history to keep.
// - The current streak counts met days back from today — or from yesterday while today is not
//   met yet, so a streak does not look broken at breakfast.

/** YYYY-MM-DD of `instant` on the wall calendar of `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The date `days` after (or before, when negative) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface Streaks {
  currentStreak: number;
  longestStreak: number;
}

/** Streaks over daily minute totals (date → minutes), judged by `goal`, as of `today`. */
export function streaks(totals: ReadonlyMap<string, number>, today: string, goal: number): Streaks {
  const met = (date: string) => (totals.get(date) ?? 0) >= goal;

  let currentStreak = 0;
  for (let day = met(today) ? today : addDays(today, -1); met(day); day = addDays(day, -1)) currentStreak++;

  let longestStreak = 0;
  let run = 0;
  let previous: string | undefined;
  for (const date of [...totals.keys()].filter(met).sort()) {
    run = previous !== undefined && addDays(previous, 1) === date ? run + 1 : 1;
    longestStreak = Math.max(longestStreak, run);
    previous = date;
  }
  return { currentStreak, longestStreak };
}

/** One entry per day for the `days` days ending today, oldest first, 0 on empty days. */
export function heatmap(totals: ReadonlyMap<string, number>, today: string, days = 365) {
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(today, i - days + 1);
    return { date, minutes: totals.get(date) ?? 0 };
  });
}

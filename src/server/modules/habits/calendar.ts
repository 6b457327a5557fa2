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

// Building an Intl.DateTimeFormat costs far more than using one (tens of microseconds: a page of
// 100 members spent 15 ms on it), so each is built once per time zone and kept.
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const clockFormats = new Map<string, Intl.DateTimeFormat>();

function cached(
  formats: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: () => Intl.DateTimeFormat,
) {
  let format = formats.get(timeZone);
  if (!format) {
    format = make(); // throws on an unknown zone, as before: nothing is cached then
    formats.set(timeZone, format);
  }
  return format;
}

/** YYYY-MM-DD of `instant` on the wall calendar of `timeZone`. */
export function localDate(instant: Date, timeZone: string): string {
  const parts = cached(
    dateFormats,
    timeZone,
    () => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }),
  ).formatToParts(instant);
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

/** Days since 1970-01-01 of a YYYY-MM-DD date. */
const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
/** The YYYY-MM-DD date of a day number. */
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);

export const FREEZE_EVERY_DAYS = 7;
export const FREEZES_MAX = 2;

export interface ForgivingStreaks extends Streaks {
  /** Freezes held now (0..FREEZES_MAX). */
  freezesHeld: number;
  /** Missed days a freeze covered, oldest first. */
  frozenDays: string[];
}

/**
 * Streaks with freezes, as Duolingo's: every FREEZE_EVERY_DAYS met days in a row earn a freeze
 * (at most FREEZES_MAX held); a past day that misses the goal while a streak runs uses a held
 * freeze and the streak goes on — the frozen day keeps the streak but does not lengthen it, and
 * it starts the count toward the next freeze again. With no freeze left the streak breaks;
 * freezes held stay held. Today is never frozen (it is not over). Days are judged by the goal in
 * force now, as `streaks` does; with `enabled` false this is `streaks` exactly, with none held.
 */
export function forgivingStreaks(
  totals: ReadonlyMap<string, number>,
  today: string,
  goal: number,
  enabled = true,
): ForgivingStreaks {
  if (!enabled) return { ...streaks(totals, today, goal), freezesHeld: 0, frozenDays: [] };
  // Walked over day numbers (days since 1970-01-01), not dates: no date parsed or formatted per day.
  const minutes = new Map<number, number>();
  for (const [date, m] of totals) minutes.set(dayNumber(date), m);
  const met = (day: number) => (minutes.get(day) ?? 0) >= goal;
  const last = dayNumber(today);
  let first = Infinity;
  for (const day of minutes.keys()) if (day < first && day <= last && met(day)) first = day;
  if (first === Infinity) return { currentStreak: 0, longestStreak: 0, freezesHeld: 0, frozenDays: [] };

  let run = 0;
  let metInRow = 0;
  let held = 0;
  let longest = 0;
  const frozenDays: string[] = [];
  for (let day = first; day <= last; day++) {
    if (met(day)) {
      run++;
      metInRow++;
      if (metInRow % FREEZE_EVERY_DAYS === 0) held = Math.min(FREEZES_MAX, held + 1);
    } else if (day === last) {
      // Today is not over: it neither breaks the streak nor takes a freeze yet.
    } else if (run > 0 && held > 0) {
      held--;
      frozenDays.push(dateOf(day));
      metInRow = 0;
    } else {
      run = 0;
      metInRow = 0;
    }
    longest = Math.max(longest, run);
  }
  return { currentStreak: run, longestStreak: longest, freezesHeld: held, frozenDays };
}

/** One entry per day for the `days` days ending today, oldest first, 0 on empty days. */
export function heatmap(totals: ReadonlyMap<string, number>, today: string, days = 365) {
  return Array.from({ length: days }, (_, i) => {
    const date = addDays(today, i - days + 1);
    return { date, minutes: totals.get(date) ?? 0 };
  });
}

/** The instant local `date` begins in `timeZone` (the first minute that exists that day). */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  // Correct a UTC guess by the zone's offset; twice, in case the first guess crossed a change.
  let t = midnightUtc;
  for (let i = 0; i < 2; i++) t = midnightUtc - zoneOffset(new Date(t), timeZone);
  // Where midnight itself is skipped (a DST change at 00:00), the day starts an hour later.
  while (localDate(new Date(t), timeZone) < date) t += 3_600_000;
  return new Date(t);
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in milliseconds. */
function zoneOffset(instant: Date, timeZone: string): number {
  const parts = cached(
    clockFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      }),
  ).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

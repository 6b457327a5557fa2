// The time rules of reminders and digests, as pure functions of settings, a time zone and an
// instant (luxon does the zone arithmetic). Every rule here has a test at a fixed clock.
//
// - A reminder is due at its local time on each chosen weekday, in the learner's zone *now*:
//   a learner who moves from Tokyo to Lisbon is reminded at 19:00 Lisbon time from then on.
// - A local time that does not exist that day (the hour skipped when clocks spring forward)
//   moves forward by the gap, as a wall clock would: 02:30 becomes 03:30.
// - A local time that happens twice (clocks falling back) is due at the first of the two.
// - The digest is due at 08:00 local on the chosen weekday.
import { DateTime } from 'luxon';
import { WEEKDAYS, type ReminderSettings, type Weekday } from '../../db/schema.ts';

export const DIGEST_LOCAL_TIME = '08:00';

/** The local calendar date of an instant in a zone, YYYY-MM-DD. */
export function localDateIn(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

export function weekdayOf(localDate: string): Weekday {
  return WEEKDAYS[DateTime.fromISO(localDate, { zone: 'UTC' }).weekday - 1]!;
}

/** The instant `localTime` happens on `localDate` in `zone` (see the DST rules above). */
export function instantOn(localDate: string, localTime: string, zone: string): Date {
  // luxon moves a skipped wall time forward by the gap; of a repeated one it offers both.
  const wall = DateTime.fromISO(`${localDate}T${localTime}`, { zone });
  const first = Math.min(...wall.getPossibleOffsets().map((dt) => dt.toMillis()));
  return new Date(Number.isFinite(first) ? first : wall.toMillis());
}

/**
 * The first time strictly after `after` that a notification at `localTime` on `days` is due, or
 * null when no day is chosen. Looks at most 8 local days ahead (one of them is chosen).
 */
export function nextDue(localTime: string, days: readonly Weekday[], zone: string, after: Date): Date | null {
  if (days.length === 0) return null;
  const start = DateTime.fromJSDate(after, { zone }).startOf('day');
  for (let i = 0; i <= 8; i++) {
    const date = start.plus({ days: i }).toISODate()!;
    if (!days.includes(weekdayOf(date))) continue;
    const due = instantOn(date, localTime, zone);
    if (due.getTime() > after.getTime()) return due;
  }
  return null;
}

export function nextReminder(settings: ReminderSettings, zone: string, after: Date): Date | null {
  return settings.enabled ? nextDue(settings.localTime, settings.days, zone, after) : null;
}

export function nextDigest(enabled: boolean, day: Weekday, zone: string, after: Date): Date | null {
  return enabled ? nextDue(DIGEST_LOCAL_TIME, [day], zone, after) : null;
}

/**
 * Whether a job due at `dueAt` still stands under the current settings: its time is the one the
 * settings give for that local day. A job queued before the learner changed the time, the days
 * or the zone does not, and stands down (the new settings have queued their own).
 */
export function stillDue(localTime: string, days: readonly Weekday[], zone: string, dueAt: Date): boolean {
  const date = localDateIn(dueAt, zone);
  return days.includes(weekdayOf(date)) && instantOn(date, localTime, zone).getTime() === dueAt.getTime();
}

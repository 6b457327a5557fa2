// A learner's study plan as an iCalendar (RFC 5545) subscription feed: a timed event for each
// study block on the chosen weekdays, and an all-day event for reviews due on a day without one.
// Pure — the caller supplies "today" in the learner's zone. Times are emitted in UTC, so no
// VTIMEZONE is needed, and UIDs depend only on user and date, so clients update events in place.

import ical, { escape, ICalEventTransparency } from 'ical-generator';
import { DateTime } from 'luxon';

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface StudyCalendarInput {
  userId: string; // part of every UID
  displayName: string;
  timezone: string; // IANA zone
  localTime: string; // HH:MM, when the daily study block starts
  days: Weekday[]; // weekdays with a study block
  blockMinutes: number; // the daily goal, and the block's length
  today: string; // YYYY-MM-DD in `timezone`
  horizonDays: number; // days from today to include
  reviewsDue: Array<{ date: string /* YYYY-MM-DD */; stepTitle: string; roadmapTitle: string }>;
  dashboardUrl: string;
  productId?: string; // the product part of PRODID
}

// Indexed by luxon's weekday − 1 (Monday is 1).
const WEEKDAYS: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

export function studyCalendar(input: StudyCalendarInput): string {
  const { userId, timezone: zone, dashboardUrl } = input;
  const first = valid(DateTime.fromISO(input.today, { zone: 'utc' }), 'today');
  // DTSTAMP: the start of the learner's day, so the same input gives the same feed.
  const stamp = valid(DateTime.fromISO(input.today, { zone }), 'timezone');

  const calendar = ical({
    name: 'Waymark study plan',
    prodId: { company: 'Waymark', product: input.productId ?? 'Study plan' },
    // ical-generator writes the calendar description (X-WR-CALDESC) verbatim, unlike event text.
    description: escape(`Study blocks and reviews due for ${input.displayName}`, false),
    ttl: 60 * 60,
  });

  const reviewsOn = Map.groupBy(input.reviewsDue, (review) => review.date);
  const studyDays = new Set(input.days);

  for (let i = 0; i < input.horizonDays; i++) {
    const day = first.plus({ days: i });
    const date = day.toISODate();
    const reviews = (reviewsOn.get(date) ?? []).map((r) => `${r.stepTitle} (${r.roadmapTitle})`);

    if (studyDays.has(WEEKDAYS[day.weekday - 1]!)) {
      // A time skipped by a DST change moves forward, as luxon does (02:30 → 03:30).
      const start = valid(DateTime.fromISO(`${date}T${input.localTime}`, { zone }), 'localTime');
      calendar.createEvent({
        id: `study-${date}-${userId}@waymark`,
        stamp,
        start,
        end: start.plus({ minutes: input.blockMinutes }),
        summary: `Study: ${plural(input.blockMinutes, 'minute')}`,
        description: [...(reviews.length ? ['Reviews due:', ...reviews, ''] : []), dashboardUrl].join('\n'),
        url: dashboardUrl,
      });
    } else if (reviews.length) {
      calendar.createEvent({
        id: `reviews-${date}-${userId}@waymark`,
        stamp,
        allDay: true,
        start: day,
        end: day.plus({ days: 1 }),
        summary: `${plural(reviews.length, 'review')} due`,
        description: [...reviews, '', dashboardUrl].join('\n'),
        url: dashboardUrl,
        transparency: ICalEventTransparency.TRANSPARENT,
      });
    }
  }

  return calendar.toString();
}

function valid(dt: DateTime<true> | DateTime<false>, what: string): DateTime<true> {
  if (!dt.isValid) throw new RangeError(`Invalid ${what}: ${dt.invalidExplanation ?? dt.invalidReason}`);
  return dt;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

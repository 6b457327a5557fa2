import { describe, expect, it } from 'vitest';
import ICAL from 'ical.js';
import { studyCalendar, type StudyCalendarInput } from './calendar-feed.ts';

const weekdays: StudyCalendarInput['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

const input = (overrides: Partial<StudyCalendarInput> = {}): StudyCalendarInput => ({
  userId: 'user-1',
  displayName: 'Ana',
  timezone: 'Europe/Lisbon',
  localTime: '19:00',
  days: weekdays,
  blockMinutes: 30,
  today: '2027-01-04', // a Monday
  horizonDays: 14,
  reviewsDue: [],
  dashboardUrl: 'https://waymark.example/dashboard',
  ...overrides,
});

/** Parses the feed as a client would, checking the calendar-level properties on the way. */
function parse(ics: string) {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  expect(calendar.name).toBe('vcalendar');
  expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
  expect(calendar.getFirstPropertyValue('prodid')).toMatch(/Waymark/);
  expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('Waymark study plan');
  expect(calendar.getFirstPropertyValue('method')).toBeNull();
  expect(calendar.getAllSubcomponents('vtimezone')).toHaveLength(0);
  const events = calendar.getAllSubcomponents('vevent').map((vevent) => new ICAL.Event(vevent));
  return { calendar, events };
}

const utc = (event: ICAL.Event) => event.startDate.toJSDate().toISOString();
const eventOn = (events: ICAL.Event[], date: string) =>
  events.find((e) => e.startDate.toString().startsWith(date));

describe('studyCalendar', () => {
  it('has a study block at the local time on each chosen weekday, across a DST change', () => {
    // Lisbon moves from UTC+0 to UTC+1 on Sunday 2027-03-28, in the middle of the two weeks.
    const ics = studyCalendar(input({ today: '2027-03-22' }));
    const { calendar, events } = parse(ics);

    expect(calendar.getFirstPropertyValue('refresh-interval')?.toString()).toBe('PT1H');
    expect(events).toHaveLength(10);
    expect(events.map(utc)).toEqual([
      ...['22', '23', '24', '25', '26'].map((d) => `2027-03-${d}T19:00:00.000Z`),
      ...['29', '30', '31'].map((d) => `2027-03-${d}T18:00:00.000Z`),
      ...['01', '02'].map((d) => `2027-04-${d}T18:00:00.000Z`),
    ]);
    for (const event of events) {
      expect(event.summary).toBe('Study: 30 minutes');
      expect(event.endDate.subtractDate(event.startDate).toSeconds()).toBe(30 * 60);
      expect(event.description).toBe('https://waymark.example/dashboard');
      expect(event.component.getFirstPropertyValue('url')).toBe('https://waymark.example/dashboard');
    }
    expect(ics).toContain('DTSTART:20270322T190000Z');
    expect(ics).toContain('DTSTART:20270329T180000Z');
  });

  it('moves a block at a time skipped by spring-forward to the same time after the jump', () => {
    // New York skips 02:00–03:00 on 2027-03-14: 02:30 becomes 03:30 EDT.
    const { events } = parse(
      studyCalendar(
        input({
          timezone: 'America/New_York',
          localTime: '02:30',
          days: ['sun', 'mon'],
          today: '2027-03-14',
          horizonDays: 2,
        }),
      ),
    );
    expect(events.map(utc)).toEqual(['2027-03-14T07:30:00.000Z', '2027-03-15T06:30:00.000Z']);
  });

  it('lists reviews in the block of their day, or in an all-day event on a day without one', () => {
    const { events } = parse(
      studyCalendar(
        input({
          reviewsDue: [
            { date: '2027-01-05', stepTitle: 'Branches', roadmapTitle: 'Git' },
            { date: '2027-01-09', stepTitle: 'Rebase', roadmapTitle: 'Git' },
            { date: '2027-01-09', stepTitle: 'Flexbox', roadmapTitle: 'CSS' },
            { date: '2027-02-01', stepTitle: 'Beyond the horizon', roadmapTitle: 'Git' },
          ],
        }),
      ),
    );
    expect(events).toHaveLength(11);

    const tuesday = eventOn(events, '2027-01-05')!;
    expect(tuesday.summary).toBe('Study: 30 minutes');
    expect(tuesday.description).toBe('Reviews due:\nBranches (Git)\n\nhttps://waymark.example/dashboard');

    const saturday = eventOn(events, '2027-01-09')!;
    expect(saturday.startDate.isDate).toBe(true);
    expect(saturday.startDate.toString()).toBe('2027-01-09');
    expect(saturday.endDate.toString()).toBe('2027-01-10');
    expect(saturday.component.getFirstProperty('dtstart')?.type).toBe('date');
    expect(saturday.uid).toBe('reviews-2027-01-09-user-1@waymark');
    expect(saturday.summary).toBe('2 reviews due');
    expect(saturday.description).toBe('Rebase (Git)\nFlexbox (CSS)\n\nhttps://waymark.example/dashboard');
  });

  it('round-trips commas, semicolons and newlines in text', () => {
    const stepTitle = 'Merge, rebase; squash\nthen push';
    const roadmapTitle = 'Git; the basics, really';
    const displayName = 'Ana, "Ani"; da Silva\nX-INJECTED:1';
    const { calendar, events } = parse(
      studyCalendar(
        input({
          displayName,
          reviewsDue: [
            { date: '2027-01-04', stepTitle, roadmapTitle },
            { date: '2027-01-10', stepTitle, roadmapTitle },
          ],
        }),
      ),
    );
    const line = `${stepTitle} (${roadmapTitle})`;
    expect(eventOn(events, '2027-01-04')!.description).toBe(
      `Reviews due:\n${line}\n\nhttps://waymark.example/dashboard`,
    );
    expect(eventOn(events, '2027-01-10')!.description).toBe(`${line}\n\nhttps://waymark.example/dashboard`);
    // ical.js hands back X- properties undecoded: check they carry one level of TEXT escaping.
    expect(calendar.getFirstPropertyValue('x-wr-caldesc')).toBe(
      'Study blocks and reviews due for Ana\\, "Ani"\\; da Silva\\nX-INJECTED:1',
    );
    expect(calendar.getFirstPropertyValue('x-injected')).toBeNull();
  });

  it('is deterministic, with UIDs stable per user and date and unique within the feed', () => {
    const withReviews = input({
      days: ['mon', 'wed'],
      reviewsDue: [
        { date: '2027-01-05', stepTitle: 'Branches', roadmapTitle: 'Git' },
        { date: '2027-01-06', stepTitle: 'Grid', roadmapTitle: 'CSS' },
      ],
    });
    const first = studyCalendar(withReviews);
    expect(studyCalendar(withReviews)).toBe(first);

    const uids = parse(first).events.map((e) => e.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids.slice(0, 3)).toEqual([
      'study-2027-01-04-user-1@waymark',
      'reviews-2027-01-05-user-1@waymark',
      'study-2027-01-06-user-1@waymark',
    ]);
    const other = parse(studyCalendar({ ...withReviews, userId: 'user-2' })).events.map((e) => e.uid);
    expect(other.filter((uid) => uids.includes(uid))).toEqual([]);
  });

  it('rejects an unknown time zone', () => {
    expect(() => studyCalendar(input({ timezone: 'Mars/Olympus_Mons' }))).toThrow(RangeError);
  });
});

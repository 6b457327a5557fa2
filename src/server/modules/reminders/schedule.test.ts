import { describe, expect, it } from 'vitest';
import { DEFAULT_REMINDER } from '../../db/schema.ts';
import { instantOn, localDateIn, nextDigest, nextDue, nextReminder, stillDue } from './schedule.ts';

const at = (iso: string) => new Date(iso);
const on = { ...DEFAULT_REMINDER, enabled: true };

describe('reminder time rules', () => {
  it('is due at the local time today when that is still ahead, else on the next chosen day', () => {
    // 09:00 in Lisbon (UTC+0 in winter).
    expect(nextDue('19:00', ['wed'], 'Europe/Lisbon', at('2026-12-02T09:00:00Z'))).toEqual(
      at('2026-12-02T19:00:00Z'),
    );
    expect(nextDue('19:00', ['wed'], 'Europe/Lisbon', at('2026-12-02T19:00:00Z'))).toEqual(
      at('2026-12-09T19:00:00Z'),
    );
    expect(nextDue('19:00', ['thu', 'sat'], 'Europe/Lisbon', at('2026-12-02T20:00:00Z'))).toEqual(
      at('2026-12-03T19:00:00Z'),
    );
  });

  it('is never due with no day chosen, or while off', () => {
    expect(nextDue('19:00', [], 'UTC', at('2026-12-02T09:00:00Z'))).toBeNull();
    expect(nextReminder(DEFAULT_REMINDER, 'UTC', at('2026-12-02T09:00:00Z'))).toBeNull();
    expect(nextDigest(false, 'mon', 'UTC', at('2026-12-02T09:00:00Z'))).toBeNull();
  });

  it('moves a time the clocks skip (spring forward) on by the gap: 02:30 comes at 03:30', () => {
    // New York springs forward at 02:00 on 14 March 2027: 02:30 does not exist that day.
    const due = nextDue('02:30', ['sun'], 'America/New_York', at('2027-03-13T12:00:00Z'));
    expect(due).toEqual(at('2027-03-14T07:30:00Z')); // 03:30 EDT
    expect(localDateIn(due!, 'America/New_York')).toBe('2027-03-14');
    // The job queued for it still stands at its time, and the next one is a week on, at 02:30 EDT.
    expect(stillDue('02:30', ['sun'], 'America/New_York', due!)).toBe(true);
    expect(nextDue('02:30', ['sun'], 'America/New_York', due!)).toEqual(at('2027-03-21T06:30:00Z'));
  });

  it('takes the first of a time that happens twice (fall back)', () => {
    // New York falls back at 02:00 on 7 November 2027: 01:30 happens at -04:00, then at -05:00.
    expect(instantOn('2027-11-07', '01:30', 'America/New_York')).toEqual(at('2027-11-07T05:30:00Z'));
    const due = nextDue('01:30', ['sun'], 'America/New_York', at('2027-11-07T05:30:00Z'));
    expect(due).toEqual(at('2027-11-14T06:30:00Z')); // not 06:30Z the same night
  });

  it('follows a learner who moves from Tokyo to Lisbon: the Tokyo time stands down', () => {
    const settings = { ...on, localTime: '09:00' };
    const tokyo = nextReminder(settings, 'Asia/Tokyo', at('2026-12-01T12:00:00Z'))!;
    expect(tokyo).toEqual(at('2026-12-02T00:00:00Z')); // 09:00 JST
    expect(stillDue('09:00', settings.days, 'Asia/Tokyo', tokyo)).toBe(true);
    // After the move the same job no longer matches the settings…
    expect(stillDue('09:00', settings.days, 'Europe/Lisbon', tokyo)).toBe(false);
    // …and the next reminder is 09:00 in Lisbon.
    expect(nextReminder(settings, 'Europe/Lisbon', at('2026-12-01T12:00:00Z'))).toEqual(
      at('2026-12-02T09:00:00Z'),
    );
  });

  it('sends the digest at 08:00 local on its weekday', () => {
    expect(nextDigest(true, 'mon', 'Asia/Tokyo', at('2026-12-02T00:00:00Z'))).toEqual(
      at('2026-12-06T23:00:00Z'), // Monday 7 December, 08:00 JST
    );
  });

  it('stands a job down when the time or the days changed after it was queued', () => {
    const due = at('2026-12-02T19:00:00Z');
    expect(stillDue('19:00', ['wed'], 'UTC', due)).toBe(true);
    expect(stillDue('18:00', ['wed'], 'UTC', due)).toBe(false);
    expect(stillDue('19:00', ['thu'], 'UTC', due)).toBe(false);
  });
});

// Settings → reminders and the calendar feed: when and how Waymark nudges the learner (a daily
// reminder only on days the goal is not met yet, the weekly digest), push notifications in this
// browser, a test reminder to see it work, and a calendar feed URL for calendar apps.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client, type ProfilePatch, type User } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { keys } from '../queries.ts';
import { DENIED_HELP, pushUnsupported, storedSubscriptionId, turnOffPush, turnOnPush } from '../push.ts';
import { ErrorMessage, Loading } from './common.tsx';

type Weekday = User['digestDay'];
type Channel = User['reminder']['channels'][number];

const WEEKDAYS: { value: Weekday; label: string }[] = [
  { value: 'mon', label: 'Monday' },
  { value: 'tue', label: 'Tuesday' },
  { value: 'wed', label: 'Wednesday' },
  { value: 'thu', label: 'Thursday' },
  { value: 'fri', label: 'Friday' },
  { value: 'sat', label: 'Saturday' },
  { value: 'sun', label: 'Sunday' },
];
const CHANNEL_NAMES: Record<Channel, string> = { email: 'email', push: 'push' };

const isWeekday = (v: unknown): v is Weekday => WEEKDAYS.some((d) => d.value === v);
const isChannel = (v: unknown): v is Channel => v === 'email' || v === 'push';

/** "19:30" or "7:30 PM", as this browser's locale writes a time (the time input shows the same). */
function clock(localTime: string): string {
  const [hours = 0, minutes = 0] = localTime.split(':').map(Number);
  return new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' }).format(
    new Date(2000, 0, 1, hours, minutes),
  );
}

/** "a, b and c" */
function list(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

/** What a saved reminder does, in one sentence. */
function describe(user: User): string {
  const r = user.reminder;
  if (!r.enabled) return 'Reminders are off.';
  const days =
    r.days.length === 7
      ? 'every day'
      : `on ${list(WEEKDAYS.filter((d) => r.days.includes(d.value)).map((d) => d.label))}`;
  return `Reminders come at ${clock(r.localTime)} (${user.timezone}) ${days} by ${list(r.channels.map((c) => CHANNEL_NAMES[c]))}.`;
}

/** The address is not confirmed yet: say so where email is chosen, and offer a new link. */
function ConfirmEmailHint({ email, id }: { email: string; id: string }) {
  const resend = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/auth/verify-email/resend')),
  });
  return (
    <div className="reminder-email-hint">
      <p className="hint" id={id}>
        Mail goes only to a confirmed address, and {email} is not confirmed yet: open the link we mailed you.
      </p>
      <button
        type="button"
        className="button secondary small"
        disabled={resend.isPending}
        onClick={() => resend.mutate()}
      >
        Send a new confirmation link
      </button>
      {resend.isSuccess ? <p role="status">We sent a new link to {email}. It works for 30 minutes.</p> : null}
      <ErrorMessage error={resend.error} />
    </div>
  );
}

/** Push notifications in this browser: on (with a way off), or how to turn them on. */
function PushInThisBrowser({ user }: { user: User }) {
  const queryClient = useQueryClient();
  const unsupported = pushUnsupported();
  const [ownId, setOwnId] = useState(() => storedSubscriptionId(user.id));
  const subscriptions = useQuery({
    queryKey: keys.pushSubscriptions,
    queryFn: () => call(() => client.GET('/api/v1/me/push-subscriptions')),
  });
  const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.pushSubscriptions });
  const on = useMutation({
    mutationFn: (vapidPublicKey: string) => turnOnPush(user.id, vapidPublicKey),
    onSuccess: (id) => setOwnId(id),
    onSettled: refresh,
  });
  const off = useMutation({
    mutationFn: (id: string) => turnOffPush(user.id, id),
    onSuccess: () => setOwnId(null),
    onSettled: refresh,
  });

  const data = subscriptions.data;
  const isOn = ownId !== null && (data?.items.some((s) => s.id === ownId) ?? false);
  const others = (data?.items.length ?? 0) - (isOn ? 1 : 0);
  const busy = on.isPending || off.isPending;
  const denied = !unsupported && Notification.permission === 'denied';

  let body;
  if (unsupported) body = <p>{unsupported}</p>;
  else if (subscriptions.isPending) body = <Loading />;
  else if (!data) body = <ErrorMessage error={subscriptions.error} />;
  else if (!data.vapidPublicKey) {
    body = (
      <p>
        Push notifications are not set up on this Waymark server: its operator has to give it VAPID keys
        first. Email reminders work without them.
      </p>
    );
  } else if (isOn) {
    body = (
      <>
        <p role="status">
          Push is on in this browser.
          {user.reminder.channels.includes('push')
            ? ''
            : ' Tick “Push notifications” under Channels above and update your reminders, so they come here.'}
        </p>
        <button type="button" className="button secondary" disabled={busy} onClick={() => off.mutate(ownId)}>
          Turn off
        </button>
      </>
    );
  } else {
    const key = data.vapidPublicKey;
    body = (
      <>
        <p>Reminders as notifications on this device, even with Waymark closed.</p>
        {denied && !on.error ? <p className="error">{DENIED_HELP}</p> : null}
        {off.isSuccess ? <p role="status">Push is off in this browser.</p> : null}
        <button type="button" className="button secondary" disabled={busy} onClick={() => on.mutate(key)}>
          Turn on push notifications in this browser
        </button>
      </>
    );
  }
  return (
    <div className="reminder-part">
      <h3>Push notifications in this browser</h3>
      {body}
      {on.isPending ? (
        <Loading label="Turning push on… (your browser may ask you to allow notifications)" />
      ) : null}
      <ErrorMessage error={on.error ?? off.error} />
      {others > 0 ? (
        <p className="hint">
          {others === 1 ? 'One other browser gets' : `${others} other browsers get`} push reminders too.
        </p>
      ) : null}
    </div>
  );
}

/** "Send me a test reminder": on the saved channels, now. */
function TestReminder() {
  const test = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/me/reminder/test')),
  });
  return (
    <div className="reminder-part">
      <h3>Try it</h3>
      <p className="hint">
        A test reminder goes out now on your saved channels, whatever today’s minutes are.
      </p>
      <button
        type="button"
        className="button secondary"
        disabled={test.isPending}
        onClick={() => test.mutate()}
      >
        Send me a test reminder
      </button>
      {test.isSuccess ? (
        <p role="status">
          A test reminder is on its way by {list(test.data.channels.map((c) => CHANNEL_NAMES[c]))}.
        </p>
      ) : null}
      <ErrorMessage error={test.error} />
    </div>
  );
}

export function Reminders({ user }: { user: User }) {
  const { setUser } = useAuth();
  const queryClient = useQueryClient();
  const [time, setTime] = useState(user.reminder.localTime);
  const [problem, setProblem] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (body: ProfilePatch) => call(() => client.PATCH('/api/v1/me', { body })),
    onSuccess: (next) => {
      setUser(next);
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const enabled = form.get('reminderEnabled') === 'on';
    const days = form.getAll('reminderDays').filter(isWeekday);
    const channels = form.getAll('reminderChannels').filter(isChannel);
    if (enabled && days.length === 0) return setProblem('Choose at least one day, or turn reminders off.');
    if (enabled && channels.length === 0)
      return setProblem('Choose email, push or both, or turn reminders off.');
    setProblem(null);
    const digestDay = form.get('digestDay');
    save.mutate({
      reminder: {
        enabled,
        localTime: String(form.get('reminderTime') || user.reminder.localTime),
        days,
        channels,
      },
      weeklyDigest: form.get('weeklyDigest') === 'on',
      ...(isWeekday(digestDay) ? { digestDay } : {}),
    });
  };

  const zoneHint =
    user.timezone === 'UTC'
      ? ' Is that not where you are? Choose your time zone under Profile and habit, and save it.'
      : '';

  return (
    <section className="panel" aria-labelledby="reminders">
      <h2 id="reminders">Reminders</h2>
      <p>
        A nudge at your time on the days you choose — only when you have not met your daily goal yet that day,
        and at most once a day.
      </p>
      <form onSubmit={submit} aria-labelledby="reminders">
        <label className="checkbox">
          <input
            type="checkbox"
            role="switch"
            name="reminderEnabled"
            defaultChecked={user.reminder.enabled}
          />{' '}
          Remind me to study
        </label>
        <div className="field">
          <label htmlFor="reminder-time">Time</label>
          <input
            id="reminder-time"
            name="reminderTime"
            type="time"
            required
            value={time}
            onChange={(e) => setTime(e.target.value)}
            aria-describedby="reminder-time-hint"
          />
          <p className="hint" id="reminder-time-hint">
            {clock(time || user.reminder.localTime)} in {user.timezone}, your time zone.{zoneHint}
          </p>
        </div>
        <fieldset className="choices">
          <legend>Days</legend>
          {WEEKDAYS.map((d) => (
            <label key={d.value} className="checkbox">
              <input
                type="checkbox"
                name="reminderDays"
                value={d.value}
                defaultChecked={user.reminder.days.includes(d.value)}
              />{' '}
              {d.label}
            </label>
          ))}
        </fieldset>
        <fieldset className="choices">
          <legend>Channels</legend>
          <label className="checkbox">
            <input
              type="checkbox"
              name="reminderChannels"
              value="email"
              defaultChecked={user.reminder.channels.includes('email')}
              aria-describedby={user.emailVerified ? undefined : 'reminder-email-hint'}
            />{' '}
            Email to {user.email}
          </label>
          {user.emailVerified ? null : <ConfirmEmailHint email={user.email} id="reminder-email-hint" />}
          <label className="checkbox">
            <input
              type="checkbox"
              name="reminderChannels"
              value="push"
              defaultChecked={user.reminder.channels.includes('push')}
              aria-describedby="reminder-push-hint"
            />{' '}
            Push notifications
          </label>
          <p className="hint" id="reminder-push-hint">
            To every browser where you turned them on (below).
          </p>
        </fieldset>
        <label className="checkbox">
          <input
            type="checkbox"
            name="weeklyDigest"
            defaultChecked={user.weeklyDigest}
            aria-describedby="digest-hint"
          />{' '}
          Weekly digest by email
        </label>
        <div className="field">
          <label htmlFor="digest-day">Digest day</label>
          <select
            id="digest-day"
            name="digestDay"
            defaultValue={user.digestDay}
            aria-describedby="digest-hint"
          >
            {WEEKDAYS.map((d) => (
              <option key={d.value} value={d.value}>
                {d.label}
              </option>
            ))}
          </select>
          <p className="hint" id="digest-hint">
            Your week in numbers — minutes, days met, steps done, reviews due — at 08:00 on that day.
          </p>
        </div>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <ErrorMessage error={save.error} />
        {save.isSuccess ? <p role="status">Updated. {describe(save.data)}</p> : null}
        <button type="submit" className="button" disabled={save.isPending}>
          Update reminders
        </button>
      </form>
      <PushInThisBrowser user={user} />
      <TestReminder />
    </section>
  );
}

/** The calendar feed: a secret URL for calendar apps, shown once when it is made. */
export function CalendarFeed() {
  const [url, setUrl] = useState<string | null>(null);
  const [said, setSaid] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/me/calendar-token')),
    onSuccess: (feed) => {
      setSaid(
        url
          ? 'A new URL: the old one no longer works. Put the new one in your calendar app.'
          : 'Here is your feed URL. Add it in your calendar app as a subscription (“From URL”).',
      );
      setUrl(feed.url);
    },
  });
  const revoke = useMutation({
    mutationFn: () => call(() => client.DELETE('/api/v1/me/calendar-token')),
    onSuccess: () => {
      setUrl(null);
      setSaid('The calendar feed is off: its URL no longer works.');
    },
  });
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      setSaid('Copied the URL.');
    } catch {
      const input = document.getElementById('calendar-url');
      if (input instanceof HTMLInputElement) input.select();
      setSaid('The URL is selected: copy it with Ctrl+C (⌘C on a Mac).');
    }
  };
  const busy = create.isPending || revoke.isPending;
  return (
    <section className="panel" aria-labelledby="calendar">
      <h2 id="calendar">Subscribe in your calendar app</h2>
      <p>
        Your study blocks (at your reminder time, on its days) and the reviews due in the next 14 days, in
        Google Calendar, Apple Calendar, Outlook or any app that subscribes to a calendar by URL.
      </p>
      {url ? (
        <>
          <div className="field">
            <label htmlFor="calendar-url">Calendar feed URL</label>
            <input
              id="calendar-url"
              readOnly
              value={url}
              onFocus={(e) => e.currentTarget.select()}
              aria-describedby="calendar-secret"
            />
          </div>
          <p className="hint" id="calendar-secret">
            Keep this URL to yourself, like a password: anyone who has it can read your study calendar.
            Waymark shows it only now; replace it if it got out.
          </p>
          <div className="row">
            <button type="button" className="button" onClick={() => void copy()}>
              Copy the URL
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={busy}
              onClick={() => create.mutate()}
            >
              Replace the URL
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={busy}
              onClick={() => revoke.mutate()}
            >
              Turn the feed off
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="hint">
            The URL is a secret, shown once when it is made. Made one before? A new URL replaces it (the old
            one stops working); turning the feed off stops it too.
          </p>
          <div className="row">
            <button type="button" className="button" disabled={busy} onClick={() => create.mutate()}>
              Create a calendar feed URL
            </button>
            <button
              type="button"
              className="button secondary"
              disabled={busy}
              onClick={() => revoke.mutate()}
            >
              Turn the feed off
            </button>
          </div>
        </>
      )}
      {said ? <p role="status">{said}</p> : null}
      <ErrorMessage error={create.error ?? revoke.error} />
    </section>
  );
}

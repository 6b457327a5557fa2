// Profile, time zone and goal, reminders and the calendar feed, the public profile and its card,
// sign-in and security, credentials (Open Badges), personal access tokens, webhooks, export,
// deletion.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate } from 'react-router';
import { call, client, type ProfilePatch } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useLeave } from '../leave.tsx';
import { AccessTokens } from '../components/AccessTokens.tsx';
import { ChangeEmail, ChangePassword, Sessions } from '../components/AccountSecurity.tsx';
import { Credentials } from '../components/Credentials.tsx';
import { CalendarFeed, Reminders } from '../components/Reminders.tsx';
import { Webhooks } from '../components/Webhooks.tsx';
import { ErrorMessage, Field, Loading, usePageMeta } from '../components/common.tsx';

const zones = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC'];
  }
})();
const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

export default function Settings() {
  usePageMeta('Settings');
  const { status, user, setUser } = useAuth();
  const { leaving, leave } = useLeave();
  const [confirmText, setConfirmText] = useState('');
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: (body: ProfilePatch) => call(() => client.PATCH('/api/v1/me', { body })),
    onSuccess: (next) => {
      setUser(next);
      // The goal and the time zone change what the dashboard shows: read it again.
      void queryClient.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const exportData = useMutation({
    mutationFn: async () => {
      const data = await call(() => client.GET('/api/v1/me/export'));
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = `waymark-export-${new Date().toISOString().slice(0, 10)}.json`;
      a.click();
      URL.revokeObjectURL(url);
    },
  });
  const remove = useMutation({
    mutationFn: () => call(() => client.DELETE('/api/v1/me')),
    onSuccess: () => leave('Your account and everything in it were deleted.'),
  });
  const impact = useQuery({
    queryKey: ['me', 'deletion'],
    queryFn: () => call(() => client.GET('/api/v1/me/deletion')),
    enabled: status === 'signed-in',
  });

  if (status === 'anonymous' && !leaving) return <Navigate to="/login" replace />;
  if (!user) return <Loading />;

  // A new account is on UTC: offer the browser's zone instead.
  const zone = user.timezone === 'UTC' && browserZone && browserZone !== 'UTC' ? browserZone : user.timezone;
  const cardUrl = user.handle ? `${location.origin}/api/v1/users/${user.handle}/card.svg` : null;

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const text = (name: string) => String(form.get(name) ?? '');
    save.mutate({
      displayName: text('displayName'),
      timezone: text('timezone'),
      dailyGoalMinutes: Number(form.get('dailyGoalMinutes')),
      handle: text('handle') || null,
      publicProfile: form.get('publicProfile') === 'on',
      streakFreezes: form.get('streakFreezes') === 'on',
    });
  };

  return (
    <>
      <h1>Settings</h1>
      <form className="panel" onSubmit={submit} aria-labelledby="profile">
        <h2 id="profile">Profile and habit</h2>
        <Field
          label="Name"
          name="displayName"
          defaultValue={user.displayName}
          required
          maxLength={80}
          error={save.error}
        />
        <div className="field">
          <label htmlFor="field-timezone">Time zone</label>
          <select id="field-timezone" name="timezone" defaultValue={zone}>
            {(zones.includes(zone) ? zones : [zone, ...zones]).map((z) => (
              <option key={z}>{z}</option>
            ))}
          </select>
          <p className="hint">Your days — and so your streak — follow this zone.</p>
        </div>
        <Field
          label="Daily goal (minutes)"
          name="dailyGoalMinutes"
          type="number"
          min={5}
          max={600}
          defaultValue={user.dailyGoalMinutes}
          hint="A day counts toward your streak when you study this long."
          error={save.error}
        />
        <Field
          label="Handle"
          name="handle"
          defaultValue={user.handle ?? ''}
          pattern="[a-z0-9][a-z0-9\-]{1,28}[a-z0-9]"
          hint="3–30 lower-case letters, digits and hyphens; your public page is /u/handle."
          error={save.error}
        />
        <label className="checkbox">
          <input type="checkbox" name="publicProfile" defaultChecked={user.publicProfile} /> Show my roadmaps
          and streak on a public profile
        </label>
        <label className="checkbox">
          <input type="checkbox" name="streakFreezes" defaultChecked={user.streakFreezes} /> Streak freezes:
          every 7 days in a row that meet my goal earn one (at most 2), and a missed day uses one instead of
          breaking my streak
        </label>
        <ErrorMessage error={save.error} />
        {save.isSuccess ? <p role="status">Saved.</p> : null}
        <button type="submit" className="button" disabled={save.isPending}>
          Save
        </button>
      </form>

      <Reminders user={user} />
      <CalendarFeed />

      {user.publicProfile && cardUrl ? (
        <section className="panel" aria-labelledby="card">
          <h2 id="card">Your progress card</h2>
          <img src={cardUrl} alt={`Progress card of ${user.displayName}`} width={420} height={196} />
          <label htmlFor="card-markdown">Markdown to embed it</label>
          <textarea id="card-markdown" readOnly rows={2} value={`![My Waymark progress](${cardUrl})`} />
        </section>
      ) : null}

      <ChangePassword />
      <ChangeEmail email={user.email} />
      <Sessions />
      <Credentials />
      <AccessTokens />
      <Webhooks />

      <section className="panel" aria-labelledby="data">
        <h2 id="data">Your data</h2>
        <p>Download everything Waymark keeps about you: profile, progress and study log, as one JSON file.</p>
        <button
          type="button"
          className="button secondary"
          onClick={() => exportData.mutate()}
          disabled={exportData.isPending}
        >
          Export my data
        </button>
        <ErrorMessage error={exportData.error} />
      </section>

      <section className="panel danger" aria-labelledby="delete">
        <h2 id="delete">Delete my account</h2>
        <p>This deletes your account, progress and study log at once, and cannot be undone.</p>
        {impact.data && impact.data.publishedRoadmaps.length > 0 ? (
          <p>
            Roadmaps you published stay published for the people learning them, looked after by the admins
            from then on: {impact.data.publishedRoadmaps.join(', ')}. Unpublished changes to them are deleted.
          </p>
        ) : null}
        {impact.data && impact.data.draftRoadmaps.length > 0 ? (
          <p>Roadmaps you never published are deleted: {impact.data.draftRoadmaps.join(', ')}.</p>
        ) : null}
        <Field
          label='Type "delete my account" to confirm'
          name="confirm"
          value={confirmText}
          onChange={(e) => setConfirmText(e.target.value)}
          autoComplete="off"
        />
        <button
          type="button"
          className="button danger"
          disabled={confirmText !== 'delete my account' || remove.isPending}
          onClick={() => remove.mutate()}
        >
          Delete my account
        </button>
        <ErrorMessage error={remove.error} />
      </section>
    </>
  );
}

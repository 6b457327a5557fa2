// Settings → sign-in and security: change the password (other devices are signed out), move the
// account to another email (it takes effect from the link mailed there), and see every device
// signed in, signing any of them out.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { call, client } from '../api.ts';
import { ErrorMessage, Field, Loading } from './common.tsx';

const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** A short name for a browser from its user agent ("Chrome on Linux"), or what we know. */
function deviceName(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device';
  const browser = /Firefox\//.test(userAgent)
    ? 'Firefox'
    : /Edg\//.test(userAgent)
      ? 'Edge'
      : /Chrom(e|ium)\//.test(userAgent)
        ? 'Chrome'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : userAgent.split(/[ /]/)[0];
  const os = /Android/.test(userAgent)
    ? 'Android'
    : /iPhone|iPad/.test(userAgent)
      ? 'iOS'
      : /Mac OS X/.test(userAgent)
        ? 'macOS'
        : /Windows/.test(userAgent)
          ? 'Windows'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : undefined;
  return os ? `${browser} on ${os}` : (browser ?? 'Unknown device');
}

export function ChangePassword() {
  const change = useMutation({
    mutationFn: (body: { currentPassword: string; newPassword: string }) =>
      call(() => client.POST('/api/v1/me/password', { body })),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    change.mutate(
      { currentPassword: String(data.get('currentPassword')), newPassword: String(data.get('newPassword')) },
      { onSuccess: () => form.reset() },
    );
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="password">
      <h2 id="password">Password</h2>
      <Field
        label="Current password"
        name="currentPassword"
        type="password"
        autoComplete="current-password"
        required
        error={change.error}
      />
      <Field
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        minLength={15}
        required
        hint="At least 15 characters; a few words make a good one."
        error={change.error}
      />
      {change.isSuccess ? <p role="status">Password changed. Your other devices are signed out.</p> : null}
      <button type="submit" className="button" disabled={change.isPending}>
        Change password
      </button>
    </form>
  );
}

export function ChangeEmail({ email }: { email: string }) {
  const [sentTo, setSentTo] = useState<string | null>(null);
  const change = useMutation({
    mutationFn: (body: { email: string; password: string }) =>
      call(() => client.POST('/api/v1/me/email', { body })),
    onSuccess: (_data, body) => setSentTo(body.email),
  });
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    change.mutate({ email: String(data.get('email')), password: String(data.get('password')) });
  };
  return (
    <form className="panel" onSubmit={submit} aria-labelledby="email">
      <h2 id="email">Email</h2>
      <p>
        Your account uses <strong>{email}</strong>.
      </p>
      <Field label="New email" name="email" type="email" autoComplete="email" required error={change.error} />
      <Field
        label="Your password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        error={change.error}
      />
      {sentTo ? (
        <p role="status">
          We sent a link to {sentTo}. Your account moves to that address when you open it (within 30 minutes);
          until then it keeps {email}.
        </p>
      ) : null}
      <button type="submit" className="button" disabled={change.isPending}>
        Send confirmation link
      </button>
    </form>
  );
}

export function Sessions() {
  const queryClient = useQueryClient();
  const sessions = useQuery({
    queryKey: ['me', 'sign-in-sessions'],
    queryFn: () => call(() => client.GET('/api/v1/me/sessions')),
  });
  const end = useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/me/sessions/{id}', { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['me', 'sign-in-sessions'] }),
  });
  return (
    <section className="panel" aria-labelledby="devices">
      <h2 id="devices">Where you are signed in</h2>
      {sessions.isPending ? <Loading /> : null}
      <ErrorMessage error={sessions.error ?? end.error} />
      <ul className="sessions">
        {sessions.data?.items.map((s) => (
          <li key={s.id}>
            <div>
              <strong>{deviceName(s.userAgent)}</strong>
              {s.current ? <span className="badge"> this device</span> : null}
              <p className="hint">
                Signed in {when(s.createdAt)} · last active {when(s.lastUsedAt)}
              </p>
            </div>
            {s.current ? null : (
              <button
                type="button"
                className="button secondary small"
                disabled={end.isPending}
                onClick={() => end.mutate(s.id)}
                aria-label={`Sign out ${deviceName(s.userAgent)}, signed in ${when(s.createdAt)}`}
              >
                Sign out
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}

// Settings → personal access tokens: tokens for the learner's own scripts and tools, each with the
// scopes it may use and an expiry. A new token is shown once (with a copy button and a ready curl
// example); the list says when each was made, when it expires and when it was last used, and
// revokes any of them.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, call, client, type Schemas } from '../api.ts';
import { keys } from '../queries.ts';
import { ErrorMessage, Field, Loading } from './common.tsx';
import { ShownOnce, when } from './ShownOnce.tsx';

type NewToken = Schemas['NewPersonalToken'];
type Scope = Schemas['PersonalToken']['scopes'][number];

const SCOPES: { value: Scope; label: string }[] = [
  { value: 'study:write', label: 'Log study time' },
  { value: 'study:read', label: 'Read your study log and stats' },
  { value: 'progress:read', label: 'Read your roadmaps and progress' },
  { value: 'progress:write', label: 'Mark steps and resources' },
  { value: 'notes:read', label: 'Read your notes' },
  { value: 'notes:write', label: 'Write your notes' },
  { value: 'profile:read', label: 'Read your profile' },
];
const isScope = (v: unknown): v is Scope => SCOPES.some((s) => s.value === v);

const EXPIRIES = [
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
  { value: '365', label: '1 year' },
  { value: 'never', label: 'Never' },
];
const DAY_MS = 24 * 60 * 60 * 1000;

/** The curl command that logs 30 minutes with this token. */
const curlExample = (token: string) =>
  `curl -X POST ${location.origin}/api/v1/me/study-sessions -H "Authorization: Bearer ${token}" -H "content-type: application/json" -d '{"minutes":30}'`;

/** The token just made: shown this once, to copy. */
function CreatedToken({ created }: { created: NewToken }) {
  return (
    <div className="reminder-part">
      <h3>Your new token “{created.name}”</h3>
      <ShownOnce
        id="new-token"
        label="Token"
        value={created.token}
        noun="the token"
        hint="Copy it now: Waymark will not show it again. Keep it to yourself, like a password; revoke it below if it got out."
      />
      <div className="field">
        <label htmlFor="new-token-curl">Try it: log 30 minutes of study</label>
        <textarea
          id="new-token-curl"
          readOnly
          rows={5}
          value={curlExample(created.token)}
          aria-describedby="new-token-curl-hint"
        />
        <p className="hint" id="new-token-curl-hint">
          {created.scopes.includes('study:write')
            ? 'Run it in a terminal: the 30 minutes show in your study log.'
            : 'Logging study time needs the study:write scope, which this token lacks: it would be refused (403). Send the token the same way to the routes its scopes allow.'}
        </p>
      </div>
    </div>
  );
}

export function AccessTokens() {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<NewToken | null>(null);
  const tokens = useQuery({
    queryKey: keys.personalTokens,
    queryFn: () => call(() => client.GET('/api/v1/me/tokens')),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.personalTokens });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/me/tokens/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => setCreated((c) => (c?.id === id ? null : c)),
    onSettled: refresh,
  });
  const create = useMutation({
    mutationFn: (body: { name: string; scopes: Scope[]; expiresAt: string | null }) =>
      call(() => client.POST('/api/v1/me/tokens', { body })),
    onSuccess: (token) => {
      setCreated(token);
      revoke.reset();
    },
    onSettled: refresh,
  });

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const scopes = data.getAll('scopes').filter(isScope);
    if (scopes.length === 0) return setProblem('Choose at least one scope: what the token may do.');
    setProblem(null);
    const days = Number(data.get('expiry'));
    create.mutate(
      {
        name: String(data.get('name') ?? '').trim(),
        scopes,
        expiresAt: Number.isFinite(days) ? new Date(Date.now() + days * DAY_MS).toISOString() : null,
      },
      { onSuccess: () => form.reset() },
    );
  };

  const fieldError = (field: string) =>
    create.error instanceof ApiError ? create.error.fieldError(field) : undefined;
  const scopesError = fieldError('scopes');
  const expiryError = fieldError('expiresAt');
  const items = tokens.data?.items;

  return (
    <section className="panel" aria-labelledby="access-tokens">
      <h2 id="access-tokens">Personal access tokens</h2>
      <p>
        A token lets your own scripts and tools use Waymark for you — log study time from a timer, say. Send
        it as <code>Authorization: Bearer</code> with each request; the <a href="/api/docs">API reference</a>{' '}
        lists the routes and the scope each needs.
      </p>
      <form onSubmit={submit} aria-labelledby="new-token-title">
        <h3 id="new-token-title">New token</h3>
        <Field
          label="Name"
          name="name"
          required
          maxLength={100}
          autoComplete="off"
          hint="What it is for, to recognise it later: “study timer on my laptop”."
          error={create.error}
        />
        <fieldset className="choices" aria-describedby={scopesError ? 'token-scopes-error' : undefined}>
          <legend>What it may do</legend>
          {SCOPES.map((s) => (
            <label key={s.value} className="checkbox">
              <input type="checkbox" name="scopes" value={s.value} /> {s.label} ({s.value})
            </label>
          ))}
          {scopesError ? (
            <p className="field-error" id="token-scopes-error">
              Scopes {scopesError}
            </p>
          ) : null}
        </fieldset>
        <div className="field">
          <label htmlFor="token-expiry">Expires after</label>
          <select
            id="token-expiry"
            name="expiry"
            defaultValue="90"
            aria-invalid={expiryError ? true : undefined}
            aria-describedby={expiryError ? 'token-expiry-error' : 'token-expiry-hint'}
          >
            {EXPIRIES.map((x) => (
              <option key={x.value} value={x.value}>
                {x.label}
              </option>
            ))}
          </select>
          {expiryError ? (
            <p className="field-error" id="token-expiry-error">
              Expiry {expiryError}
            </p>
          ) : (
            <p className="hint" id="token-expiry-hint">
              A token that never expires works until you revoke it.
            </p>
          )}
        </div>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <ErrorMessage error={create.error} />
        {created ? (
          <p role="status">
            Made the token “{created.name}”. Copy it below now: Waymark will not show it again.
          </p>
        ) : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </form>
      {created ? <CreatedToken key={created.id} created={created} /> : null}

      <div className="reminder-part">
        <h3 id="token-list-title">Your tokens</h3>
        {tokens.isPending ? <Loading label="Loading your tokens…" /> : null}
        <ErrorMessage error={tokens.error ?? revoke.error} />
        {revoke.isSuccess ? <p role="status">Revoked: that token no longer works.</p> : null}
        {items && items.length === 0 ? <p>You have no tokens.</p> : null}
        {items && items.length > 0 ? (
          <ul className="sessions" aria-labelledby="token-list-title">
            {items.map((t) => (
              <li key={t.id}>
                <div>
                  <strong>{t.name}</strong>
                  <p className="hint">Scopes: {t.scopes.join(', ')}</p>
                  <p className="hint">
                    Created {when(t.createdAt)} ·{' '}
                    {t.expiresAt
                      ? `${new Date(t.expiresAt) <= new Date() ? 'expired' : 'expires'} ${when(t.expiresAt)}`
                      : 'never expires'}{' '}
                    · {t.lastUsedAt ? `last used ${when(t.lastUsedAt)}` : 'never used'}
                  </p>
                </div>
                <button
                  type="button"
                  className="button secondary small"
                  disabled={revoke.isPending}
                  onClick={() => {
                    if (window.confirm(`Revoke “${t.name}”? Whatever uses it stops working at once.`))
                      revoke.mutate(t.id);
                  }}
                  aria-label={`Revoke ${t.name}, created ${when(t.createdAt)}`}
                >
                  Revoke
                </button>
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

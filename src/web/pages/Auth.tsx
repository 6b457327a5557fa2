// Sign in, sign up, forgotten password, email confirmation.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { call, client } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Field, FormError, usePageMeta } from '../components/common.tsx';
import { allLocal, importLocal } from '../local-progress.ts';

/**
 * Where to go after signing in: the page that sent the learner here (`?next=/join?token=…`), when
 * it is a path of ours — never another site (`//evil.example`), so the link cannot redirect away.
 */
function useNext(): string {
  const [params] = useSearchParams();
  const next = params.get('next') ?? '';
  return /^\/(?![/\\])[!-~]*$/.test(next) ? next : '/dashboard';
}

const withNext = (page: string, next: string) =>
  next === '/dashboard' ? page : `${page}?next=${encodeURIComponent(next)}`;

function Providers() {
  const next = useNext();
  const providers = useQuery({
    queryKey: ['providers'],
    queryFn: () => call(() => client.GET('/api/v1/auth/providers')),
  });
  if (!providers.data?.items.length) return null;
  return (
    <div className="providers">
      <p className="hint">Or continue with</p>
      {providers.data.items.map((p) => (
        <a
          key={p.id}
          className="button secondary"
          href={`/api/v1/auth/oauth/${p.id}/start?returnTo=${encodeURIComponent(next)}`}
        >
          {p.name}
        </a>
      ))}
    </div>
  );
}

const formValues = (event: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;

/** The offer to keep the steps ticked in this browser before signing in. */
function KeepTicks({ count }: { count: number }) {
  if (count === 0) return null;
  return (
    <label className="checkbox">
      <input type="checkbox" name="importLocal" defaultChecked /> Keep the {count} step
      {count === 1 ? '' : 's'} you marked in this browser
    </label>
  );
}

export function Login() {
  usePageMeta('Sign in');
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const next = useNext();
  const [local] = useState(() => allLocal());
  const login = useMutation({
    mutationFn: async (v: Record<string, string>) => {
      await signIn(v.email!, v.password!);
      if (v.importLocal === 'on') await importLocal();
    },
    onSuccess: () => navigate(next),
  });
  return (
    <section className="narrow">
      <h1>Sign in</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          login.mutate(formValues(e));
        }}
      >
        <Field label="Email" name="email" type="email" autoComplete="email" required error={login.error} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={login.error}
        />
        <KeepTicks count={local.length} />
        <FormError error={login.error} />
        <button type="submit" className="button" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/reset-password">Forgot your password?</Link> · New here?{' '}
        <Link to={withNext('/signup', next)}>Create an account</Link>
      </p>
      <Providers />
    </section>
  );
}

export function Signup() {
  usePageMeta('Create an account');
  const { signUp } = useAuth();
  const navigate = useNavigate();
  const next = useNext();
  const [local] = useState(() => allLocal());
  const signup = useMutation({
    mutationFn: async (v: Record<string, string>) => {
      await signUp(v.email!, v.password!, v.displayName!);
      if (v.importLocal === 'on') await importLocal();
    },
    onSuccess: () => navigate(next),
  });
  return (
    <section className="narrow">
      <h1>Create your account</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signup.mutate(formValues(e));
        }}
      >
        <Field
          label="Name"
          name="displayName"
          autoComplete="name"
          required
          maxLength={80}
          error={signup.error}
        />
        <Field label="Email" name="email" type="email" autoComplete="email" required error={signup.error} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={15}
          maxLength={128}
          hint="At least 15 characters. A few random words make a strong password that is easy to remember."
          error={signup.error}
        />
        <KeepTicks count={local.length} />
        <FormError error={signup.error} />
        <button type="submit" className="button" disabled={signup.isPending}>
          {signup.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to={withNext('/login', next)}>Sign in</Link>
      </p>
      <Providers />
    </section>
  );
}

export function ResetPassword() {
  usePageMeta('Reset your password');
  const [params] = useSearchParams();
  const token = params.get('token');
  const navigate = useNavigate();
  const request = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(() => client.POST('/api/v1/auth/password-reset', { body: { email: v.email ?? '' } })),
  });
  const confirm = useMutation({
    mutationFn: (v: Record<string, string>) =>
      call(() =>
        client.POST('/api/v1/auth/password-reset/confirm', {
          body: { token: token ?? '', password: v.password ?? '' },
        }),
      ),
    onSuccess: () =>
      navigate('/login', {
        state: {
          notice: 'Your password is changed and every other session ended. Sign in with the new one.',
        },
      }),
  });
  if (token) {
    return (
      <section className="narrow">
        <h1>Choose a new password</h1>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            confirm.mutate(formValues(e));
          }}
        >
          <Field
            label="New password"
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={15}
            hint="At least 15 characters. Every other session of yours will be signed out."
            error={confirm.error}
          />
          <FormError error={confirm.error} />
          <button type="submit" className="button" disabled={confirm.isPending}>
            Set password
          </button>
        </form>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Reset your password</h1>
      {request.isSuccess ? (
        <p role="status">
          If an account uses that address, a link is on its way. It works once, for 30 minutes.
        </p>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            request.mutate(formValues(e));
          }}
        >
          <Field
            label="Email"
            name="email"
            type="email"
            autoComplete="email"
            required
            error={request.error}
          />
          <FormError error={request.error} />
          <button type="submit" className="button" disabled={request.isPending}>
            Send the link
          </button>
        </form>
      )}
    </section>
  );
}

export function VerifyEmail() {
  usePageMeta('Confirm your email');
  const [params] = useSearchParams();
  const verify = useMutation({
    mutationFn: () =>
      call(() => client.POST('/api/v1/auth/verify-email', { body: { token: params.get('token') ?? '' } })),
  });
  const { mutate } = verify;
  useEffect(() => mutate(), [mutate]);
  return (
    <section className="narrow">
      <h1>Confirm your email</h1>
      {verify.isPending ? <p role="status">Confirming…</p> : null}
      {verify.isSuccess ? (
        <p role="status">
          Thank you — your address is confirmed. <Link to="/dashboard">Go to your dashboard</Link>
        </p>
      ) : null}
      <ErrorMessage error={verify.error} />
    </section>
  );
}

// Sign in, sign up, forgotten password, email confirmation.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { ErrorMessage, Field, usePageMeta } from '../components/common.tsx';
import { allLocal, clearLocal } from '../local-progress.ts';

function Providers() {
  const providers = useQuery({
    queryKey: ['providers'],
    queryFn: () => api<{ items: { id: string; name: string }[] }>('/api/v1/auth/providers'),
  });
  if (!providers.data?.items.length) return null;
  return (
    <div className="providers">
      <p className="hint">Or continue with</p>
      {providers.data.items.map((p) => (
        <a
          key={p.id}
          className="button secondary"
          href={`/api/v1/auth/oauth/${p.id}/start?returnTo=/dashboard`}
        >
          {p.name}
        </a>
      ))}
    </div>
  );
}

const formValues = (event: FormEvent<HTMLFormElement>) =>
  Object.fromEntries(new FormData(event.currentTarget)) as Record<string, string>;

export function Login() {
  usePageMeta('Sign in');
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const login = useMutation({
    mutationFn: (v: Record<string, string>) => signIn(v.email!, v.password!),
    onSuccess: () => navigate('/dashboard'),
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
        <ErrorMessage error={login.error} />
        <button type="submit" className="button" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/reset-password">Forgot your password?</Link> · New here?{' '}
        <Link to="/signup">Create an account</Link>
      </p>
      <Providers />
    </section>
  );
}

export function Signup() {
  usePageMeta('Create an account');
  const { signUp } = useAuth();
  const navigate = useNavigate();
  const [local] = useState(() => allLocal());
  const signup = useMutation({
    mutationFn: async (v: Record<string, string>) => {
      await signUp(v.email!, v.password!, v.displayName!);
      if (v.importLocal === 'on') {
        for (const p of local) {
          await api(`/api/v1/me/roadmaps/${p.roadmapSlug}/steps/${p.stepSlug}`, {
            method: 'PUT',
            body: { status: p.status },
          }).catch(() => undefined); // a step that no longer exists is skipped
        }
        clearLocal();
      }
    },
    onSuccess: () => navigate('/dashboard'),
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
        {local.length > 0 ? (
          <label className="checkbox">
            <input type="checkbox" name="importLocal" defaultChecked /> Keep the {local.length} step
            {local.length === 1 ? '' : 's'} you marked in this browser
          </label>
        ) : null}
        <ErrorMessage error={signup.error} />
        <button type="submit" className="button" disabled={signup.isPending}>
          {signup.isPending ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p>
        Already have an account? <Link to="/login">Sign in</Link>
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
      api('/api/v1/auth/password-reset', { method: 'POST', body: { email: v.email } }),
  });
  const confirm = useMutation({
    mutationFn: (v: Record<string, string>) =>
      api('/api/v1/auth/password-reset/confirm', { method: 'POST', body: { token, password: v.password } }),
    onSuccess: () => navigate('/login'),
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
          <ErrorMessage error={confirm.error} />
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
          <ErrorMessage error={request.error} />
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
      api('/api/v1/auth/verify-email', { method: 'POST', body: { token: params.get('token') } }),
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

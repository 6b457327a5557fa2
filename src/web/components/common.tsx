import { useEffect, type InputHTMLAttributes, type ReactNode } from 'react';
import { ApiError } from '../api.ts';

/** Sets the page title (and description) while a page is shown. */
export function usePageMeta(title: string | undefined, description?: string) {
  useEffect(() => {
    if (!title) return;
    document.title = `${title} · Waymark`;
    if (description) document.querySelector('meta[name="description"]')?.setAttribute('content', description);
  }, [title, description]);
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

/** An API error for the whole page or form, saying what to do next. */
export function ErrorMessage({ error }: { error: unknown }) {
  if (!error) return null;
  const text =
    error instanceof ApiError
      ? (error.problem.detail ?? error.problem.title)
      : error instanceof Error
        ? error.message
        : 'Something went wrong. Try again.';
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

/**
 * A form's error: said once. Problems about fields show next to their fields (Field), so only
 * an error that is not about one field is said here.
 */
export function FormError({ error }: { error: unknown }) {
  if (error instanceof ApiError && (error.problem.errors?.length ?? 0) > 0) {
    const fields = error.problem.errors!.filter((e) => !e.path.startsWith('/body/'));
    if (fields.length === 0) return null;
  }
  return <ErrorMessage error={error} />;
}

/** A labelled input with the API's message for its field right below it. */
export function Field({
  label,
  name,
  error,
  hint,
  ...input
}: {
  label: string;
  name: string;
  error?: unknown;
  hint?: ReactNode;
} & InputHTMLAttributes<HTMLInputElement>) {
  const message = error instanceof ApiError ? error.fieldError(name) : undefined;
  const id = `field-${name}`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        aria-invalid={message ? true : undefined}
        aria-describedby={message ? `${id}-error` : hint ? `${id}-hint` : undefined}
        {...input}
      />
      {hint && !message ? (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      ) : null}
      {message ? (
        <p className="field-error" id={`${id}-error`}>
          {label} {message}
        </p>
      ) : null}
    </div>
  );
}

export function ProgressBar({ label, percent }: { label: string; percent: number }) {
  return (
    <div className="progress">
      <div className="progress-label">
        <span>{label}</span>
        <span>{percent}%</span>
      </div>
      <div
        className="progress-track"
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

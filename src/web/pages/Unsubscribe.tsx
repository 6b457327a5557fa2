// /unsubscribe?token=…: the page a reminder or digest mail links to. It works signed out (the
// signed token says who and what) and unsubscribes only when the button is pressed: mail
// scanners open every link in a mail, and opening one must change nothing.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, call, client } from '../api.ts';
import { ErrorMessage, usePageMeta } from '../components/common.tsx';

export default function Unsubscribe() {
  usePageMeta('Stop reminder mails');
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const done = useRef<HTMLHeadingElement>(null);
  const stop = useMutation({
    mutationFn: () => call(() => client.POST('/api/v1/unsubscribe', { params: { query: { token } } })),
  });

  // A token cut short or mangled (the schema refuses it) says so in the words of a link, not of
  // the API's field names; a well-formed but wrong token has the server's own detail.
  const mangled =
    stop.error instanceof ApiError &&
    stop.error.status === 400 &&
    (stop.error.problem.errors ?? []).some((e) => e.path.startsWith('/querystring/'));

  // The button is gone once it worked: the focus goes to what happened instead of to nowhere.
  useEffect(() => {
    if (stop.isSuccess) done.current?.focus();
  }, [stop.isSuccess]);

  if (stop.isSuccess) {
    return (
      <section className="narrow">
        <h1 ref={done} tabIndex={-1}>
          Unsubscribed
        </h1>
        <p role="status">{stop.data.message}</p>
        <p>
          <Link to="/settings">Go to Settings</Link>
        </p>
      </section>
    );
  }
  return (
    <section className="narrow">
      <h1>Stop reminder mails?</h1>
      {token ? (
        <>
          <p>
            This stops the mails this link came in: the daily reminders, or the weekly digest. Push
            notifications, your progress and everything else stay as they are.
          </p>
          <button type="button" className="button" disabled={stop.isPending} onClick={() => stop.mutate()}>
            Stop these mails
          </button>
        </>
      ) : (
        <p className="error" role="alert">
          This link has no unsubscribe token: it may have been cut short. Open the whole link from the mail,
          or change reminders in Settings.
        </p>
      )}
      {mangled ? (
        <p className="error" role="alert">
          This unsubscribe link is not valid: it may have been cut short. Open the whole link from the mail,
          or change reminders in Settings.
        </p>
      ) : (
        <ErrorMessage error={stop.error} />
      )}
      <p>
        Or choose what Waymark sends you in <Link to="/settings">Settings</Link>.
      </p>
    </section>
  );
}

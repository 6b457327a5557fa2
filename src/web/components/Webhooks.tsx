// Settings → webhooks: URLs Waymark POSTs chosen events to, signed the Standard Webhooks way —
// the learner's own (a step marked, study time logged) or, for a cohort they own, someone joining
// it. A new webhook's signing secret is shown once (to copy); the list says what each hears and
// whether it is on or failing, sends a ping, turns it off and on, deletes it, and shows its recent
// deliveries. The server's mail about a webhook it turned off links here (/settings#webhooks).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError, call, client, type Schemas } from '../api.ts';
import { useMyCohorts } from '../cohorts.ts';
import { keys } from '../queries.ts';
import { ErrorMessage, Field, Loading } from './common.tsx';
import { ShownOnce, when } from './ShownOnce.tsx';

type Webhook = Schemas['Webhook'];
type NewWebhook = Schemas['NewWebhook'];
type Delivery = Schemas['WebhookDelivery'];
type WebhookEvent = Webhook['events'][number];

const PERSONAL_EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: 'progress.updated', label: 'A step is marked' },
  { value: 'study_session.created', label: 'Study time is logged' },
];
const COHORT_EVENTS: { value: WebhookEvent; label: string }[] = [
  { value: 'cohort.member_joined', label: 'Someone joins the cohort' },
];
const EVENTS = [...PERSONAL_EVENTS, ...COHORT_EVENTS];
const isEvent = (v: unknown): v is WebhookEvent => EVENTS.some((e) => e.value === v);
const eventLabel = (event: WebhookEvent) => EVENTS.find((e) => e.value === event)?.label ?? event;

/** On or off, and why: what Waymark turned off, or since when every delivery failed. */
function stateOf(w: Webhook): string {
  if (!w.enabled) {
    return w.disabledReason
      ? `Off: Waymark turned it off. ${w.disabledReason} Check the endpoint, then turn it on again.`
      : 'Off: Waymark sends it nothing until you turn it on again.';
  }
  return w.failingSince
    ? `On, failing since ${when(w.failingSince)}: deliveries are retried for about a day.`
    : 'On';
}

/** How a ping went, and what to do when it failed. */
function pingResult(d: Delivery): { ok: boolean; text: string } {
  if (d.status === 'succeeded') return { ok: true, text: `The endpoint answered ${d.responseStatus}.` };
  if (d.responseStatus !== null)
    return {
      ok: false,
      text: `The endpoint answered ${d.responseStatus}: a delivery counts only with a 2xx answer. Check what the endpoint does with Waymark's requests, then ping again.`,
    };
  return {
    ok: false,
    text: `The ping did not arrive: ${d.error ?? 'no answer'}. Check the URL, and that the endpoint is up and reachable from the internet.`,
  };
}

/** The signing secret of the webhook just added: shown this once, to copy. */
function CreatedWebhook({ created }: { created: NewWebhook }) {
  return (
    <div className="reminder-part">
      <h3>The signing secret of your new webhook</h3>
      <ShownOnce
        id="new-webhook-secret"
        label="Signing secret"
        value={created.secret}
        noun="the secret"
        hint="Copy it now: Waymark will not show it again. Your endpoint verifies each delivery with it using any Standard Webhooks library; keep it to yourself, and delete the webhook and add it again if it got out."
      />
    </div>
  );
}

/** A webhook's recent deliveries, newest first: read when opened, and again while some are pending. */
function Deliveries({ webhook }: { webhook: Webhook }) {
  const [open, setOpen] = useState(false);
  const deliveries = useQuery({
    queryKey: keys.webhookDeliveries(webhook.id),
    queryFn: () =>
      call(() => client.GET('/api/v1/me/webhooks/{id}/deliveries', { params: { path: { id: webhook.id } } })),
    enabled: open,
    staleTime: 0,
    refetchInterval: (query) => (query.state.data?.items.some((d) => d.status === 'pending') ? 5_000 : false),
  });
  const items = deliveries.data?.items;
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Recent deliveries</summary>
      {open && deliveries.isPending ? <Loading label="Loading the deliveries…" /> : null}
      <ErrorMessage error={deliveries.error} />
      {items && items.length === 0 ? <p>Nothing was sent to it yet.</p> : null}
      {items && items.length > 0 ? (
        <div
          className="table-scroll"
          tabIndex={0}
          role="region"
          aria-label={`Recent deliveries to ${webhook.url}`}
        >
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Answer</th>
                <th scope="col">Error</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {items.map((d) => (
                <tr key={d.id}>
                  <td>
                    <code>{d.event}</code>
                  </td>
                  <td>{d.status}</td>
                  <td>{d.attempts}</td>
                  <td>{d.responseStatus ?? '—'}</td>
                  <td>{d.error ?? '—'}</td>
                  <td>{when(d.lastAttemptAt ?? d.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </details>
  );
}

/** One webhook: what it hears, its state, and its buttons (Delete is the list's). */
function WebhookItem({
  webhook: w,
  cohortName,
  onDelete,
  deleting,
}: {
  webhook: Webhook;
  cohortName: string | undefined;
  onDelete: () => void;
  deleting: boolean;
}) {
  const queryClient = useQueryClient();
  const ping = useMutation({
    mutationFn: () =>
      call(() => client.POST('/api/v1/me/webhooks/{id}/test', { params: { path: { id: w.id } } })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.webhooks }),
  });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) =>
      call(() =>
        client.PATCH('/api/v1/me/webhooks/{id}', { params: { path: { id: w.id } }, body: { enabled } }),
      ),
    onSuccess: (next) => {
      queryClient.setQueryData<Schemas['WebhookList']>(keys.webhooks, (list) =>
        list ? { items: list.items.map((x) => (x.id === next.id ? next : x)) } : list,
      );
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.webhooks }),
  });
  const result = ping.data ? pingResult(ping.data) : null;
  return (
    <li>
      <div>
        <strong className="webhook-url">{w.url}</strong>
        <p className="hint">
          Sends: {w.events.map((e) => `${eventLabel(e)} (${e})`).join(', ')}
          {w.cohortId ? ` · for the cohort ${cohortName ? `“${cohortName}”` : 'you own'}` : null}
        </p>
        <p className="hint">
          {stateOf(w)} · added {when(w.createdAt)}
        </p>
      </div>
      <div className="row">
        <button
          type="button"
          className="button secondary small"
          disabled={ping.isPending}
          onClick={() => ping.mutate()}
          aria-label={`Send a ping to ${w.url}`}
        >
          {ping.isPending ? 'Sending…' : 'Send a ping'}
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={toggle.isPending}
          onClick={() => toggle.mutate(!w.enabled)}
          aria-label={`${w.enabled ? 'Turn off' : 'Turn on'} the webhook to ${w.url}`}
        >
          {w.enabled ? 'Turn off' : 'Turn on'}
        </button>
        <button
          type="button"
          className="button secondary small"
          disabled={deleting}
          onClick={onDelete}
          aria-label={`Delete the webhook to ${w.url}`}
        >
          Delete
        </button>
      </div>
      {result ? (
        result.ok ? (
          <p role="status">{result.text}</p>
        ) : (
          <p className="error" role="alert">
            {result.text}
          </p>
        )
      ) : null}
      {toggle.isSuccess ? (
        <p role="status">
          {toggle.data.enabled ? 'Turned on: Waymark sends it events again.' : 'Turned off.'}
        </p>
      ) : null}
      <ErrorMessage error={ping.error ?? toggle.error} />
      <Deliveries webhook={w} />
    </li>
  );
}

export function Webhooks() {
  const queryClient = useQueryClient();
  const [problem, setProblem] = useState<string | null>(null);
  const [created, setCreated] = useState<NewWebhook | null>(null);
  const [cohortId, setCohortId] = useState('');
  const webhooks = useQuery({
    queryKey: keys.webhooks,
    queryFn: () => call(() => client.GET('/api/v1/me/webhooks')),
  });
  const cohorts = useMyCohorts();
  const owned = cohorts.data?.items.filter((c) => c.role === 'owner') ?? [];
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.webhooks });
  const remove = useMutation({
    mutationFn: (id: string) =>
      call(() => client.DELETE('/api/v1/me/webhooks/{id}', { params: { path: { id } } })),
    onSuccess: (_data, id) => setCreated((c) => (c?.id === id ? null : c)),
    onSettled: refresh,
  });
  const create = useMutation({
    mutationFn: (body: { url: string; events: WebhookEvent[]; cohortId?: string }) =>
      call(() => client.POST('/api/v1/me/webhooks', { body })),
    onSuccess: (webhook) => {
      setCreated(webhook);
      remove.reset();
    },
    onSettled: refresh,
  });

  // The mail about a webhook Waymark turned off links to /settings#webhooks: the section is not
  // on the page yet when the browser looks for it, so go there once the list is in.
  const section = useRef<HTMLElement>(null);
  const listed = webhooks.isSuccess;
  useEffect(() => {
    if (listed && location.hash === '#webhooks') section.current?.scrollIntoView();
  }, [listed]);

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const events = data.getAll('events').filter(isEvent);
    if (events.length === 0) return setProblem('Choose at least one event to send.');
    setProblem(null);
    create.mutate(
      { url: String(data.get('url') ?? '').trim(), events, ...(cohortId ? { cohortId } : {}) },
      {
        onSuccess: () => {
          form.reset();
          setCohortId('');
        },
      },
    );
  };

  const eventsError = create.error instanceof ApiError ? create.error.fieldError('events') : undefined;
  const offered = cohortId ? COHORT_EVENTS : PERSONAL_EVENTS;
  const items = webhooks.data?.items;
  const cohortName = (id: string | null) => cohorts.data?.items.find((c) => c.id === id)?.name;

  return (
    <section className="panel" id="webhooks" aria-labelledby="webhooks-title" ref={section}>
      <h2 id="webhooks-title">Webhooks</h2>
      <p>
        Waymark POSTs each event you choose to your URL as JSON, signed the{' '}
        <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way, so any Standard Webhooks
        library verifies it with the webhook’s signing secret. A delivery that fails is retried for about a
        day.
      </p>
      <form onSubmit={submit} aria-labelledby="new-webhook-title">
        <h3 id="new-webhook-title">New webhook</h3>
        <Field
          label="URL"
          name="url"
          type="url"
          required
          maxLength={2048}
          autoComplete="off"
          spellCheck={false}
          hint="Your endpoint: an https address on the internet that answers each POST with a 2xx."
          error={create.error}
        />
        {owned.length > 0 ? (
          <div className="field">
            <label htmlFor="webhook-cohort">For a cohort you own</label>
            <select
              id="webhook-cohort"
              value={cohortId}
              onChange={(e) => setCohortId(e.target.value)}
              aria-describedby="webhook-cohort-hint"
            >
              <option value="">None: my own activity</option>
              {owned.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
            <p className="hint" id="webhook-cohort-hint">
              A cohort’s webhook hears who joins it, not your own activity.
            </p>
          </div>
        ) : null}
        <fieldset
          key={cohortId ? 'cohort' : 'personal'}
          className="choices"
          aria-describedby={eventsError ? 'webhook-events-error' : undefined}
        >
          <legend>Events to send</legend>
          {offered.map((ev) => (
            <label key={ev.value} className="checkbox">
              <input type="checkbox" name="events" value={ev.value} /> {ev.label} ({ev.value})
            </label>
          ))}
          {eventsError ? (
            <p className="field-error" id="webhook-events-error">
              Events {eventsError}
            </p>
          ) : null}
        </fieldset>
        {problem ? (
          <p className="error" role="alert">
            {problem}
          </p>
        ) : null}
        <ErrorMessage error={create.error} />
        {created ? (
          <p role="status">
            Added the webhook to {created.url}. Copy its signing secret below now: Waymark will not show it
            again.
          </p>
        ) : null}
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add webhook'}
        </button>
      </form>
      {created ? <CreatedWebhook key={created.id} created={created} /> : null}

      <div className="reminder-part">
        <h3 id="webhook-list-title">Your webhooks</h3>
        {webhooks.isPending ? <Loading label="Loading your webhooks…" /> : null}
        <ErrorMessage error={webhooks.error ?? remove.error} />
        {remove.isSuccess ? <p role="status">Deleted: Waymark sends nothing more to that URL.</p> : null}
        {items && items.length === 0 ? <p>You have no webhooks.</p> : null}
        {items && items.length > 0 ? (
          <ul className="sessions webhooks" aria-labelledby="webhook-list-title">
            {items.map((w) => (
              <WebhookItem
                key={w.id}
                webhook={w}
                cohortName={cohortName(w.cohortId)}
                deleting={remove.isPending}
                onDelete={() => {
                  if (
                    window.confirm(
                      `Delete the webhook to ${w.url}? Waymark stops sending to it at once, and deliveries still waiting are dropped.`,
                    )
                  )
                    remove.mutate(w.id);
                }}
              />
            ))}
          </ul>
        ) : null}
      </div>
    </section>
  );
}

// The pace forecast in words: when the learner finishes the required steps at their pace, and
// what a target date takes — and, for a visitor, how long the path is at a pace they choose
// (30 minutes a day unless they pick another), said honestly even when it is years.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'react-router';
import { ApiError, call, client, type RoadmapDocument, type Schemas } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { keys } from '../queries.ts';
import { ErrorMessage } from './common.tsx';
import { ReviewToggle } from './review/ReviewToggle.tsx';

type Forecast = Schemas['Forecast'];

/** "14 Mar 2028": a local calendar date, as a date (no zone shift). */
export function formatDate(date: string): string {
  return new Date(`${date}T00:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** "about 27 months", "about 3 weeks", "5 days"; two years and more also in years. */
export function duration(days: number): string {
  if (days <= 1) return days <= 0 ? 'today' : 'one day';
  if (days < 14) return `${days} days`;
  if (days < 63) return `about ${Math.round(days / 7)} weeks`;
  const months = Math.round(days / 30.44);
  const years = days / 365.25;
  return years >= 1.95
    ? `about ${months} months (${Math.round(years * 2) / 2} years)`
    : `about ${months} months`;
}

const daysFrom = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

/** The forecast as one or two sentences. */
export function forecastWords(f: Forecast, today: string): string[] {
  if (f.requiredRemainingHours <= 0) return ['You have finished the required steps.'];
  const whose = f.pace.basedOnDays === 0 ? 'your daily goal' : 'your pace';
  const words = [
    f.projectedFinish === null
      ? 'You have logged no study time in the last 28 days, so at this pace there is no finish date.'
      : `At ${whose} (${f.pace.minutesPerDay} min a day) you will finish the required steps around ${formatDate(f.projectedFinish)} — ${duration(daysFrom(today, f.projectedFinish))}.`,
  ];
  if (f.targetDate !== null) {
    words.push(
      f.neededMinutesPerDay === null
        ? `Your target date, ${formatDate(f.targetDate)}, has passed: choose a new one.`
        : `To finish by ${formatDate(f.targetDate)}: ${f.neededMinutesPerDay} min a day.`,
    );
  }
  return words;
}

const todayHere = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export function useForecast(slug: string) {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.forecast(slug),
    enabled: status === 'signed-in',
    queryFn: () =>
      call(() => client.GET('/api/v1/me/roadmaps/{slug}/forecast', { params: { path: { slug } } })),
  });
}

/** The signed-in learner's forecast sentence (the dashboard's cards). */
export function ForecastLine({ slug }: { slug: string }) {
  const f = useForecast(slug).data;
  if (!f) return null;
  return <p className="forecast-words">{forecastWords(f, todayHere()).join(' ')}</p>;
}

const PACES = [15, 30, 45, 60, 90, 120];

/** For a visitor: the whole path's required hours at a chosen pace. */
function VisitorForecast({ doc }: { doc: RoadmapDocument }) {
  const [minutes, setMinutes] = useState(30);
  const id = useId();
  const required = doc.layers.flatMap((l) => l.steps).filter((s) => s.required);
  const hours = required.reduce((n, s) => n + s.estimatedHours, 0);
  const withOptional = doc.estimatedHours;
  const days = Math.ceil((hours * 60) / minutes);
  return (
    <div className="forecast">
      <p>
        The required steps take about {Math.round(hours)} hours
        {withOptional > hours ? ` (${Math.round(withOptional)} with the optional ones)` : ''}. At{' '}
        <label className="visually-hidden" htmlFor={id}>
          Minutes a day
        </label>
        <select id={id} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
          {PACES.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </select>{' '}
        minutes a day that is {duration(days)} ({days} days of study).
      </p>
      <p className="hint">
        Estimates are the authors’. <Link to="/signup">Sign up</Link> and your own pace takes over, with a
        target date if you want one.
      </p>
    </div>
  );
}

/** For the learner: the forecast in words and their target date. */
function LearnerForecast({ slug }: { slug: string }) {
  const queryClient = useQueryClient();
  const forecast = useForecast(slug);
  const [date, setDate] = useState('');
  const id = useId();
  const save = useMutation({
    mutationFn: (targetDate: string | null) =>
      call(() =>
        client.PATCH('/api/v1/me/roadmaps/{slug}', { params: { path: { slug } }, body: { targetDate } }),
      ),
    onSuccess: (f) => {
      queryClient.setQueryData(keys.forecast(slug), f);
      setDate('');
    },
  });
  const f = forecast.data;
  if (!f) return <ErrorMessage error={forecast.error} />;
  const fieldError = save.error instanceof ApiError ? save.error.fieldError('targetDate') : undefined;
  return (
    <div className="forecast">
      {forecastWords(f, todayHere()).map((w) => (
        <p key={w} className="forecast-words">
          {w}
        </p>
      ))}
      <form
        className="forecast-target"
        onSubmit={(e) => {
          e.preventDefault();
          if (date) save.mutate(date);
        }}
      >
        <label htmlFor={id}>
          {f.targetDate ? 'Change your target date' : 'Finish by a date of your choosing'}
        </label>
        <div className="row">
          <input
            id={id}
            type="date"
            min={todayHere()}
            value={date}
            onChange={(e) => setDate(e.target.value)}
            aria-invalid={fieldError ? true : undefined}
          />
          <button type="submit" className="button small" disabled={!date || save.isPending}>
            Set
          </button>
          {f.targetDate ? (
            <button type="button" className="button secondary small" onClick={() => save.mutate(null)}>
              Clear the target
            </button>
          ) : null}
        </div>
        {fieldError ? (
          <p className="error" role="alert">
            The date {fieldError}.
          </p>
        ) : (
          <ErrorMessage error={save.error} />
        )}
      </form>
      <ReviewToggle slug={slug} forecast={f} />
    </div>
  );
}

export default function RoadmapForecast({ doc }: { doc: RoadmapDocument }) {
  const { status } = useAuth();
  return (
    <section className="forecast-section" aria-labelledby="forecast-title">
      <h2 id="forecast-title">How long it takes</h2>
      {status === 'signed-in' ? <LearnerForecast slug={doc.slug} /> : <VisitorForecast doc={doc} />}
    </section>
  );
}

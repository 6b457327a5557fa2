// Review time counts toward the daily goal when the learner logs it: the minutes since the page
// opened, logged once (an Idempotency-Key per sitting) as a study session noted "Review".
import { useEffect, useRef, useState } from 'react';
import { ErrorMessage } from '../common.tsx';
import { useLogStudy } from '../dashboard/QuickLog.tsx';

export function ReviewTime({ rated }: { rated: number }) {
  const started = useRef(Date.now());
  const key = useRef(crypto.randomUUID());
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((n) => n + 1), 15_000);
    return () => clearInterval(timer);
  }, []);
  const log = useLogStudy();
  if (rated === 0) return null;
  const minutes = Math.max(1, Math.round((Date.now() - started.current) / 60_000));
  if (log.isSuccess)
    return (
      <p className="review-time" role="status">
        Logged {log.variables.minutes} {log.variables.minutes === 1 ? 'minute' : 'minutes'} of review toward
        today's goal.
      </p>
    );
  return (
    <div className="review-time">
      <button
        type="button"
        className="button secondary"
        disabled={log.isPending}
        onClick={() => log.mutate({ minutes, key: key.current, note: 'Review' })}
      >
        Log {minutes} {minutes === 1 ? 'minute' : 'minutes'} of review
      </button>{' '}
      <small>It counts toward today's goal.</small>
      {log.error ? <ErrorMessage error={log.error} /> : null}
    </div>
  );
}

// The study timer on the dashboard: the same timer as the header chip (timer.ts), bigger.
import { clock, useStudyTimer } from '../../timer.ts';
import { ErrorMessage } from '../common.tsx';

export function StudyTimerPanel() {
  const timer = useStudyTimer();
  const elapsed = timer.elapsed;
  return (
    <section className="panel" aria-labelledby="timer">
      <h2 id="timer">Study timer</h2>
      <p className="clock" aria-live="off">
        {clock(elapsed)}
      </p>
      {timer.state?.stepTitle ? <p className="hint">For: {timer.state.stepTitle}</p> : null}
      <div className="row">
        {timer.running ? (
          <button type="button" className="button secondary" onClick={timer.pause}>
            Pause
          </button>
        ) : (
          <button type="button" className="button secondary" onClick={() => timer.start()}>
            {elapsed > 0 ? 'Resume' : 'Start'}
          </button>
        )}
        <button
          type="button"
          className="button"
          disabled={!timer.state || timer.log.isPending}
          onClick={timer.stopAndLog}
        >
          Stop and log
        </button>
        {timer.state && !timer.running ? (
          <button type="button" className="button secondary" onClick={timer.discard}>
            Discard
          </button>
        ) : null}
      </div>
      <p className="hint">
        It keeps running when you leave this page or open another tab; stop it from the header on any page. It
        logs the time rounded to the nearest minute (at least one).
      </p>
      {timer.log.isSuccess ? <p role="status">Logged {timer.log.data.minutes} min. Keep it up!</p> : null}
      <ErrorMessage error={timer.log.error} />
    </section>
  );
}

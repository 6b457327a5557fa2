// The running study timer in the header, on every page: the time, pause/resume, and stop-and-log.
import { Pause, Play, Square, Timer } from 'lucide-react';
import { Link } from 'react-router';
import { useAskBeforeUnload } from '../../navigation.tsx';
import { clock, useStudyTimer } from '../../timer.ts';

export default function TimerChip() {
  const timer = useStudyTimer();
  // The timer keeps running after the tab closes; asking first makes sure that is meant.
  useAskBeforeUnload(timer.running);
  if (!timer.state) return null;
  const label = timer.state.stepTitle ? `Study timer for ${timer.state.stepTitle}` : 'Study timer';
  return (
    <div className={`timer-chip${timer.running ? ' running' : ''}`} role="group" aria-label={label}>
      <Link
        to="/dashboard"
        className="timer-chip-time"
        aria-label={`${label}: ${clock(timer.elapsed)}${timer.running ? '' : ', paused'}`}
      >
        <Timer size={16} aria-hidden="true" />
        <span aria-hidden="true">{clock(timer.elapsed)}</span>
      </Link>
      {timer.running ? (
        <button type="button" className="icon-button" onClick={timer.pause} aria-label="Pause the timer">
          <Pause size={16} aria-hidden="true" />
        </button>
      ) : (
        <button
          type="button"
          className="icon-button"
          onClick={() => timer.start()}
          aria-label="Resume the timer"
        >
          <Play size={16} aria-hidden="true" />
        </button>
      )}
      <button
        type="button"
        className="icon-button"
        onClick={timer.stopAndLog}
        disabled={timer.log.isPending}
        aria-label="Stop the timer and log the time"
      >
        <Square size={14} aria-hidden="true" />
      </button>
    </div>
  );
}

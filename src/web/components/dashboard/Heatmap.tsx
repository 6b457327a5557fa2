// A year of study at a glance: weeks as columns, days as rows, darker for more minutes, full
// colour for a day that met the goal. It opens scrolled to today (the right end), so a phone
// shows this week first.
import { useEffect, useRef } from 'react';
import type { Stats } from '../../api.ts';

export function Heatmap({
  days,
  goal,
  frozen = [],
}: {
  days: Stats['heatmap'];
  goal: number;
  /** Missed days a streak freeze covered: striped and marked, not only coloured. */
  frozen?: readonly string[];
}) {
  const studied = days.filter((d) => d.minutes > 0).length;
  const frozenSet = new Set(frozen);
  const frozenHere = days.filter((d) => frozenSet.has(d.date)).length;
  const level = (m: number) => (m === 0 ? 0 : m < goal / 2 ? 1 : m < goal ? 2 : m < goal * 2 ? 3 : 4);
  const firstWeekday = new Date(`${days[0]?.date}T00:00:00Z`).getUTCDay();
  const grid = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (grid.current) grid.current.scrollLeft = grid.current.scrollWidth;
  }, [days.length]);
  return (
    <figure className="heatmap-figure">
      <div
        ref={grid}
        tabIndex={0}
        className="heatmap"
        role="img"
        aria-label={`Study over the last year: ${studied} days with study time${frozenHere ? `, ${frozenHere} frozen` : ''}`}
      >
        {Array.from({ length: firstWeekday }, (_, i) => (
          <span key={`pad-${i}`} className="cell pad" />
        ))}
        {days.map((d) => (
          <span
            key={d.date}
            className={`cell level-${level(d.minutes)}${frozenSet.has(d.date) ? ' frozen' : ''}`}
            title={`${d.date}: ${d.minutes} min${frozenSet.has(d.date) ? ' — frozen: a streak freeze kept your streak' : ''}`}
          />
        ))}
      </div>
      <figcaption className="hint">
        {studied} {studied === 1 ? 'day' : 'days'} with study time in the last year. Darker means more
        minutes; full colour meets your goal.
        {frozenHere > 0
          ? ` Striped, ringed days (${frozenHere}) were missed and covered by a streak freeze.`
          : ''}
      </figcaption>
    </figure>
  );
}

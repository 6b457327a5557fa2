// The confirm step before publishing a roadmap that still has placeholders or gaps.
import { useEffect, useRef } from 'react';
import type { Warning } from './warnings.ts';

export function PublishCheck({
  warnings,
  onPublish,
  onCancel,
}: {
  warnings: Warning[];
  onPublish: () => void;
  onCancel: () => void;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="panel notice publish-check" role="region" aria-labelledby="publish-check-title">
      <h2 id="publish-check-title" ref={heading} tabIndex={-1}>
        Before you publish: {warnings.length === 1 ? 'one thing' : `${warnings.length} things`} to look at
      </h2>
      <ul>
        {warnings.map((w, i) => (
          <li key={i}>
            {w.where}: {w.text}
          </li>
        ))}
      </ul>
      <p>Readers see the roadmap as it is now. Publish it anyway?</p>
      <div className="row">
        <button type="button" className="button" onClick={onPublish}>
          Publish anyway
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Keep editing
        </button>
      </div>
    </div>
  );
}

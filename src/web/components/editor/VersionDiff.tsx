// What changed between two versions, in words: one list per part of the roadmap, each change
// with its kind, its notes (moves, new addresses) and every changed field's old and new text.
import { diffSources, type Change } from './diff.ts';
import type { Source } from './model.ts';

function ChangeItem({ change }: { change: Change }) {
  return (
    <li className="diff-change">
      <span className={`badge diff-${change.kind}`}>{change.kind}</span> {change.what}
      {change.notes.length > 0 ? <span className="diff-notes">: {change.notes.join('; ')}</span> : null}
      {change.fields.length > 0 ? (
        <dl className="diff-fields">
          {change.fields.map((f) => (
            <div key={f.field}>
              <dt>{f.field}</dt>
              <dd>
                <span className="diff-label">Was:</span> <del>{f.before}</del>
              </dd>
              <dd>
                <span className="diff-label">Now:</span> <ins>{f.after}</ins>
              </dd>
            </div>
          ))}
        </dl>
      ) : null}
    </li>
  );
}

export function VersionDiff({
  before,
  after,
  beforeLabel,
  afterLabel,
}: {
  before: Source;
  after: Source;
  beforeLabel: string;
  afterLabel: string;
}) {
  const sections = diffSources(before, after);
  const count = sections.reduce((n, s) => n + s.changes.length, 0);
  return (
    <section className="version-diff" aria-labelledby="diff-title">
      <h3 id="diff-title">
        From {beforeLabel} to {afterLabel}
      </h3>
      <p role="status">{count === 0 ? 'No differences.' : `${count} change${count === 1 ? '' : 's'}.`}</p>
      {sections.map((s) => (
        <div key={s.title}>
          <h4>{s.title}</h4>
          <ul className="diff-list">
            {s.changes.map((c, i) => (
              <ChangeItem key={`${c.kind}${c.what}${i}`} change={c} />
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

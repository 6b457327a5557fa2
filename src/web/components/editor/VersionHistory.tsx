// The published versions of the roadmap, newest first: compare any two of them (or one with the
// draft being edited) as a list of changes, and restore one as the draft.
import { useState } from 'react';
import type { AuthoringState } from '../../api.ts';
import { ErrorMessage, Loading } from '../common.tsx';
import type { Source } from './model.ts';
import { RestoreVersion } from './RestoreVersion.tsx';
import { VersionDiff } from './VersionDiff.tsx';
import { useVersionSource, useVersions } from './versions.ts';

/** A version number, or the draft open in the editor. */
type Side = number | 'draft';
const label = (side: Side) => (side === 'draft' ? 'the draft' : `version ${side}`);

export function VersionHistory({
  slug,
  draft,
  etag,
  dirty,
  publishedVersion,
  onRestored,
}: {
  slug: string;
  draft: Source;
  etag: string;
  dirty: boolean;
  publishedVersion: number;
  onRestored: (state: AuthoringState, version: number) => void;
}) {
  const versions = useVersions(slug);
  const items = [...(versions.data?.items ?? [])].sort((a, b) => b.version - a.version);
  const [from, setFrom] = useState<Side | null>(null);
  const [to, setTo] = useState<Side>('draft');
  const [shown, setShown] = useState<[Side, Side] | null>(null);
  const [restoring, setRestoring] = useState<number | null>(null);
  const [restored, setRestored] = useState<number | null>(null);
  // By default: the version readers see (or the one before it) against the draft.
  const fromSide: Side = from ?? items[0]?.version ?? 'draft';
  const before = useVersionSource(slug, typeof shown?.[0] === 'number' ? shown[0] : null);
  const after = useVersionSource(slug, typeof shown?.[1] === 'number' ? shown[1] : null);
  const source = (side: Side, query: typeof before) => (side === 'draft' ? draft : query.data?.document);

  const options = [
    ...items.map((v) => (
      <option key={v.version} value={v.version}>
        Version {v.version}
      </option>
    )),
    <option key="draft" value="draft">
      The draft being edited
    </option>,
  ];
  const parse = (value: string): Side => (value === 'draft' ? 'draft' : Number(value));

  return (
    <section className="panel" aria-labelledby="versions-title">
      <h2 id="versions-title">Published versions</h2>
      <ErrorMessage error={versions.error} />
      {versions.isSuccess && items.length === 0 ? <p>Not published yet.</p> : null}
      {restored !== null ? (
        <p role="status">Version {restored} is now the draft. Publish it to show it to readers.</p>
      ) : null}
      <ol className="version-list" reversed>
        {items.map((v) => (
          <li key={v.version}>
            Version {v.version}, published{' '}
            <time dateTime={v.createdAt}>{new Date(v.createdAt).toLocaleString()}</time>{' '}
            <button
              type="button"
              className="button secondary small"
              onClick={() => {
                setRestoring(v.version);
                setRestored(null);
              }}
            >
              Restore version {v.version} as draft…
            </button>
          </li>
        ))}
      </ol>
      {restoring !== null ? (
        <RestoreVersion
          slug={slug}
          version={restoring}
          etag={etag}
          dirty={dirty}
          publishedVersion={publishedVersion}
          onCancel={() => setRestoring(null)}
          onRestored={(state) => {
            setRestoring(null);
            setRestored(restoring);
            setShown(null);
            onRestored(state, restoring);
          }}
        />
      ) : null}
      {items.length > 0 ? (
        <form
          className="version-compare"
          aria-label="Compare versions"
          onSubmit={(e) => {
            e.preventDefault();
            setShown([fromSide, to]);
          }}
        >
          <div className="field">
            <label htmlFor="compare-from">From</label>
            <select id="compare-from" value={fromSide} onChange={(e) => setFrom(parse(e.target.value))}>
              {options}
            </select>
          </div>
          <div className="field">
            <label htmlFor="compare-to">To</label>
            <select id="compare-to" value={to} onChange={(e) => setTo(parse(e.target.value))}>
              {options}
            </select>
          </div>
          <button type="submit" className="button secondary">
            Show changes
          </button>
        </form>
      ) : null}
      {shown && !before.error && !after.error ? (
        <Comparison shown={shown} before={source(shown[0], before)} after={source(shown[1], after)} />
      ) : null}
      <ErrorMessage error={before.error ?? after.error} />
    </section>
  );
}

function Comparison({ shown, before, after }: { shown: [Side, Side]; before?: Source; after?: Source }) {
  if (!before || !after) return <Loading label="Loading the versions…" />;
  return (
    <VersionDiff before={before} after={after} beforeLabel={label(shown[0])} afterLabel={label(shown[1])} />
  );
}

// "Forked from …": where a roadmap came from, on the authoring list and in the editor.
import { Link } from 'react-router';
import type { Schemas } from '../../api.ts';

export function ForkedFrom({ origin }: { origin: Schemas['ForkedFrom'] }) {
  if (!origin) return null;
  return (
    <p className="meta">
      Forked from <Link to={`/roadmaps/${origin.slug}`}>{origin.title}</Link>, version {origin.version}
    </p>
  );
}

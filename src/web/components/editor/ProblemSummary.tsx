// The problems of the document at the top of the editor, each a link that moves to its field.
import { fieldId } from './fields.tsx';
import type { Problem } from './problems.ts';

/** The element that edits `path`, or the nearest part of the form that holds it. */
function target(path: string): HTMLElement | null {
  const segments = path.split('/');
  for (let n = segments.length; n > 1; n--) {
    const el = document.getElementById(fieldId(segments.slice(0, n).join('/')));
    if (el) return el;
  }
  return null;
}

export function ProblemSummary({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <div className="panel problem-summary" role="alert" aria-labelledby="problems-title">
      <h2 id="problems-title">
        {problems.length === 1 ? 'One problem to fix' : `${problems.length} problems to fix`} before this can
        be saved
      </h2>
      <ul className="error-list">
        {problems.map((p) => (
          <li key={`${p.path}${p.text}`}>
            <a
              href={`#${fieldId(p.path)}`}
              onClick={(event) => {
                const el = target(p.path);
                if (!el) return;
                event.preventDefault();
                el.scrollIntoView({ block: 'center' });
                el.focus({ preventScroll: true });
              }}
            >
              {p.where}: {p.text}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}

// The keyboard shortcuts, on `?` (and from the footer): a dialog listing every one.
import { useEffect, useRef } from 'react';

const SHORTCUTS: [string[], string][] = [
  [['/'], 'Search roadmaps and steps'],
  [['?'], 'Show these shortcuts'],
  [['↑', '↓', '←', '→'], 'Move between steps on the map'],
  [['Home', 'End'], 'First or last step on the map'],
  [['Enter'], 'Open the focused step'],
  [['d'], 'Mark the focused step done'],
  [['l'], 'Mark it learning'],
  [['s'], 'Mark it skipped'],
  [['r'], 'Reset it to to do'],
  [['Esc'], 'Close a dialog or the search results'],
];

export default function ShortcutSheet({ onClose }: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    if (dialog.current && !dialog.current.open) dialog.current.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="shortcut-sheet" aria-labelledby="shortcuts-title" onClose={onClose}>
      <h2 id="shortcuts-title">Keyboard shortcuts</h2>
      <dl>
        {SHORTCUTS.map(([keys, what]) => (
          <div key={what} className="shortcut">
            <dt>
              {keys.map((k) => (
                <kbd key={k}>{k}</kbd>
              ))}
            </dt>
            <dd>{what}</dd>
          </div>
        ))}
      </dl>
      <form method="dialog">
        <button type="submit" className="button">
          Close
        </button>
      </form>
    </dialog>
  );
}

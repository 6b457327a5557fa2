// The offer to bring back changes kept in this browser after a crash or a closed tab.
import type { LocalDraft } from './draft.ts';

export function RestoreDraft({
  draft,
  onRestore,
  onDiscard,
}: {
  draft: LocalDraft;
  onRestore: () => void;
  onDiscard: () => void;
}) {
  const when = new Date(draft.savedAt).toLocaleString();
  return (
    <div className="panel notice" role="region" aria-labelledby="restore-title">
      <h2 id="restore-title">Unsaved changes found</h2>
      <p>
        This browser kept changes to this roadmap that were never saved (last edited {when}). Restore them to
        keep working on them, then save.
      </p>
      <div className="row">
        <button type="button" className="button" onClick={onRestore}>
          Restore my changes
        </button>
        <button type="button" className="button secondary" onClick={onDiscard}>
          Discard them
        </button>
      </div>
    </div>
  );
}

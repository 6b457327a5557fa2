// Restoring an old version as the draft, after saying what it does: the draft (and any unsaved
// change) is replaced by that version's content; readers see nothing until it is published. The
// save is an ordinary PUT with If-Match, so a draft someone else saved meanwhile is never
// overwritten unseen.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, call, client, type AuthoringState } from '../../api.ts';
import { ErrorMessage } from '../common.tsx';
import { fetchVersionSource } from './versions.ts';

export function RestoreVersion({
  slug,
  version,
  etag,
  dirty,
  publishedVersion,
  onRestored,
  onCancel,
}: {
  slug: string;
  version: number;
  etag: string;
  dirty: boolean;
  publishedVersion: number;
  onRestored: (state: AuthoringState) => void;
  onCancel: () => void;
}) {
  const queryClient = useQueryClient();
  const restore = useMutation({
    mutationFn: async () => {
      const { document } = await fetchVersionSource(queryClient, slug, version);
      return call(() =>
        client.PUT('/api/v1/roadmaps/{slug}', {
          params: { path: { slug }, header: { 'if-match': etag } },
          body: document,
        }),
      );
    },
    onSuccess: (state) => {
      void queryClient.invalidateQueries({ queryKey: ['authored'] });
      onRestored(state);
    },
  });
  const stale = restore.error instanceof ApiError && restore.error.status === 412;
  return (
    <div className="panel notice" role="region" aria-labelledby="restore-version-title">
      <h3 id="restore-version-title">Restore version {version} as the draft?</h3>
      <p>
        The draft you are editing is replaced by the content of version {version}
        {dirty ? ', and the changes you have not saved are lost' : ''}. Readers keep seeing version{' '}
        {publishedVersion} until you publish. To keep the current draft, download it as YAML first.
      </p>
      <div className="row">
        <button
          type="button"
          className="button"
          disabled={restore.isPending}
          onClick={() => restore.mutate()}
        >
          {restore.isPending ? 'Restoring…' : `Yes, restore version ${version}`}
        </button>
        <button type="button" className="button secondary" onClick={onCancel}>
          Keep the current draft
        </button>
      </div>
      {stale ? (
        <p className="error" role="alert">
          Someone else saved this roadmap since you opened it, so nothing was restored. Reload the editor and
          try again.
        </p>
      ) : (
        <ErrorMessage error={restore.error} />
      )}
    </div>
  );
}

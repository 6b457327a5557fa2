// The published versions of a roadmap and an old version's source, for the editor's history.
// A published version never changes, so its source is fetched once.
import { useQuery, type QueryClient } from '@tanstack/react-query';
import { call, client } from '../../api.ts';

export function useVersions(slug: string) {
  return useQuery({
    queryKey: ['versions', slug],
    queryFn: () => call(() => client.GET('/api/v1/roadmaps/{slug}/versions', { params: { path: { slug } } })),
  });
}

const sourceQuery = (slug: string, version: number) => ({
  queryKey: ['version-source', slug, version],
  queryFn: () =>
    call(() =>
      client.GET('/api/v1/roadmaps/{slug}/versions/{version}', { params: { path: { slug, version } } }),
    ),
  staleTime: Infinity,
});

export function useVersionSource(slug: string, version: number | null) {
  return useQuery({ ...sourceQuery(slug, version ?? 0), enabled: version !== null });
}

export const fetchVersionSource = (queryClient: QueryClient, slug: string, version: number) =>
  queryClient.fetchQuery(sourceQuery(slug, version));

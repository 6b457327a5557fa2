// Data the pages share, through TanStack Query: one key per resource, so a write or a live
// event refreshes every view of it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from './api.ts';
import { useAuth } from './auth.tsx';
import { localStatuses, setLocalStatus } from './local-progress.ts';
import type { ProgressSummary, RoadmapDocument, RoadmapListItem, StepDetail, StepStatus } from './types.ts';

export const keys = {
  roadmaps: ['roadmaps'] as const,
  roadmap: (slug: string) => ['roadmap', slug] as const,
  step: (slug: string, step: string) => ['step', slug, step] as const,
  progress: (slug: string) => ['me', 'progress', slug] as const,
  myRoadmaps: ['me', 'roadmaps'] as const,
  stats: ['me', 'stats'] as const,
  sessions: ['me', 'sessions'] as const,
};

export const useRoadmaps = () =>
  useQuery({
    queryKey: keys.roadmaps,
    queryFn: () => api<{ items: RoadmapListItem[] }>('/api/v1/roadmaps?limit=100'),
  });

export const useRoadmap = (slug: string) =>
  useQuery({ queryKey: keys.roadmap(slug), queryFn: () => api<RoadmapDocument>(`/api/v1/roadmaps/${slug}`) });

export const useStep = (slug: string, step: string) =>
  useQuery({
    queryKey: keys.step(slug, step),
    queryFn: () => api<StepDetail>(`/api/v1/roadmaps/${slug}/steps/${step}`),
  });

export function useMyRoadmaps() {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.myRoadmaps,
    queryFn: () => api<{ items: ProgressSummary[] }>('/api/v1/me/roadmaps'),
    enabled: status === 'signed-in',
  });
}

export function useProgress(slug: string) {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.progress(slug),
    queryFn: () => api<ProgressSummary>(`/api/v1/me/roadmaps/${slug}/progress`),
    enabled: status === 'signed-in',
  });
}

/**
 * Step statuses of one roadmap and how to change them: through the API when signed in, in this
 * browser otherwise. Changes show at once (optimistically) and roll back if the API refuses.
 */
export function useStepStatuses(slug: string) {
  const { status } = useAuth();
  const queryClient = useQueryClient();
  const progress = useProgress(slug);
  const [local, setLocal] = useState(() => localStatuses(slug));

  const mutationKey = ['set-progress', slug];
  // Changes not yet confirmed by a fresh read: shown at once, over what the server last said.
  const [pending, setPending] = useState<Record<string, StepStatus>>({});
  const mutation = useMutation({
    mutationKey,
    mutationFn: ({ step, next }: { step: string; next: StepStatus }) =>
      api(`/api/v1/me/roadmaps/${slug}/steps/${step}`, { method: 'PUT', body: { status: next } }),
    onError: (_err, { step }) => {
      setPending(({ [step]: _dropped, ...rest }) => rest);
    },
    onSettled: () => {
      // Refetch once the last of several quick changes is written, so an early answer does
      // not overwrite a later change that is still on its way.
      if (queryClient.isMutating({ mutationKey }) > 1) return;
      void queryClient.invalidateQueries({ queryKey: keys.progress(slug) });
      void queryClient.invalidateQueries({ queryKey: keys.myRoadmaps });
    },
  });
  // A fresh read after every write has landed is the truth again.
  const updatedAt = progress.dataUpdatedAt;
  useEffect(() => {
    if (queryClient.isMutating({ mutationKey: ['set-progress', slug] }) === 0) setPending({});
  }, [updatedAt, queryClient, slug]);

  const signedIn = status === 'signed-in';
  return {
    signedIn,
    statuses: signedIn ? { ...progress.data?.steps, ...pending } : local,
    summary: signedIn ? progress.data : undefined,
    error: mutation.error,
    set(step: string, next: StepStatus) {
      if (signedIn) {
        setPending((p) => ({ ...p, [step]: next }));
        mutation.mutate({ step, next });
      } else {
        setLocalStatus(slug, step, next);
        setLocal(localStatuses(slug));
      }
    },
  };
}

// Data the pages share, through TanStack Query: one key per resource, so a write or a live
// event refreshes every view of it.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call, client, type RoadmapDocument, type StepStatus } from './api.ts';
import { useAuth } from './auth.tsx';
import { localStatuses, setLocalStatus } from './local-progress.ts';

export const keys = {
  roadmaps: ['roadmaps'] as const,
  roadmap: (slug: string) => ['roadmap', slug] as const,
  step: (slug: string, step: string) => ['step', slug, step] as const,
  progress: (slug: string) => ['me', 'progress', slug] as const,
  myRoadmaps: ['me', 'roadmaps'] as const,
  stats: ['me', 'stats'] as const,
  studyLog: ['me', 'study-sessions'] as const,
  reviews: ['me', 'reviews'] as const,
  forecast: (slug: string) => ['me', 'forecast', slug] as const,
  pushSubscriptions: ['me', 'push-subscriptions'] as const,
  personalTokens: ['me', 'tokens'] as const,
  webhooks: ['me', 'webhooks'] as const,
  webhookDeliveries: (id: string) => ['me', 'webhooks', id, 'deliveries'] as const,
  adminJobs: ['admin', 'jobs'] as const,
};

export const useRoadmaps = () =>
  useQuery({
    queryKey: keys.roadmaps,
    queryFn: () => call(() => client.GET('/api/v1/roadmaps', { params: { query: { limit: 100 } } })),
  });

/** The reader's document (the route answers an AuthoringState only for `?version=draft`). */
function isDocument(value: object): value is RoadmapDocument {
  return 'layers' in value;
}

export const useRoadmap = (slug: string) =>
  useQuery({
    queryKey: keys.roadmap(slug),
    enabled: slug !== '',
    queryFn: async () => {
      const doc = await call(() => client.GET('/api/v1/roadmaps/{slug}', { params: { path: { slug } } }));
      if (!isDocument(doc)) throw new Error('expected a roadmap document');
      return doc;
    },
  });

export const useStep = (slug: string, step: string) =>
  useQuery({
    queryKey: keys.step(slug, step),
    queryFn: () =>
      call(() =>
        client.GET('/api/v1/roadmaps/{slug}/steps/{stepSlug}', {
          params: { path: { slug, stepSlug: step } },
        }),
      ),
  });

export function useMyRoadmaps() {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.myRoadmaps,
    queryFn: () => call(() => client.GET('/api/v1/me/roadmaps')),
    enabled: status === 'signed-in',
  });
}

/** The steps of a roadmap the signed-in learner has a note on (the map marks them). */
export function useNotedSteps(slug: string): ReadonlySet<string> | undefined {
  const { status } = useAuth();
  const notes = useQuery({
    queryKey: ['me', 'notes', 'roadmap', slug],
    queryFn: () =>
      call(() => client.GET('/api/v1/me/notes', { params: { query: { roadmapSlug: slug, limit: 100 } } })),
    enabled: status === 'signed-in' && slug !== '',
    select: (page) => new Set(page.items.map((n) => n.stepSlug)),
  });
  return notes.data;
}

export function useProgress(slug: string) {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.progress(slug),
    queryFn: () =>
      call(() => client.GET('/api/v1/me/roadmaps/{slug}/progress', { params: { path: { slug } } })),
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
    // One at a time, in the order they were made: two quick changes to a step must reach the
    // server in that order, or the earlier one could land last and win.
    scope: { id: `progress:${slug}` },
    mutationFn: ({ step, next }: { step: string; next: StepStatus }) =>
      call(() =>
        client.PUT('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}', {
          params: { path: { slug, stepSlug: step } },
          body: { status: next },
        }),
      ),
    onError: (_err, { step }) => {
      setPending(({ [step]: _dropped, ...rest }) => rest);
    },
    onSettled: () => {
      // Refetch once the last of several quick changes is written, so an early answer does
      // not overwrite a later change that is still on its way.
      if (queryClient.isMutating({ mutationKey }) > 1) return;
      void queryClient.invalidateQueries({ queryKey: keys.progress(slug) });
      void queryClient.invalidateQueries({ queryKey: keys.myRoadmaps });
      void queryClient.invalidateQueries({ queryKey: keys.reviews }); // done makes a card
    },
  });
  // A fresh read after every write has landed is the truth again.
  const updatedAt = progress.dataUpdatedAt;
  useEffect(() => {
    if (queryClient.isMutating({ mutationKey: ['set-progress', slug] }) === 0) setPending({});
  }, [updatedAt, queryClient, slug]);

  // A change made while we do not know yet whether anyone is signed in is kept in this browser
  // at once (so a reload cannot lose it) and waits for the answer: then it goes to the account,
  // and this browser's record of the step goes back to what it was before (an older tick kept
  // here stays, to be imported later), or it simply stays here.
  const [waiting, setWaiting] = useState<Record<string, { next: StepStatus; before: StepStatus }>>({});
  const { mutate } = mutation;
  useEffect(() => {
    if (status === 'loading' || Object.keys(waiting).length === 0) return;
    const changes = Object.fromEntries(Object.entries(waiting).map(([step, w]) => [step, w.next]));
    if (status === 'signed-in') {
      for (const [step, { next, before }] of Object.entries(waiting)) {
        mutate({ step, next });
        setLocalStatus(slug, step, before);
      }
      setPending((p) => ({ ...p, ...changes }));
    } else setLocal(localStatuses(slug));
    setWaiting({});
  }, [status, waiting, mutate, slug]);
  const waitingStatuses = Object.fromEntries(Object.entries(waiting).map(([step, w]) => [step, w.next]));

  const signedIn = status === 'signed-in';
  return {
    signedIn,
    /** Whose statuses these are is known, and they are loaded: not a guess made while asking. */
    ready: status !== 'loading' && (!signedIn || progress.data !== undefined),
    statuses: signedIn ? { ...progress.data?.steps, ...pending } : { ...local, ...waitingStatuses },
    summary: signedIn ? progress.data : undefined,
    error: mutation.error,
    set(step: string, next: StepStatus) {
      if (status === 'loading') {
        const before = localStatuses(slug)[step] ?? 'todo';
        setLocalStatus(slug, step, next);
        // A second change to the same step while waiting keeps the first one's `before`.
        setWaiting((w) => ({ ...w, [step]: { next, before: w[step]?.before ?? before } }));
      } else if (signedIn) {
        setPending((p) => ({ ...p, [step]: next }));
        mutation.mutate({ step, next });
      } else {
        setLocalStatus(slug, step, next);
        setLocal(localStatuses(slug));
      }
    },
  };
}

/** The review cards due now (the first page) with the count and the next due time. */
export function useReviews() {
  const { status } = useAuth();
  return useQuery({
    queryKey: keys.reviews,
    queryFn: () => call(() => client.GET('/api/v1/me/reviews', { params: { query: { limit: 20 } } })),
    enabled: status === 'signed-in',
  });
}

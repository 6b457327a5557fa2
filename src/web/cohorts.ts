// Cohorts in the web app: one query key per resource, so a write or a member's live activity
// refreshes every view of it, and the calls the cohort pages share.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { call, client, currentAccessToken, refreshSession, type Schemas } from './api.ts';
import { useAuth } from './auth.tsx';
import { useEventStream } from './live.ts';

export type Cohort = Schemas['Cohort'];
export type CohortMember = Schemas['CohortMember'];
export type CohortInvite = Schemas['CohortInvite'];
export type CohortRole = NonNullable<Cohort['role']>;

export const cohortKeys = {
  mine: ['cohorts', 'mine'] as const,
  all: (id: string) => ['cohorts', id] as const,
  cohort: (id: string) => ['cohorts', id, 'summary'] as const,
  members: (id: string, query: object) => ['cohorts', id, 'members', query] as const,
  heatmap: (id: string) => ['cohorts', id, 'heatmap'] as const,
  invites: (id: string) => ['cohorts', id, 'invites'] as const,
};

/** Owners and mentors lead a cohort: they see its members, invite, nudge and download the report. */
export const leads = (role: Cohort['role'] | undefined) => role === 'owner' || role === 'mentor';

export function useMyCohorts() {
  const { status } = useAuth();
  return useQuery({
    queryKey: cohortKeys.mine,
    enabled: status === 'signed-in',
    queryFn: () => call(() => client.GET('/api/v1/me/cohorts', { params: { query: { limit: 100 } } })),
  });
}

export function useCohort(id: string) {
  const { status } = useAuth();
  return useQuery({
    queryKey: cohortKeys.cohort(id),
    enabled: status === 'signed-in',
    queryFn: () => call(() => client.GET('/api/v1/cohorts/{id}', { params: { path: { id } } })),
  });
}

/**
 * While a lead has the cohort open, each member's marked step or logged session refreshes the
 * cohort's views (the stream says who, never what; the views ask again).
 */
export function useCohortLive(id: string, enabled: boolean) {
  const queryClient = useQueryClient();
  const refresh = () => void queryClient.invalidateQueries({ queryKey: cohortKeys.all(id) });
  useEventStream(enabled ? `/api/v1/cohorts/${id}/events` : null, refresh, refresh);
}

/** Downloads the cohort's CSV report under the file name the server gives it. */
export async function downloadReport(id: string) {
  const get = () =>
    fetch(`/api/v1/cohorts/${id}/report.csv`, {
      headers: { authorization: `Bearer ${currentAccessToken()}` },
    });
  let res = await get();
  if (res.status === 401 && (await refreshSession())) res = await get();
  if (!res.ok) throw new Error('The report could not be made. Try again in a moment.');
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'cohort.csv';
  const url = URL.createObjectURL(await res.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// Progress of a visitor who has not signed in yet, kept in this browser (localStorage) and
// offered for import when they sign up or sign in.
import { call, client, type StepStatus } from './api.ts';

const KEY = 'waymark:progress:v1';
type Store = Record<string, Record<string, StepStatus>>;

function read(): Store {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '{}') as Store;
  } catch {
    return {};
  }
}

export function localStatuses(roadmapSlug: string): Record<string, StepStatus> {
  return read()[roadmapSlug] ?? {};
}

export function setLocalStatus(roadmapSlug: string, stepSlug: string, status: StepStatus) {
  const store = read();
  const roadmap = { ...store[roadmapSlug] };
  if (status === 'todo') delete roadmap[stepSlug];
  else roadmap[stepSlug] = status;
  store[roadmapSlug] = roadmap;
  localStorage.setItem(KEY, JSON.stringify(store));
}

/** Every locally kept status, as (roadmap, step, status) triples. */
export function allLocal(): { roadmapSlug: string; stepSlug: string; status: StepStatus }[] {
  return Object.entries(read()).flatMap(([roadmapSlug, steps]) =>
    Object.entries(steps).map(([stepSlug, status]) => ({ roadmapSlug, stepSlug, status })),
  );
}

export function clearLocal() {
  localStorage.removeItem(KEY);
}

/** Sends every locally kept status to the signed-in account, then forgets them here. */
export async function importLocal(): Promise<void> {
  for (const p of allLocal()) {
    await call(() =>
      client.PUT('/api/v1/me/roadmaps/{slug}/steps/{stepSlug}', {
        params: { path: { slug: p.roadmapSlug, stepSlug: p.stepSlug } },
        body: { status: p.status },
      }),
    ).catch(() => undefined); // a step that no longer exists is skipped
  }
  clearLocal();
}

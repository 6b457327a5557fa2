// Progress of a visitor who has not signed up yet, kept in this browser (localStorage) and
// offered for import when they create an account.
import type { StepStatus } from './types.ts';

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

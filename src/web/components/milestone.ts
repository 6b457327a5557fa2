// Noticing that a milestone was just reached (not merely loaded as reached): the roadmap page
// then shows the celebration (MilestoneCelebration.tsx, loaded when first needed).
import { useEffect, useRef, useState } from 'react';
import type { RoadmapDocument } from '../api.ts';
import { isReached, type Milestone, type Statuses } from '../progress.ts';

/** Watches the statuses; returns the milestone just reached, and how to dismiss it. */
export function useMilestoneReached(doc: RoadmapDocument | undefined, statuses: Statuses, ready: boolean) {
  const seen = useRef<Set<string> | null>(null);
  const [reached, setReached] = useState<Milestone | null>(null);
  useEffect(() => {
    if (!doc || !ready) return;
    const now = new Set(doc.milestones.filter((m) => isReached(doc, statuses, m)).map((m) => m.slug));
    if (seen.current) {
      const fresh = doc.milestones.find((m) => now.has(m.slug) && !seen.current!.has(m.slug));
      if (fresh) setReached(fresh);
    }
    seen.current = now;
  }, [doc, statuses, ready]);
  return { reached, dismiss: () => setReached(null) };
}

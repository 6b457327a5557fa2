// SQL for the roadmaps domain, through Drizzle. Reads take the replica handle, writes the
// primary; the service decides which. Nothing here knows about HTTP or caching.
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { roadmaps, roadmapVersions, steps } from '../../db/schema.ts';
import type { RoadmapSource } from './schemas.ts';

export interface StoredVersion {
  slug: string;
  status: 'draft' | 'published';
  version: number;
  updatedAt: Date;
  source: RoadmapSource;
}

export async function findCurrentVersion(db: Db, slug: string): Promise<StoredVersion | undefined> {
  const [row] = await db
    .select({
      slug: roadmaps.slug,
      status: roadmaps.status,
      version: roadmapVersions.version,
      updatedAt: roadmapVersions.createdAt,
      source: roadmapVersions.document,
    })
    .from(roadmaps)
    .innerJoin(
      roadmapVersions,
      and(eq(roadmapVersions.roadmapId, roadmaps.id), eq(roadmapVersions.version, roadmaps.currentVersion)),
    )
    .where(and(eq(roadmaps.slug, slug), eq(roadmaps.status, 'published')));
  return row;
}

export interface ListRow {
  slug: string;
  title: string;
  summary: string;
  stepCount: number;
  requiredStepCount: number;
  estimatedHours: number;
  updatedAt: Date;
}

/** Published roadmaps in slug order, after `afterSlug` (keyset pagination), optionally matching `q`. */
export async function listPublished(
  db: Db,
  options: { limit: number; afterSlug?: string | undefined; q?: string | undefined },
): Promise<ListRow[]> {
  const conditions = [eq(roadmaps.status, 'published')];
  if (options.afterSlug !== undefined) conditions.push(gt(roadmaps.slug, options.afterSlug));
  if (options.q !== undefined) {
    // A roadmap matches on its own title and summary or on any of its live steps.
    const query = sql`websearch_to_tsquery('english', ${options.q})`;
    conditions.push(
      sql`(${roadmaps.search} @@ ${query} or exists (select 1 from ${steps} s where s.roadmap_id = ${roadmaps.id} and s.retired_at is null and s.search @@ ${query}))`,
    );
  }
  return db
    .select({
      slug: roadmaps.slug,
      title: roadmaps.title,
      summary: roadmaps.summary,
      stepCount: sql<number>`count(${steps.id})`.mapWith(Number),
      requiredStepCount: sql<number>`count(${steps.id}) filter (where ${steps.required})`.mapWith(Number),
      estimatedHours: sql<number>`coalesce(sum(${steps.estimatedHours}), 0)`.mapWith(Number),
      updatedAt: roadmaps.updatedAt,
    })
    .from(roadmaps)
    .leftJoin(steps, and(eq(steps.roadmapId, roadmaps.id), isNull(steps.retiredAt)))
    .where(and(...conditions))
    .groupBy(roadmaps.id)
    .orderBy(asc(roadmaps.slug))
    .limit(options.limit);
}

export async function findLiveStep(db: Db, roadmapSlug: string, stepSlug: string) {
  const [row] = await db
    .select({
      id: steps.id,
      slug: steps.slug,
      roadmapSlug: roadmaps.slug,
      layerSlug: steps.layerSlug,
      layerTitle: steps.layerTitle,
      title: steps.title,
      summary: steps.summary,
      required: steps.required,
      position: steps.position,
      estimatedHours: steps.estimatedHours,
      resources: steps.resources,
      body: steps.body,
      bodyHtml: steps.bodyHtml,
    })
    .from(steps)
    .innerJoin(roadmaps, eq(roadmaps.id, steps.roadmapId))
    .where(
      and(
        eq(roadmaps.slug, roadmapSlug),
        eq(roadmaps.status, 'published'),
        eq(steps.slug, stepSlug),
        isNull(steps.retiredAt),
      ),
    );
  return row;
}

export interface SearchRow {
  kind: 'roadmap' | 'step';
  roadmapSlug: string;
  stepSlug: string | null;
  title: string;
  snippet: string;
  rank: number;
}

const HEADLINE_OPTIONS = 'StartSel=«, StopSel=», MaxWords=35, MinWords=12, MaxFragments=1';

/** Full-text search over published roadmaps and their live steps, best match first. */
export async function search(db: Db, q: string, limit: number): Promise<SearchRow[]> {
  const query = sql`websearch_to_tsquery('english', ${q})`;
  const roadmapRank = sql<number>`ts_rank(${roadmaps.search}, ${query})`.mapWith(Number);
  const stepRank = sql<number>`ts_rank(${steps.search}, ${query})`.mapWith(Number);
  const [roadmapRows, stepRows] = await Promise.all([
    db
      .select({
        roadmapSlug: roadmaps.slug,
        title: roadmaps.title,
        snippet: sql<string>`ts_headline('english', ${roadmaps.summary}, ${query}, ${HEADLINE_OPTIONS})`,
        rank: roadmapRank,
      })
      .from(roadmaps)
      .where(and(eq(roadmaps.status, 'published'), sql`${roadmaps.search} @@ ${query}`))
      .orderBy(desc(roadmapRank))
      .limit(limit),
    db
      .select({
        roadmapSlug: roadmaps.slug,
        stepSlug: steps.slug,
        title: steps.title,
        snippet: sql<string>`ts_headline('english', ${steps.summary} || ' ' || ${steps.body}, ${query}, ${HEADLINE_OPTIONS})`,
        rank: stepRank,
      })
      .from(steps)
      .innerJoin(roadmaps, eq(roadmaps.id, steps.roadmapId))
      .where(and(eq(roadmaps.status, 'published'), isNull(steps.retiredAt), sql`${steps.search} @@ ${query}`))
      .orderBy(desc(stepRank))
      .limit(limit),
  ]);
  return [
    ...roadmapRows.map((r) => ({ ...r, kind: 'roadmap' as const, stepSlug: null })),
    ...stepRows.map((r) => ({ ...r, kind: 'step' as const })),
  ]
    .sort((a, b) => b.rank - a.rank || a.title.localeCompare(b.title))
    .slice(0, limit);
}

export interface StepRow {
  id: string;
  slug: string;
  layerSlug: string;
  layerTitle: string;
  title: string;
  summary: string;
  body: string;
  bodyHtml: string;
  required: boolean;
  position: number;
  estimatedHours: number;
  resources: { title: string; url: string; kind: string }[];
}

/**
 * Writes a new published version in one transaction: the roadmap row, the version's document,
 * and the live steps (upserted by their stable id; steps no longer present are retired, so
 * progress on them is kept). Content whose hash equals the current version's writes nothing.
 * A per-roadmap advisory lock makes instances that import the same content at once agree.
 */
export async function publishVersion(
  db: Db,
  input: { source: RoadmapSource; contentHash: string; steps: StepRow[] },
): Promise<{ version: number; outcome: 'created' | 'updated' | 'unchanged' }> {
  const { source } = input;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`waymark:roadmap:${source.slug}`}))`);
    const [current] = await tx
      .select({ hash: roadmapVersions.contentHash, version: roadmaps.currentVersion })
      .from(roadmaps)
      .innerJoin(
        roadmapVersions,
        and(eq(roadmapVersions.roadmapId, roadmaps.id), eq(roadmapVersions.version, roadmaps.currentVersion)),
      )
      .where(eq(roadmaps.slug, source.slug));
    if (current?.hash === input.contentHash) return { version: current.version, outcome: 'unchanged' };

    const now = new Date();
    const [roadmap] = await tx
      .insert(roadmaps)
      .values({
        slug: source.slug,
        title: source.title,
        summary: source.summary,
        status: 'published',
        currentVersion: 1,
        updatedAt: now,
      })
      .onConflictDoUpdate({
        target: roadmaps.slug,
        set: {
          title: source.title,
          summary: source.summary,
          status: 'published',
          currentVersion: sql`${roadmaps.currentVersion} + 1`,
          updatedAt: now,
        },
      })
      .returning({ id: roadmaps.id, version: roadmaps.currentVersion });
    if (!roadmap) throw new Error(`upsert of roadmap ${source.slug} returned nothing`);

    await tx.insert(roadmapVersions).values({
      roadmapId: roadmap.id,
      version: roadmap.version,
      document: source,
      contentHash: input.contentHash,
      createdAt: now,
    });

    const ids = input.steps.map((s) => s.id);
    // Retire every live step, then bring back the ones this version has: slugs may be swapped
    // or reused between steps, and the live-slug unique index only sees revived rows.
    await tx
      .update(steps)
      .set({ retiredAt: now, updatedAt: now })
      .where(and(eq(steps.roadmapId, roadmap.id), isNull(steps.retiredAt)));
    // A step id owned by another roadmap is refused: ids are global and never reused.
    const owned = await tx
      .select({ id: steps.id, roadmapId: steps.roadmapId })
      .from(steps)
      .where(inArray(steps.id, ids));
    const foreign = owned.find((s) => s.roadmapId !== roadmap.id);
    if (foreign) throw new StepIdTakenError(foreign.id);
    await tx
      .insert(steps)
      .values(input.steps.map((s) => ({ ...s, roadmapId: roadmap.id, retiredAt: null, updatedAt: now })))
      .onConflictDoUpdate({
        target: steps.id,
        set: {
          slug: sql`excluded.slug`,
          layerSlug: sql`excluded.layer_slug`,
          layerTitle: sql`excluded.layer_title`,
          title: sql`excluded.title`,
          summary: sql`excluded.summary`,
          body: sql`excluded.body`,
          bodyHtml: sql`excluded.body_html`,
          required: sql`excluded.required`,
          position: sql`excluded.position`,
          estimatedHours: sql`excluded.estimated_hours`,
          resources: sql`excluded.resources`,
          retiredAt: null,
          updatedAt: now,
        },
      });
    return { version: roadmap.version, outcome: current ? 'updated' : 'created' };
  });
}

export class StepIdTakenError extends Error {
  readonly stepId: string;
  constructor(stepId: string) {
    super(`step id "${stepId}" belongs to another roadmap`);
    this.name = 'StepIdTakenError';
    this.stepId = stepId;
  }
}

/** Ids of a published roadmap and, optionally, one of its live steps. */
export async function findIds(
  db: Db,
  roadmapSlug: string,
  stepSlug: string | undefined,
): Promise<{ roadmapId: string; stepId: string | null } | undefined> {
  const [roadmap] = await db
    .select({ id: roadmaps.id })
    .from(roadmaps)
    .where(and(eq(roadmaps.slug, roadmapSlug), eq(roadmaps.status, 'published')));
  if (!roadmap) return undefined;
  if (stepSlug === undefined) return { roadmapId: roadmap.id, stepId: null };
  const [step] = await db
    .select({ id: steps.id })
    .from(steps)
    .where(and(eq(steps.roadmapId, roadmap.id), eq(steps.slug, stepSlug), isNull(steps.retiredAt)));
  return step ? { roadmapId: roadmap.id, stepId: step.id } : undefined;
}

// SQL for the roadmaps domain, through Drizzle. Reads take the replica handle, writes the
// primary; the service decides which. Nothing here knows about HTTP or caching.
import { and, asc, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { queryRows, type Db } from '../../db/client.ts';
import {
  roadmapSlugs,
  roadmaps,
  roadmapVersions,
  steps,
  type RenderedHtml,
  type StepCheck,
} from '../../db/schema.ts';
import type { RoadmapSource } from './schemas.ts';

export interface StoredVersion {
  slug: string;
  status: 'draft' | 'published' | 'deleted';
  version: number;
  updatedAt: Date;
  source: RoadmapSource;
  /** The Markdown fields rendered when the version was written (null: not yet backfilled). */
  rendered: RenderedHtml | null;
}

export async function findCurrentVersion(db: Db, slug: string): Promise<StoredVersion | undefined> {
  const [row] = await db
    .select({
      slug: roadmaps.slug,
      status: roadmaps.status,
      version: roadmapVersions.version,
      updatedAt: roadmapVersions.createdAt,
      source: roadmapVersions.document,
      rendered: roadmapVersions.rendered,
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
      checks: steps.checks,
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

/**
 * The live slug of a step that a published version of this roadmap once called `oldSlug`
 * (the step id is what stays; a rename changes only its slug), newest version first.
 */
export async function findRenamedStep(db: Db, roadmapSlug: string, oldSlug: string) {
  const rows = await queryRows<{ slug: string }>(
    db,
    sql`
    select ${steps.slug} as slug
    from ${roadmapVersions} v
    join ${roadmaps} r on r.id = v.roadmap_id
    cross join lateral jsonb_array_elements(v.document -> 'layers') as layer
    cross join lateral jsonb_array_elements(layer -> 'steps') as old
    join ${steps} on ${steps.id} = old ->> 'id' and ${steps.retiredAt} is null
    where r.slug = ${roadmapSlug} and r.status = 'published' and old ->> 'slug' = ${oldSlug}
      and ${steps.slug} <> ${oldSlug}
    order by v.version desc
    limit 1`,
  );
  return rows[0]?.slug;
}

/** The live slug of the published roadmap that had `oldSlug` before a rename. */
export async function findRenamedRoadmap(db: Db, oldSlug: string): Promise<string | undefined> {
  const [row] = await db
    .select({ slug: roadmaps.slug })
    .from(roadmapSlugs)
    .innerJoin(roadmaps, eq(roadmaps.id, roadmapSlugs.roadmapId))
    .where(and(eq(roadmapSlugs.slug, oldSlug), eq(roadmaps.status, 'published')));
  return row?.slug;
}

/**
 * Gives a roadmap a new slug in one transaction: the row, its draft and its current version's
 * document say the new one (earlier versions keep the slug they were published under), and the
 * old slug is kept as a redirect. Renaming back to an old slug drops that redirect. A slug taken
 * by another roadmap fails on `roadmaps_slug_key`.
 */
export async function rename(db: Db, input: { id: string; from: string; to: string }): Promise<void> {
  const to = sql`to_jsonb(${input.to}::text)`;
  await db.transaction(async (tx) => {
    await tx
      .update(roadmaps)
      .set({
        slug: input.to,
        draft: sql`case when ${roadmaps.draft} is null then null else jsonb_set(${roadmaps.draft}, '{slug}', ${to}) end`,
        updatedAt: new Date(),
      })
      .where(eq(roadmaps.id, input.id));
    await tx.execute(sql`
      update roadmap_versions v set document = jsonb_set(v.document, '{slug}', ${to})
      from roadmaps r where r.id = v.roadmap_id and r.id = ${input.id} and v.version = r.current_version`);
    await tx.delete(roadmapSlugs).where(eq(roadmapSlugs.slug, input.to));
    await tx
      .insert(roadmapSlugs)
      .values({ slug: input.from, roadmapId: input.id })
      .onConflictDoUpdate({ target: roadmapSlugs.slug, set: { roadmapId: input.id, renamedAt: new Date() } });
  });
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
  checks: StepCheck[];
}

/**
 * Writes a new published version in one transaction: the roadmap row, the version's document,
 * and the live steps (upserted by their stable id; steps no longer present are retired, so
 * progress on them is kept). Content whose hash equals the current version's writes nothing.
 * A per-roadmap advisory lock makes instances that import the same content at once agree.
 */
export async function publishVersion(
  db: Db,
  input: {
    source: RoadmapSource;
    contentHash: string;
    rendered: RenderedHtml;
    steps: StepRow[];
    /** Publishing an author's draft: the draft revision it must still be, cleared in the same transaction. */
    draftRevision?: number;
  },
): Promise<{ version: number; outcome: 'created' | 'updated' | 'unchanged' }> {
  const { source } = input;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`waymark:roadmap:${source.slug}`}))`);
    if (input.draftRevision !== undefined) {
      const cleared = await tx
        .update(roadmaps)
        .set({ draft: null, draftRevision: sql`${roadmaps.draftRevision} + 1` })
        .where(and(eq(roadmaps.slug, source.slug), eq(roadmaps.draftRevision, input.draftRevision)))
        .returning({ id: roadmaps.id });
      if (cleared.length === 0) throw new StaleDraftError();
    }
    const [current] = await tx
      .select({ hash: roadmapVersions.contentHash, version: roadmaps.currentVersion })
      .from(roadmaps)
      .innerJoin(
        roadmapVersions,
        and(eq(roadmapVersions.roadmapId, roadmaps.id), eq(roadmapVersions.version, roadmaps.currentVersion)),
      )
      .where(eq(roadmaps.slug, source.slug));
    if (current?.hash === input.contentHash && input.draftRevision === undefined) {
      return { version: current.version, outcome: 'unchanged' };
    }
    if (current?.hash === input.contentHash) {
      // Publishing a draft equal to the published version: nothing new to publish, but a
      // deleted-then-restored or re-published roadmap is visible again.
      await tx.update(roadmaps).set({ status: 'published' }).where(eq(roadmaps.slug, source.slug));
      return { version: current.version, outcome: 'unchanged' };
    }

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
      rendered: input.rendered,
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
          checks: sql`excluded.checks`,
          retiredAt: null,
          updatedAt: now,
        },
      });
    return { version: roadmap.version, outcome: current ? 'updated' : 'created' };
  });
}

export class StaleDraftError extends Error {
  constructor() {
    super('the draft changed since it was read');
    this.name = 'StaleDraftError';
  }
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

// ---------------------------------------------------------------------------------------------
// Authoring

export interface AuthoredRow {
  id: string;
  slug: string;
  status: 'draft' | 'published' | 'deleted';
  ownerId: string | null;
  currentVersion: number;
  draft: RoadmapSource | null;
  draftRevision: number;
  published: RoadmapSource | null;
  updatedAt: Date;
  forkedFrom: ForkOrigin | null;
}

/** Where a fork came from: the original's current slug and title, and the version forked. */
export interface ForkOrigin {
  slug: string;
  title: string;
  version: number;
}

const origin = alias(roadmaps, 'origin');
/** The columns of `origin` (joined by `withOrigin`) as a `ForkOrigin`, or null. */
const forkedFromColumn = sql<ForkOrigin | null>`case when ${origin.id} is null then null
  else json_build_object('slug', ${origin.slug}, 'title', ${origin.title}, 'version', ${roadmaps.forkedFromVersion}) end`;

/** A roadmap as its authors see it: its draft, its published source, its owner. */
export async function findAuthored(db: Db, slug: string): Promise<AuthoredRow | undefined> {
  const [row] = await db
    .select({
      id: roadmaps.id,
      slug: roadmaps.slug,
      status: roadmaps.status,
      ownerId: roadmaps.ownerId,
      currentVersion: roadmaps.currentVersion,
      draft: roadmaps.draft,
      draftRevision: roadmaps.draftRevision,
      published: roadmapVersions.document,
      updatedAt: roadmaps.updatedAt,
      forkedFrom: forkedFromColumn,
    })
    .from(roadmaps)
    .leftJoin(
      roadmapVersions,
      and(eq(roadmapVersions.roadmapId, roadmaps.id), eq(roadmapVersions.version, roadmaps.currentVersion)),
    )
    .leftJoin(origin, and(eq(origin.id, roadmaps.forkedFromId), sql`${origin.status} <> 'deleted'`))
    .where(eq(roadmaps.slug, slug));
  return row;
}

export async function insertDraft(
  db: Db,
  input: { source: RoadmapSource; ownerId: string; forkedFrom?: { id: string; version: number } },
): Promise<void> {
  await db.insert(roadmaps).values({
    forkedFromId: input.forkedFrom?.id ?? null,
    forkedFromVersion: input.forkedFrom?.version ?? null,
    slug: input.source.slug,
    title: input.source.title,
    summary: input.source.summary,
    status: 'draft',
    currentVersion: 0,
    ownerId: input.ownerId,
    draft: input.source,
    draftRevision: 1,
  });
}

/** Replaces the draft if it is still at `expectedRevision`; the new revision, or undefined if stale. */
export async function saveDraft(
  db: Db,
  input: { id: string; source: RoadmapSource; expectedRevision: number },
): Promise<number | undefined> {
  const [row] = await db
    .update(roadmaps)
    .set({ draft: input.source, draftRevision: sql`${roadmaps.draftRevision} + 1`, updatedAt: new Date() })
    .where(and(eq(roadmaps.id, input.id), eq(roadmaps.draftRevision, input.expectedRevision)))
    .returning({ revision: roadmaps.draftRevision });
  return row?.revision;
}

export async function markDeleted(db: Db, id: string): Promise<void> {
  await db
    .update(roadmaps)
    .set({
      status: 'deleted',
      draft: null,
      draftRevision: sql`${roadmaps.draftRevision} + 1`,
      updatedAt: new Date(),
    })
    .where(eq(roadmaps.id, id));
}

export async function listVersions(db: Db, roadmapId: string) {
  return db
    .select({ version: roadmapVersions.version, createdAt: roadmapVersions.createdAt })
    .from(roadmapVersions)
    .where(eq(roadmapVersions.roadmapId, roadmapId))
    .orderBy(desc(roadmapVersions.version));
}

/** One published version's authored source, or undefined when the roadmap has no such version. */
export async function findVersion(db: Db, roadmapId: string, version: number) {
  const [row] = await db
    .select({
      version: roadmapVersions.version,
      createdAt: roadmapVersions.createdAt,
      document: roadmapVersions.document,
    })
    .from(roadmapVersions)
    .where(and(eq(roadmapVersions.roadmapId, roadmapId), eq(roadmapVersions.version, version)));
  return row;
}

/** Roadmaps an author may edit (all for admins), deleted ones left out. */
export async function listAuthored(db: Db, ownerId: string | null) {
  const conditions = [sql`${roadmaps.status} <> 'deleted'`];
  if (ownerId) conditions.push(eq(roadmaps.ownerId, ownerId));
  return db
    .select({
      slug: roadmaps.slug,
      title: sql<string>`coalesce(${roadmaps.draft}->>'title', ${roadmaps.title})`,
      status: roadmaps.status,
      currentVersion: roadmaps.currentVersion,
      hasDraft: sql<boolean>`${roadmaps.draft} is not null`,
      updatedAt: roadmaps.updatedAt,
      forkedFrom: forkedFromColumn,
    })
    .from(roadmaps)
    .leftJoin(origin, and(eq(origin.id, roadmaps.forkedFromId), sql`${origin.status} <> 'deleted'`))
    .where(and(...conditions))
    .orderBy(desc(roadmaps.updatedAt));
}

/** Step ids of `ids` that already belong to another roadmap than `roadmapId`. */
export async function foreignStepIds(db: Db, roadmapId: string | null, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: steps.id, roadmapId: steps.roadmapId })
    .from(steps)
    .where(inArray(steps.id, ids));
  return rows.filter((r) => r.roadmapId !== roadmapId).map((r) => r.id);
}

/** Every roadmap a user owns with its draft and every published version (the user's export). */
export async function exportOwned(db: Db, ownerId: string) {
  const owned = await db
    .select({
      id: roadmaps.id,
      slug: roadmaps.slug,
      status: roadmaps.status,
      currentVersion: roadmaps.currentVersion,
      draft: roadmaps.draft,
      createdAt: roadmaps.createdAt,
      updatedAt: roadmaps.updatedAt,
    })
    .from(roadmaps)
    .where(eq(roadmaps.ownerId, ownerId))
    .orderBy(roadmaps.slug);
  if (owned.length === 0) return [];
  const versions = await db
    .select({
      roadmapId: roadmapVersions.roadmapId,
      version: roadmapVersions.version,
      createdAt: roadmapVersions.createdAt,
      document: roadmapVersions.document,
    })
    .from(roadmapVersions)
    .where(
      inArray(
        roadmapVersions.roadmapId,
        owned.map((r) => r.id),
      ),
    )
    .orderBy(roadmapVersions.version);
  return owned.map(({ id, ...r }) => ({ ...r, versions: versions.filter((v) => v.roadmapId === id) }));
}

/** Versions whose Markdown was never rendered, or by an older renderer (filled in at start). */
export async function versionsToRender(db: Db, renderer: string) {
  return db
    .select({
      roadmapId: roadmapVersions.roadmapId,
      version: roadmapVersions.version,
      document: roadmapVersions.document,
    })
    .from(roadmapVersions)
    .where(
      sql`${roadmapVersions.rendered} is null or ${roadmapVersions.rendered}->>'renderer' <> ${renderer}`,
    );
}

export async function setRendered(db: Db, roadmapId: string, version: number, rendered: RenderedHtml) {
  await db
    .update(roadmapVersions)
    .set({ rendered })
    .where(and(eq(roadmapVersions.roadmapId, roadmapId), eq(roadmapVersions.version, version)));
}

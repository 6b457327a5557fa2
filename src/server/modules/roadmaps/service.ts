// The roadmaps service: the rules between HTTP and SQL. It builds reader documents from the
// stored source, keeps their serialized bytes and ETag in the cache, pages lists by keyset
// cursors, and imports content as new versions only when it actually changed.
import { createHash } from 'node:crypto';
import { cursorFields, decodeCursor, pageOf } from '../../http/cursor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import type { Database } from '../../db/client.ts';
import type { Cache } from '../../infra/cache.ts';
import type { PubSub } from '../../infra/pubsub.ts';
import type { RenderedHtml } from '../../db/schema.ts';
import { MarkdownError, RENDERER_VERSION, renderMarkdown } from './markdown.ts';
import * as repo from './repo.ts';
import type { RoadmapDocument, RoadmapList, RoadmapSource, SearchResult, StepDetail } from './schemas.ts';

/** A document as cached: its JSON text and the entity tag of those bytes. */
export interface SerializedDocument {
  etag: string;
  body: string;
}

/** A document ready to send: encoded once, so no request pays for UTF-8 encoding again. */
export interface DocumentBytes {
  etag: string;
  bytes: Buffer;
}

export interface ImportResult {
  slug: string;
  version: number;
  outcome: 'created' | 'updated' | 'unchanged';
}

// Documents stay cached until a change invalidates them; the TTL only bounds staleness when
// another process (the CLI against a shared PostgreSQL) changes content without telling us.
const DOCUMENT_TTL_SECONDS = 300;
const documentKey = (slug: string) => `roadmaps:v1:doc:${slug}`;

/** Every instance drops its cached copy of a roadmap when one of them changes it. */
const CHANGED_CHANNEL = 'roadmaps:v1:changed';

export function createRoadmapService(deps: { db: Database; cache: Cache; pubsub?: PubSub }) {
  const { db, cache } = deps;
  const subscribed = deps.pubsub?.subscribe(CHANGED_CHANNEL, (message) => {
    void cache.delete(documentKey((message as { slug: string }).slug));
  });

  /** Forgets the cached document here and, through pub/sub, on every other instance. */
  async function changed(slug: string) {
    await cache.delete(documentKey(slug));
    await deps.pubsub?.publish(CHANGED_CHANNEL, { slug });
  }
  // Cache values are JSON (so Redis can hold them); the encoded bytes of each cached entry are
  // kept beside it, keyed by the entry itself, and go when the entry goes.
  const encoded = new WeakMap<SerializedDocument, DocumentBytes>();

  /** The published document; a slug the roadmap had before a rename answers where it is now. */
  async function getDocument(slug: string): Promise<DocumentBytes | { movedTo: string }> {
    let serialized = await cache.get<SerializedDocument>(documentKey(slug));
    if (!serialized) {
      const stored = await repo.findCurrentVersion(db.replica, slug);
      if (!stored) {
        const movedTo = await renamedTo(slug);
        if (movedTo) return { movedTo };
        throw notFound(`No published roadmap is called "${slug}".`);
      }
      const body = JSON.stringify(toDocument(stored));
      serialized = { etag: entityTag(stored.version, body), body };
      await cache.set(documentKey(slug), serialized, DOCUMENT_TTL_SECONDS);
    }
    let bytes = encoded.get(serialized);
    if (!bytes) {
      bytes = { etag: serialized.etag, bytes: Buffer.from(serialized.body) };
      encoded.set(serialized, bytes);
    }
    return bytes;
  }

  /** Where a roadmap renamed away from `slug` lives now (undefined: it never had that slug). */
  async function renamedTo(slug: string): Promise<string | undefined> {
    return repo.findRenamedRoadmap(db.replica, slug);
  }

  async function list(query: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
    const afterSlug =
      query.cursor === undefined
        ? undefined
        : decodeCursor(query.cursor, (v) => {
            const after = (v as { after?: unknown } | null)?.after;
            return cursorFields.text(after, 80) ? after : undefined;
          });
    const rows = await repo.listPublished(db.replica, { limit: query.limit + 1, afterSlug, q: query.q });
    const page = pageOf(rows, query.limit, (last) => ({ after: last.slug }));
    const result: RoadmapList = {
      items: page.items.map((r) => ({ ...r, updatedAt: r.updatedAt.toISOString() })),
      nextCursor: page.nextCursor,
    };
    return result;
  }

  /**
   * One step. A slug the step had in an earlier version, or a slug its roadmap had before a
   * rename, answers the step's current address to redirect to.
   */
  async function getStep(
    slug: string,
    stepSlug: string,
  ): Promise<StepDetail | { movedTo: { roadmapSlug: string; stepSlug: string } }> {
    const row = await repo.findLiveStep(db.replica, slug, stepSlug);
    if (!row) {
      const renamed = await repo.findRenamedStep(db.replica, slug, stepSlug);
      if (renamed) return { movedTo: { roadmapSlug: slug, stepSlug: renamed } };
      const roadmap = await renamedTo(slug);
      if (roadmap) return { movedTo: { roadmapSlug: roadmap, stepSlug } };
      throw notFound(`The roadmap "${slug}" has no published step "${stepSlug}".`);
    }
    const { layerSlug, layerTitle, ...step } = row;
    return { ...step, layer: { slug: layerSlug, title: layerTitle } } as StepDetail;
  }

  async function search(q: string, limit: number): Promise<{ items: SearchResult[] }> {
    const rows = await repo.search(db.replica, q, limit);
    return {
      items: rows.map((r) => ({
        kind: r.kind,
        roadmapSlug: r.roadmapSlug,
        ...(r.stepSlug ? { stepSlug: r.stepSlug } : {}),
        title: r.title,
        snippet: plainSnippet(r.snippet),
      })),
    };
  }

  /**
   * Publishes one validated source as a new version; unchanged content writes nothing. With
   * `draftRevision` (an author's draft), the draft must still be at that revision, and is
   * cleared in the same transaction.
   */
  async function importSource(
    source: RoadmapSource,
    options: { draftRevision?: number } = {},
  ): Promise<ImportResult> {
    let result: Awaited<ReturnType<typeof repo.publishVersion>>;
    try {
      result = await repo.publishVersion(db.primary, {
        source,
        contentHash: hashSource(source),
        rendered: renderSource(source),
        steps: stepRows(source),
        ...(options.draftRevision !== undefined ? { draftRevision: options.draftRevision } : {}),
      });
    } catch (err) {
      if (err instanceof MarkdownError) {
        throw new AppError('validation', err.message, { cause: err });
      }
      if (err instanceof repo.StepIdTakenError) {
        throw new AppError('conflict', `The step id "${err.stepId}" already belongs to another roadmap.`, {
          cause: err,
        });
      }
      if (err instanceof repo.StaleDraftError) {
        throw new AppError(
          'precondition_failed',
          'The draft changed while it was being published. Reload it and publish again.',
          {
            cause: err,
          },
        );
      }
      throw err;
    }
    if (result.outcome !== 'unchanged' || options.draftRevision !== undefined) await changed(source.slug);
    return { slug: source.slug, ...result };
  }

  /** Ids of a published roadmap (and one of its live steps) by slugs; undefined if none. */
  function findIds(roadmapSlug: string, stepSlug?: string) {
    return repo.findIds(db.replica, roadmapSlug, stepSlug);
  }

  /**
   * Renders the Markdown of versions stored before rendering moved to write time (or by an
   * older renderer), so that no read renders. Run at start; returns how many it rendered.
   */
  async function renderStoredVersions(): Promise<number> {
    const pending = await repo.versionsToRender(db.primary, RENDERER_VERSION);
    for (const v of pending)
      await repo.setRendered(db.primary, v.roadmapId, v.version, renderSource(v.document));
    if (pending.length > 0) await cache.deletePrefix('roadmaps:v1:doc:');
    return pending.length;
  }

  return {
    getDocument,
    renamedTo,
    list,
    getStep,
    search,
    importSource,
    findIds,
    changed,
    renderStoredVersions,
    ready: subscribed,
  };
}

export type RoadmapService = ReturnType<typeof createRoadmapService>;

/** The reader's document: the source plus version, positions, counts and rendered Markdown. */
export function toDocument(stored: repo.StoredVersion): RoadmapDocument {
  const { source } = stored;
  // Rendered when the version was written; only a version the start-up backfill has not
  // reached yet (another process wrote it) is rendered here, once, into the cached document.
  const rendered = stored.rendered ?? renderSource(source);
  let position = 0;
  let stepCount = 0;
  let requiredStepCount = 0;
  let estimatedHours = 0;
  const layers = source.layers.map((layer) => ({
    slug: layer.slug,
    title: layer.title,
    summary: layer.summary,
    steps: layer.steps.map((step) => {
      stepCount += 1;
      if (step.required) requiredStepCount += 1;
      estimatedHours += step.estimatedHours;
      return {
        id: step.id,
        slug: step.slug,
        title: step.title,
        summary: step.summary,
        required: step.required,
        position: ++position,
        estimatedHours: step.estimatedHours,
        resources: step.resources,
      };
    }),
  }));
  return {
    slug: source.slug,
    title: source.title,
    summary: source.summary,
    intro: source.intro,
    introHtml: rendered.introHtml,
    version: stored.version,
    updatedAt: stored.updatedAt.toISOString(),
    status: stored.status === 'published' ? 'published' : 'draft',
    stepCount,
    requiredStepCount,
    estimatedHours,
    layers,
    milestones: source.milestones.map((m, i) => ({ ...m, descriptionHtml: rendered.milestones[i] ?? '' })),
    comparisons: source.comparisons,
    faq: source.faq.map((f, i) => ({ ...f, answerHtml: rendered.faq[i] ?? '' })),
    callToAction: source.callToAction,
  };
}

/** The document-level Markdown of a source, rendered and sanitized (at write time). */
export function renderSource(source: RoadmapSource): RenderedHtml {
  return {
    renderer: RENDERER_VERSION,
    introHtml: renderMarkdown(source.intro),
    milestones: source.milestones.map((m) => renderMarkdown(m.description)),
    faq: source.faq.map((f) => renderMarkdown(f.answer)),
  };
}

function stepRows(source: RoadmapSource): repo.StepRow[] {
  let position = 0;
  return source.layers.flatMap((layer) =>
    layer.steps.map((step) => ({
      id: step.id,
      slug: step.slug,
      layerSlug: layer.slug,
      layerTitle: layer.title,
      title: step.title,
      summary: step.summary,
      body: step.body,
      bodyHtml: renderMarkdown(step.body),
      required: step.required,
      position: ++position,
      estimatedHours: step.estimatedHours,
      resources: step.resources,
      checks: (step.checks ?? []).map((c) => ({
        ...c,
        questionHtml: renderMarkdown(c.question),
        answerHtml: renderMarkdown(c.answer),
      })),
    })),
  );
}

/** A strong validator: the version plus a digest of the exact bytes served. */
function entityTag(version: number, body: string): string {
  return `"${version}-${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * sha256 of the source as canonical JSON (keys sorted, so key order in a file changes nothing)
 * and of the renderer version (so a sanitizer change re-renders stored HTML on the next import).
 */
export function hashSource(source: RoadmapSource): string {
  return createHash('sha256').update(RENDERER_VERSION).update(canonicalJson(source)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Search snippets come from Markdown: strip the syntax a reader should not see. */
function plainSnippet(snippet: string): string {
  return snippet
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>]+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

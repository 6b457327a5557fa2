// Authoring: authors (and admins) write roadmaps through the API — create a draft, replace it
// with optimistic concurrency (If-Match), publish it as a new version, delete. Publishing goes
// through the same importer as the content files, so versions, step identity, rendering and
// cache invalidation are one code path.
//
// Forking copies a published roadmap into a new draft of the caller's own, under a new slug and
// title. Step ids are global primary keys (steps.id) and never reused, so the copy gives every
// step a fresh id: learners' progress on the original stays with the original.
//
// Who may is decided by the policies layer (policies/index.ts, `roadmap`): an author edits the
// roadmaps they created; an admin edits any (bundled ones too); learners get 403. The role is
// read from the database again here, not taken from the access token, so a demotion takes
// effect at once. A draft never published is 404 to everyone else, here and in every public
// read (those show published versions only).
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import { AppError, notFound, type FieldError } from '../../http/errors.ts';
import { authorize, type Actor as PolicyActor, type RoadmapSubject } from '../../policies/index.ts';
import { etagMatches } from '../../http/etag.ts';
import type { UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import type { AuthoringState, ForkBody, RoadmapDocument, RoadmapSource } from './schemas.ts';
import { MarkdownError } from './markdown.ts';
import { renderSource, toDocument, type RoadmapService } from './service.ts';
import { newStepId, validateRoadmapSource } from './validate.ts';

/** The caller (null when anonymous): its role is read again from the database. */
export type Actor = { userId: string } | null;

const draftTag = (revision: number) => `"draft-${revision}"`;

/**
 * The source of a fork: the original with a new slug and title, and a fresh id for every step
 * (milestones point at steps by slug, which the copy keeps). Pure; `id` is injectable for tests.
 */
export function forkSource(
  original: RoadmapSource,
  to: ForkBody,
  id: () => string = newStepId,
): RoadmapSource {
  return {
    ...structuredClone(original),
    slug: to.slug,
    title: to.title,
    layers: original.layers.map((layer) => ({
      ...structuredClone(layer),
      steps: layer.steps.map((step) => ({ ...structuredClone(step), id: id() })),
    })),
  };
}

export function createAuthoringService(deps: {
  db: Database;
  users: Pick<UserService, 'get'>;
  roadmaps: RoadmapService;
}) {
  const { db, users, roadmaps } = deps;

  /** The caller with the role their account has in the database now. */
  async function fresh(actor: Actor): Promise<PolicyActor> {
    if (!actor) return null;
    const user = await users.get(actor.userId).catch(() => undefined);
    if (!user) throw new AppError('unauthorized', 'The account no longer exists.');
    return { userId: user.id, role: user.role };
  }

  const WRITERS_ONLY = { forbidden: 'Writing roadmaps needs the author role; ask an admin.' };

  /** Checks that the caller may write roadmaps at all (a new one of their own). */
  async function writer(actor: Actor): Promise<PolicyActor> {
    const who = await fresh(actor);
    authorize(
      who,
      'create',
      { kind: 'roadmap', ownerId: who?.userId ?? null, status: 'draft' },
      WRITERS_ONLY,
    );
    return who;
  }

  const subject = (row: repo.AuthoredRow): RoadmapSubject => ({
    kind: 'roadmap',
    ownerId: row.ownerId,
    status: row.status,
  });

  /** The roadmap if this actor may `action` it: 404 for what they may not see, 403 otherwise. */
  async function editable(
    actor: Actor,
    slug: string,
    action: 'update' | 'publish' | 'delete' | 'readDraft' | 'readVersion' = 'update',
  ): Promise<repo.AuthoredRow> {
    const who = await writer(actor);
    const row = await repo.findAuthored(db.primary, slug);
    if (!row) throw notFound(`There is no roadmap "${slug}".`);
    authorize(who, action, subject(row), {
      notFound: `There is no roadmap "${slug}".`,
      forbidden: 'Only its author or an admin can change this roadmap.',
    });
    return row;
  }

  /** Every problem of a document at once, as pointers into the request body. */
  async function check(source: unknown, roadmapId: string | null): Promise<RoadmapSource> {
    const errors: FieldError[] = validateRoadmapSource(source).map((e) => ({ ...e, path: `/body${e.path}` }));
    if (errors.length === 0) {
      const doc = source as RoadmapSource;
      const positions = new Map<string, string>();
      doc.layers.forEach((l, li) =>
        l.steps.forEach((s, si) => positions.set(s.id, `/body/layers/${li}/steps/${si}/id`)),
      );
      for (const id of await repo.foreignStepIds(db.primary, roadmapId, [...positions.keys()])) {
        errors.push({
          path: positions.get(id)!,
          message: `"${id}" is the id of a step of another roadmap: step ids are never reused`,
        });
      }
    }
    if (errors.length > 0) {
      throw new AppError(
        'validation',
        `The roadmap has ${errors.length} problem(s); each is listed with its place.`,
        {
          errors,
        },
      );
    }
    return source as RoadmapSource;
  }

  function state(row: repo.AuthoredRow, revision = row.draftRevision): AuthoringState {
    return {
      slug: row.slug,
      status: row.status === 'published' ? 'published' : 'draft',
      publishedVersion: row.currentVersion,
      hasDraft: row.draft !== null,
      etag: draftTag(revision),
      document: (row.draft ?? row.published)!,
      forkedFrom: row.forkedFrom,
    };
  }

  /** Inserts a checked source as a new draft owned by `who`; a taken slug is 409 naming the field. */
  async function insert(
    who: NonNullable<PolicyActor>,
    source: RoadmapSource,
    forkedFrom?: { id: string; version: number },
  ): Promise<AuthoringState> {
    try {
      await repo.insertDraft(db.primary, {
        source,
        ownerId: who.userId,
        ...(forkedFrom ? { forkedFrom } : {}),
      });
    } catch (err) {
      if (isUniqueViolation(err, 'roadmaps_slug_key')) {
        throw new AppError('conflict', `The slug "${source.slug}" is taken; choose another.`, {
          errors: [{ path: '/body/slug', message: 'is taken' }],
        });
      }
      throw err;
    }
    return state((await repo.findAuthored(db.primary, source.slug))!);
  }

  return {
    async list(actor: Actor) {
      const who = (await writer(actor))!;
      const rows = await repo.listAuthored(db.primary, who.role === 'admin' ? null : who.userId);
      return {
        items: rows.map((r) => ({
          slug: r.slug,
          title: r.title,
          status: r.status === 'published' ? ('published' as const) : ('draft' as const),
          publishedVersion: r.currentVersion,
          hasDraft: r.hasDraft,
          updatedAt: r.updatedAt.toISOString(),
          forkedFrom: r.forkedFrom,
        })),
      };
    },

    async create(actor: Actor, body: unknown): Promise<AuthoringState> {
      const who = (await writer(actor))!;
      return insert(who, await check(body, null));
    },

    /** A new draft of the caller's own from the published version of `slug` (fresh step ids). */
    async fork(actor: Actor, slug: string, to: ForkBody): Promise<AuthoringState> {
      const who = (await writer(actor))!;
      const row = await repo.findAuthored(db.primary, slug);
      const missing = `No published roadmap is called "${slug}".`;
      if (!row?.published) throw notFound(missing);
      authorize(who, 'fork', subject(row), { notFound: missing });
      return insert(who, await check(forkSource(row.published, to), null), {
        id: row.id,
        version: row.currentVersion,
      });
    },

    /** The authored source of one published version (its editors only; 404 to everyone else). */
    async version(actor: Actor, slug: string, version: number) {
      if (!actor) throw new AppError('unauthorized', 'Sign in to read an old version.');
      const row = await editable(actor, slug, 'readVersion');
      const found = await repo.findVersion(db.primary, row.id, version);
      if (!found) throw notFound(`"${slug}" has no version ${version}.`);
      return {
        slug: row.slug,
        version: found.version,
        createdAt: found.createdAt.toISOString(),
        document: found.document,
      };
    },

    async getDraft(actor: Actor, slug: string): Promise<AuthoringState> {
      if (!actor) throw new AppError('unauthorized', 'Sign in to read a draft.');
      return state(await editable(actor, slug, 'readDraft'));
    },

    async replaceDraft(
      actor: Actor,
      slug: string,
      body: unknown,
      ifMatch: string | undefined,
    ): Promise<AuthoringState> {
      const row = await editable(actor, slug);
      if (!ifMatch) {
        throw new AppError(
          'precondition_required',
          'Send If-Match with the ETag of the draft you edited (GET …?version=draft), so that no one’s changes are overwritten.',
        );
      }
      if (!etagMatches(ifMatch, draftTag(row.draftRevision))) {
        throw new AppError(
          'precondition_failed',
          'Someone changed this roadmap since you loaded it. Reload it, apply your changes again, and save.',
        );
      }
      const source = await check(body, row.id);
      if (source.slug !== slug) {
        throw new AppError(
          'validation',
          'A roadmap keeps its slug: create a new roadmap for a new address.',
          {
            errors: [{ path: '/body/slug', message: `must be "${slug}"` }],
          },
        );
      }
      const revision = await repo.saveDraft(db.primary, {
        id: row.id,
        source,
        expectedRevision: row.draftRevision,
      });
      if (revision === undefined) {
        throw new AppError(
          'precondition_failed',
          'Someone saved this roadmap a moment ago. Reload it and save again.',
        );
      }
      return state({ ...row, draft: source }, revision);
    },

    async publish(actor: Actor, slug: string) {
      const row = await editable(actor, slug, 'publish');
      const source = row.draft ?? row.published;
      if (!source) throw new AppError('conflict', 'There is nothing to publish yet.');
      return roadmaps.importSource(source, { draftRevision: row.draftRevision });
    },

    /**
     * Gives a roadmap a new address; the old one answers 301 to it from then on (readers, shared
     * links, bookmarks). Bundled roadmaps take their slug from their file, so they are renamed
     * there, not here.
     */
    async rename(actor: Actor, slug: string, to: string): Promise<AuthoringState> {
      const row = await editable(actor, slug, 'update');
      if (row.ownerId === null) {
        throw new AppError(
          'conflict',
          'This roadmap comes from a content file, which gives its slug: it cannot be renamed here.',
        );
      }
      if (to === slug) return state(row);
      try {
        await repo.rename(db.primary, { id: row.id, from: slug, to });
      } catch (err) {
        if (isUniqueViolation(err, 'roadmaps_slug_key')) {
          throw new AppError('conflict', `The slug "${to}" is taken; choose another.`, {
            errors: [{ path: '/body/slug', message: 'is taken' }],
          });
        }
        throw err;
      }
      await Promise.all([roadmaps.changed(slug), roadmaps.changed(to)]);
      return state((await repo.findAuthored(db.primary, to))!);
    },

    async remove(actor: Actor, slug: string): Promise<void> {
      const row = await editable(actor, slug, 'delete');
      await repo.markDeleted(db.primary, row.id);
      await roadmaps.changed(slug);
    },

    async versions(slug: string) {
      const row = await repo.findAuthored(db.replica, slug);
      if (!row || row.status !== 'published') throw notFound(`No published roadmap is called "${slug}".`);
      const items = await repo.listVersions(db.replica, row.id);
      return { items: items.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString() })) };
    },

    /** The reader's document a draft would make, without saving anything (the editor's preview). */
    async preview(actor: Actor, body: unknown): Promise<RoadmapDocument> {
      await writer(actor);
      const errors = validateRoadmapSource(body).map((e) => ({ ...e, path: `/body${e.path}` }));
      if (errors.length > 0)
        throw new AppError('validation', `The roadmap has ${errors.length} problem(s).`, { errors });
      let rendered;
      try {
        rendered = renderSource(body as RoadmapSource);
      } catch (err) {
        if (err instanceof MarkdownError) throw new AppError('validation', err.message, { cause: err });
        throw err;
      }
      return toDocument({
        slug: (body as RoadmapSource).slug,
        status: 'draft',
        version: 1,
        updatedAt: new Date(),
        source: body as RoadmapSource,
        rendered,
      });
    },

    /** Roadmaps the user owns, with drafts and every published version (the export). */
    async exportRows(userId: string) {
      const rows = await repo.exportOwned(db.primary, userId);
      return rows.map((r) => ({
        slug: r.slug,
        status: r.status,
        publishedVersion: r.currentVersion,
        draft: r.draft,
        createdAt: r.createdAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
        versions: r.versions.map((v) => ({
          version: v.version,
          createdAt: v.createdAt.toISOString(),
          document: v.document,
        })),
      }));
    },
  };
}

export type AuthoringService = ReturnType<typeof createAuthoringService>;

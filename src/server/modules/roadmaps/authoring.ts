// Authoring: authors (and admins) write roadmaps through the API — create a draft, replace it
// with optimistic concurrency (If-Match), publish it as a new version, delete. Publishing goes
// through the same importer as the content files, so versions, step identity, rendering and
// cache invalidation are one code path.
//
// Who may: an author edits the roadmaps they created; an admin edits any (bundled ones too);
// learners get 403. The role is read from the database, not the access token, so a demotion
// takes effect at once. A draft never published is 404 to everyone else, here and in every
// public read (those show published versions only).
import type { Database } from '../../db/client.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Role } from '../../db/schema.ts';
import { AppError, notFound, type FieldError } from '../../http/errors.ts';
import { etagMatches } from '../../http/etag.ts';
import type { UserService } from '../users/service.ts';
import * as repo from './repo.ts';
import type { AuthoringState, RoadmapDocument, RoadmapSource } from './schemas.ts';
import { toDocument, type RoadmapService } from './service.ts';
import { validateRoadmapSource } from './validate.ts';

export interface Actor {
  userId: string;
}

const draftTag = (revision: number) => `"draft-${revision}"`;

export function createAuthoringService(deps: {
  db: Database;
  users: Pick<UserService, 'get'>;
  roadmaps: RoadmapService;
}) {
  const { db, users, roadmaps } = deps;

  async function roleOf(actor: Actor): Promise<Role> {
    const user = await users.get(actor.userId).catch(() => undefined);
    if (!user) throw new AppError('unauthorized', 'The account no longer exists.');
    if (user.role === 'learner') {
      throw new AppError('forbidden', 'Writing roadmaps needs the author role; ask an admin.');
    }
    return user.role;
  }

  /** The roadmap if this actor may edit it: 404 for drafts of others, 403 for published ones. */
  async function editable(actor: Actor, slug: string): Promise<repo.AuthoredRow> {
    const role = await roleOf(actor);
    const row = await repo.findAuthored(db.primary, slug);
    if (!row || row.status === 'deleted') throw notFound(`There is no roadmap "${slug}".`);
    if (role === 'admin' || row.ownerId === actor.userId) return row;
    if (row.status === 'draft') throw notFound(`There is no roadmap "${slug}".`);
    throw new AppError('forbidden', 'Only its author or an admin can change this roadmap.');
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
    };
  }

  return {
    async list(actor: Actor) {
      const role = await roleOf(actor);
      const rows = await repo.listAuthored(db.primary, role === 'admin' ? null : actor.userId);
      return {
        items: rows.map((r) => ({
          slug: r.slug,
          title: r.title,
          status: r.status === 'published' ? ('published' as const) : ('draft' as const),
          publishedVersion: r.currentVersion,
          hasDraft: r.hasDraft,
          updatedAt: r.updatedAt.toISOString(),
        })),
      };
    },

    async create(actor: Actor, body: unknown): Promise<AuthoringState> {
      await roleOf(actor);
      const source = await check(body, null);
      try {
        await repo.insertDraft(db.primary, { source, ownerId: actor.userId });
      } catch (err) {
        if (isUniqueViolation(err, 'roadmaps_slug_key')) {
          throw new AppError('conflict', `The slug "${source.slug}" is taken; choose another.`, {
            errors: [{ path: '/body/slug', message: 'is taken' }],
          });
        }
        throw err;
      }
      return state((await repo.findAuthored(db.primary, source.slug))!);
    },

    async getDraft(actor: Actor, slug: string): Promise<AuthoringState> {
      return state(await editable(actor, slug));
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
      const row = await editable(actor, slug);
      const source = row.draft ?? row.published;
      if (!source) throw new AppError('conflict', 'There is nothing to publish yet.');
      return roadmaps.importSource(source, { draftRevision: row.draftRevision });
    },

    async remove(actor: Actor, slug: string): Promise<void> {
      const row = await editable(actor, slug);
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
      await roleOf(actor);
      const errors = validateRoadmapSource(body).map((e) => ({ ...e, path: `/body${e.path}` }));
      if (errors.length > 0)
        throw new AppError('validation', `The roadmap has ${errors.length} problem(s).`, { errors });
      return toDocument({
        slug: (body as RoadmapSource).slug,
        status: 'draft',
        version: 1,
        updatedAt: new Date(),
        source: body as RoadmapSource,
      });
    },
  };
}

export type AuthoringService = ReturnType<typeof createAuthoringService>;

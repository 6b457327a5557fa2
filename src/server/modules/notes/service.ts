// Notes: a learner's private Markdown on a step, rendered and sanitized once when saved.
// Notes are reached only through the signed-in user's own id, so another user's note is never
// found (404) — the policy table's `owned` rule, applied by construction in every query.
import { isoTimestamp, type Database } from '../../db/client.ts';
import { cursorFields, decodeCursor, pageOf } from '../../http/cursor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { MarkdownError, renderMarkdown } from '../roadmaps/markdown.ts';
import * as repo from './repo.ts';
import type { Note, NoteList, NoteQuery } from './schemas.ts';

function toNote(row: repo.NoteRow): Note {
  return {
    roadmapSlug: row.roadmap_slug,
    stepSlug: row.step_slug,
    roadmapTitle: row.roadmap_title,
    stepTitle: row.step_title,
    body: row.body,
    bodyHtml: row.body_html,
    updatedAt: isoTimestamp(row.updated_at),
  };
}

function readPosition(value: unknown) {
  if (!Array.isArray(value)) return undefined;
  const [updatedAt, stepId] = value as unknown[];
  if (!cursorFields.timestamp(updatedAt) || !cursorFields.text(stepId, 32)) return undefined;
  return { updatedAt: new Date(updatedAt), stepId };
}

export function createNoteService(deps: { db: Database }) {
  const { db } = deps;
  const missingStep = (roadmapSlug: string, stepSlug: string) =>
    notFound(`The roadmap "${roadmapSlug}" has no published step "${stepSlug}".`);

  return {
    async put(userId: string, roadmapSlug: string, stepSlug: string, body: string): Promise<Note> {
      let bodyHtml: string;
      try {
        bodyHtml = renderMarkdown(body);
      } catch (err) {
        if (!(err instanceof MarkdownError)) throw err;
        throw new AppError('validation', err.message, {
          errors: [{ path: '/body/body', message: err.message }],
        });
      }
      const row = await repo.upsert(db.primary, { userId, roadmapSlug, stepSlug, body, bodyHtml });
      if (!row) throw missingStep(roadmapSlug, stepSlug);
      return toNote(row);
    },

    async get(userId: string, roadmapSlug: string, stepSlug: string): Promise<Note> {
      const row = await repo.find(db.primary, userId, roadmapSlug, stepSlug);
      if (!row) throw notFound(`You have no note on "${stepSlug}" of "${roadmapSlug}".`);
      return toNote(row);
    },

    async remove(userId: string, roadmapSlug: string, stepSlug: string): Promise<void> {
      if (!(await repo.remove(db.primary, userId, roadmapSlug, stepSlug)))
        throw notFound(`You have no note on "${stepSlug}" of "${roadmapSlug}".`);
    },

    async list(userId: string, query: NoteQuery): Promise<NoteList> {
      const after = query.cursor ? decodeCursor(query.cursor, readPosition) : undefined;
      const rows = await repo.list(db.primary, userId, {
        q: query.q,
        roadmapSlug: query.roadmapSlug,
        limit: query.limit + 1,
        after,
      });
      const page = pageOf(rows, query.limit, (last) => [isoTimestamp(last.updated_at), last.step_id]);
      return { items: page.items.map(toNote), nextCursor: page.nextCursor };
    },

    /** Every note of the user, retired steps included, for the export. */
    async exportRows(userId: string) {
      return (await repo.all(db.primary, userId)).map((r) => ({
        roadmapSlug: r.roadmap_slug,
        stepId: r.step_id,
        stepSlug: r.step_slug,
        stepTitle: r.step_title,
        stepRetired: r.retired,
        body: r.body,
        bodyHtml: r.body_html,
        updatedAt: isoTimestamp(r.updated_at),
      }));
    },
  };
}

export type NoteService = ReturnType<typeof createNoteService>;

// A learner's private notes on steps.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { Slug } from '../roadmaps/schemas.ts';

export const NOTE_MAX_LENGTH = 20_000;

export const NoteBody = Type.Object(
  {
    body: Type.String({
      format: 'text',
      minLength: 1,
      maxLength: NOTE_MAX_LENGTH,
      description: 'Markdown, 1 to 20,000 characters. To remove a note, DELETE it.',
    }),
  },
  { additionalProperties: false },
);
export type NoteBody = Static<typeof NoteBody>;

export const Note = Type.Object(
  {
    roadmapSlug: Slug,
    stepSlug: Slug,
    roadmapTitle: Type.String(),
    stepTitle: Type.String(),
    body: Type.String({ description: 'The Markdown as you wrote it.' }),
    bodyHtml: Type.String({ description: 'Rendered and sanitized when it was saved.' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'Note', additionalProperties: false },
);
export type Note = Static<typeof Note>;

export const NoteList = Type.Object(
  {
    items: Type.Array(ref(Note), { description: 'Most recently saved first.' }),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'NoteList', additionalProperties: false },
);
export type NoteList = Static<typeof NoteList>;

export const NoteQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({
        format: 'line',
        minLength: 1,
        maxLength: 200,
        description: 'Words to find (full-text, English stemming; "quoted phrases" and -exclusions work).',
      }),
    ),
    roadmapSlug: Type.Optional(
      Type.Unsafe<string>({ ...Slug, description: 'Only the notes on steps of this roadmap.' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'line', maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type NoteQuery = Static<typeof NoteQuery>;

export const noteSchemas = [Note, NoteList];

// The database schema. drizzle-kit generates the SQL migrations in ./migrations from this file.
//
// Shape decisions (see docs/ARCHITECTURE.md, "Data model"):
// - `roadmap_versions.document` keeps every version's whole document as JSONB: layers,
//   milestones, FAQ and comparison tables are only ever read whole, with their roadmap.
// - `steps` is a real table because steps are addressed one by one (the step endpoint),
//   searched, and — from the progress issue on — referenced by learners' progress rows through
//   their stable `id`. A step that disappears from a roadmap is retired, never deleted.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import type { RoadmapSource } from '../modules/roadmaps/schemas.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow();

export const roadmaps = pgTable(
  'roadmaps',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    status: text('status', { enum: ['draft', 'published'] }).notNull(),
    /** The version readers see; versions are numbered 1..n per roadmap. */
    currentVersion: integer('current_version').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B')`,
    ),
  },
  (t) => [
    uniqueIndex('roadmaps_slug_key').on(t.slug),
    index('roadmaps_search_idx').using('gin', t.search),
    check('roadmaps_status_check', sql`${t.status} in ('draft', 'published')`),
  ],
);

export const roadmapVersions = pgTable(
  'roadmap_versions',
  {
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    /** The validated document exactly as authored (no derived fields). */
    document: jsonb('document').$type<RoadmapSource>().notNull(),
    /** sha256 of the canonical JSON of `document`: an unchanged import makes no new version. */
    contentHash: text('content_hash').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roadmapId, t.version] })],
);

export interface StepResource {
  title: string;
  url: string;
  kind: string;
}

export const steps = pgTable(
  'steps',
  {
    /** The stable id written in the content file; never reused. */
    id: text('id').primaryKey(),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id, { onDelete: 'cascade' }),
    slug: text('slug').notNull(),
    layerSlug: text('layer_slug').notNull(),
    layerTitle: text('layer_title').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    /** Rendered from `body` and sanitized once, when the version is imported. */
    bodyHtml: text('body_html').notNull(),
    required: boolean('required').notNull(),
    position: integer('position').notNull(),
    estimatedHours: real('estimated_hours').notNull(),
    resources: jsonb('resources').$type<StepResource[]>().notNull(),
    /** Set when a new version no longer has this step; progress on it is kept. */
    retiredAt: timestamp('retired_at', { withTimezone: true, mode: 'date' }),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(body, '')), 'C')`,
    ),
  },
  (t) => [
    uniqueIndex('steps_roadmap_slug_live_key')
      .on(t.roadmapId, t.slug)
      .where(sql`${t.retiredAt} is null`),
    index('steps_roadmap_position_idx').on(t.roadmapId, t.position),
    index('steps_search_idx').using('gin', t.search),
  ],
);

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
  type AnyPgColumn,
  boolean,
  check,
  customType,
  date,
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
    /** `draft`: never published; `published`: readers see `current_version`; `deleted`: gone for readers, learners' progress kept. */
    status: text('status', { enum: ['draft', 'published', 'deleted'] }).notNull(),
    /** The version readers see; versions are numbered 1..n per roadmap (0 before the first). */
    currentVersion: integer('current_version').notNull(),
    /** The author who created it; null for bundled roadmaps (admins edit those). */
    ownerId: uuid('owner_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
    /** The draft being edited, when it differs from the published version. */
    draft: jsonb('draft').$type<RoadmapSource>(),
    /** Bumped by every save and publish: the draft's ETag, for If-Match. */
    draftRevision: integer('draft_revision').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(
      sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B')`,
    ),
  },
  (t) => [
    uniqueIndex('roadmaps_slug_key').on(t.slug),
    index('roadmaps_search_idx').using('gin', t.search),
    check('roadmaps_status_check', sql`${t.status} in ('draft', 'published', 'deleted')`),
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

// ---------------------------------------------------------------------------------------------
// Accounts and sessions

export const ROLES = ['learner', 'author', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Normalized: trimmed and lower-cased, so uniqueness is case-insensitive. */
    email: text('email').notNull(),
    emailVerifiedAt: timestamp('email_verified_at', { withTimezone: true, mode: 'date' }),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: ROLES }).notNull().default('learner'),
    /** An IANA time zone; calendar days (streaks, the study log) are counted in it. */
    timezone: text('timezone').notNull().default('UTC'),
    dailyGoalMinutes: integer('daily_goal_minutes').notNull().default(30),
    publicProfile: boolean('public_profile').notNull().default(false),
    /** The public profile's address, /u/{handle}; unique when set. */
    handle: text('handle'),
    /** argon2id PHC string; null for accounts that only sign in through a provider. */
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_handle_key').on(t.handle),
    check('users_role_check', sql`${t.role} in ('learner', 'author', 'admin')`),
    check('users_daily_goal_check', sql`${t.dailyGoalMinutes} between 5 and 600`),
  ],
);

/** A sign-in: one family of refresh tokens, revoked together. */
export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    userAgent: text('user_agent'),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Refresh tokens: only the sha256 of each is stored. Every refresh spends one (`spent_at`) and
 * issues its successor in the same session; presenting a spent one revokes the session.
 */
export const refreshTokens = pgTable(
  'refresh_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    spentAt: timestamp('spent_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('refresh_tokens_session_idx').on(t.sessionId)],
);

export const TOKEN_PURPOSES = ['password_reset', 'email_verification'] as const;

/** Single-use tokens sent by mail (password reset, email verification); only hashes stored. */
export const mailTokens = pgTable(
  'mail_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [index('mail_tokens_user_idx').on(t.userId)],
);

/** An account at an OAuth/OIDC provider linked to a user. */
export const identities = pgTable(
  'identities',
  {
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index('identities_user_idx').on(t.userId)],
);

/** Mail kept when no SMTP server is configured (and for the record in development). */
export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    to: text('to').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_to_idx').on(t.to)],
);

// ---------------------------------------------------------------------------------------------
// Progress and the study habit

export const STEP_STATUSES = ['todo', 'in_progress', 'done', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/**
 * A learner's status on one step, by the step's stable id (so it survives renamed slugs, moved
 * steps and new versions). `roadmap_id` is the step's roadmap, kept here for per-roadmap reads.
 */
export const progress = pgTable(
  'progress',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    stepId: text('step_id')
      .notNull()
      .references(() => steps.id),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id),
    status: text('status', { enum: STEP_STATUSES }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** When the step last became done; null while it is not done. */
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.stepId] }),
    index('progress_user_roadmap_idx').on(t.userId, t.roadmapId),
    check('progress_status_check', sql`${t.status} in ('todo', 'in_progress', 'done', 'skipped')`),
  ],
);

/** Study time a learner logged, on a calendar day of their own time zone. */
export const studySessions = pgTable(
  'study_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The learner's local date the minutes count for. */
    date: date('date', { mode: 'string' }).notNull(),
    minutes: integer('minutes').notNull(),
    roadmapId: uuid('roadmap_id').references(() => roadmaps.id),
    stepId: text('step_id').references(() => steps.id),
    note: text('note'),
    createdAt: createdAt(),
    /** The client's Idempotency-Key: a retried request finds this row instead of adding one. */
    idempotencyKey: text('idempotency_key'),
    /** sha256 of the request body, to tell a true retry from a reused key. */
    requestHash: text('request_hash'),
  },
  (t) => [
    index('study_sessions_user_date_idx').on(t.userId, t.date),
    uniqueIndex('study_sessions_idempotency_key').on(t.userId, t.idempotencyKey),
    check('study_sessions_minutes_check', sql`${t.minutes} between 1 and 1440`),
  ],
);

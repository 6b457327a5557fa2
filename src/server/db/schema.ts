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
  doublePrecision,
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
    /** The roadmap this one was forked from, and its version then; null when not a fork. */
    forkedFromId: uuid('forked_from_id').references((): AnyPgColumn => roadmaps.id, { onDelete: 'set null' }),
    forkedFromVersion: integer('forked_from_version'),
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
    /**
     * The document's Markdown fields rendered to sanitized HTML when the version was created
     * (reads never render). Null only for versions stored before this column existed; the
     * server fills those in at start.
     */
    rendered: jsonb('rendered').$type<RenderedHtml>(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.roadmapId, t.version] })],
);

/**
 * Addresses a roadmap had before it was renamed: GET of an old slug answers 301 to the live one.
 * A live roadmap of that slug, if one is created later, wins over the redirect.
 */
export const roadmapSlugs = pgTable('roadmap_slugs', {
  slug: text('slug').primaryKey(),
  roadmapId: uuid('roadmap_id')
    .notNull()
    .references(() => roadmaps.id, { onDelete: 'cascade' }),
  renamedAt: timestamp('renamed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

/** The rendered HTML of a version's document-level Markdown fields, in document order. */
export interface RenderedHtml {
  renderer: string;
  introHtml: string;
  milestones: string[];
  faq: string[];
}

/** A step's check question as stored: the author's Markdown and its sanitized HTML. */
export interface StepCheck {
  question: string;
  answer: string;
  questionHtml: string;
  answerHtml: string;
}

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
    /** Check questions for spaced review, with their Markdown rendered once at import. */
    checks: jsonb('checks').$type<StepCheck[]>().notNull().default([]),
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

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const CHANNELS = ['email', 'push'] as const;
export type Channel = (typeof CHANNELS)[number];

export interface ReminderSettings {
  enabled: boolean;
  /** Local wall-clock time, HH:MM, in the user's time zone. */
  localTime: string;
  days: Weekday[];
  channels: Channel[];
}

export const DEFAULT_REMINDER: ReminderSettings = {
  enabled: false,
  localTime: '19:00',
  days: [...WEEKDAYS],
  channels: ['email'],
};
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
    /** Whether held streak freezes cover missed days (habits/calendar.ts); on by default. */
    streakFreezes: boolean('streak_freezes').notNull().default(true),
    /** The public profile's address, /u/{handle}; unique when set. */
    handle: text('handle'),
    /** The daily reminder (reminders/schedule.ts reads it); off by default. */
    reminder: jsonb('reminder').$type<ReminderSettings>().notNull().default(DEFAULT_REMINDER),
    /** Opt-in weekly digest mail, on the morning of `digest_day`. */
    weeklyDigest: boolean('weekly_digest').notNull().default(false),
    digestDay: text('digest_day', { enum: WEEKDAYS }).notNull().default('mon'),
    /** sha256 of the secret in the calendar feed's URL; null when there is no feed. */
    calendarTokenHash: text('calendar_token_hash'),
    /** argon2id PHC string; null for accounts that only sign in through a provider. */
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    uniqueIndex('users_handle_key').on(t.handle),
    uniqueIndex('users_calendar_token_key').on(t.calendarTokenHash),
    // The reminder sweep reads only the learners who want reminders or digests.
    index('users_notifications_idx')
      .on(t.id)
      .where(sql`(${t.reminder}->>'enabled')::boolean or ${t.weeklyDigest}`),
    check('users_role_check', sql`${t.role} in ('learner', 'author', 'admin')`),
    check('users_daily_goal_check', sql`${t.dailyGoalMinutes} between 5 and 600`),
  ],
);

/** The scopes a personal access token may hold (tokens/scopes.ts says what each allows). */
export const TOKEN_SCOPES = [
  'progress:read',
  'progress:write',
  'study:read',
  'study:write',
  'notes:read',
  'notes:write',
  'profile:read',
] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/**
 * A personal access token (`wmk_…`) for a learner's own scripts: only its sha256 is kept. It is
 * revoked by deleting the row.
 */
export const personalAccessTokens = pgTable(
  'personal_access_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    scopes: text('scopes').array().$type<TokenScope[]>().notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    /** Updated at most every few seconds per instance, when the token is looked up again. */
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('personal_access_tokens_hash_key').on(t.tokenHash),
    index('personal_access_tokens_user_idx').on(t.userId),
  ],
);

/** What a webhook can be told (webhooks/events.ts says when each is sent and what it carries). */
export const WEBHOOK_EVENTS = [
  'progress.updated',
  'milestone.reached',
  'study_session.created',
  'review.completed',
  'cohort.member_joined',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * Where Waymark tells another system what happened: a learner's own, or a cohort's (its owner's).
 * `secret` signs each delivery (Standard Webhooks, HMAC-SHA256); it has to be kept to sign with,
 * so it is kept sealed (infra/sealed.ts: AES-256-GCM under a key derived from the signing key).
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** A cohort's webhook (its events, for its owner); null for the learner's own. */
    cohortId: uuid('cohort_id').references((): AnyPgColumn => cohorts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    events: text('events').array().$type<WebhookEvent[]>().notNull(),
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    /** Since when every delivery has failed; null while the endpoint answers. */
    failingSince: timestamp('failing_since', { withTimezone: true, mode: 'date' }),
    /** Why Waymark turned it off (failing for days); null when on, or turned off by its owner. */
    disabledReason: text('disabled_reason'),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_user_idx').on(t.userId), index('webhooks_cohort_idx').on(t.cohortId)],
);

/**
 * An Open Badges 3.0 credential issued to a learner for a milestone of a roadmap, or for all of a
 * roadmap's required steps (`achievement` is `milestone:<slug>` or `roadmap`): one per learner,
 * roadmap and achievement, ever — revoking it does not make room for another. `document` is the
 * signed credential exactly as issued (a Data Integrity proof signs its RDF, not its bytes, so
 * jsonb's key order does not matter).
 */
export const credentials = pgTable(
  'credentials',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id),
    achievement: text('achievement').notNull(),
    name: text('name').notNull(),
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    public: boolean('public').notNull().default(false),
    issuedAt: timestamp('issued_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    revokedReason: text('revoked_reason'),
  },
  (t) => [uniqueIndex('credentials_user_achievement_key').on(t.userId, t.roadmapId, t.achievement)],
);

/** One event for one webhook: its id is the `webhook-id` of every attempt. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text('event').notNull(),
    /** The JSON body, exactly as signed and sent. */
    body: text('body').notNull(),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    responseStatus: integer('response_status'),
    error: text('error'),
    createdAt: createdAt(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.createdAt),
    check('webhook_deliveries_status_check', sql`${t.status} in ('pending', 'succeeded', 'failed')`),
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

export const TOKEN_PURPOSES = ['password_reset', 'email_verification', 'email_change'] as const;

/** Single-use tokens sent by mail (password reset, email verification); only hashes stored. */
export const mailTokens = pgTable(
  'mail_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: TOKEN_PURPOSES }).notNull(),
    /** For `email_change`: the address that takes effect when the link is opened. */
    newEmail: text('new_email'),
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
    /** The HTML part, when the mail has one (reminders, digests). */
    html: text('html'),
    /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
    headers: jsonb('headers').$type<Record<string, string>>(),
    createdAt: createdAt(),
  },
  (t) => [index('outbox_to_idx').on(t.to)],
);

// ---------------------------------------------------------------------------------------------
// Reminders and digests (modules/reminders)

/** A browser's Web Push subscription (its endpoint is a capability URL: never logged). */
export const pushSubscriptions = pgTable(
  'push_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    endpoint: text('endpoint').notNull(),
    p256dh: text('p256dh').notNull(),
    auth: text('auth').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('push_subscriptions_endpoint_key').on(t.endpoint),
    index('push_subscriptions_user_idx').on(t.userId),
  ],
);

export const NOTIFICATION_KINDS = ['reminder', 'digest'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/**
 * One row per notification decided: the primary key is the rule "at most one reminder (or
 * digest) per local day", held by the database whichever instance or retry gets there first.
 */
export const notificationSends = pgTable(
  'notification_sends',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: NOTIFICATION_KINDS }).notNull(),
    localDate: date('local_date', { mode: 'string' }).notNull(),
    /** The job that claimed it: its own retry may carry on, any other job stands down. */
    jobId: uuid('job_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind, t.localDate] })],
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

// ---------------------------------------------------------------------------------------------
// Learning: private notes, resource checks, a target date per roadmap

/**
 * A learner's private note on a step, by the step's stable id (as progress is): Markdown as
 * written and its sanitized HTML, rendered once when saved. Never shown to anyone else.
 */
export const notes = pgTable(
  'notes',
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
    body: text('body').notNull(),
    bodyHtml: text('body_html').notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('english', coalesce(body, ''))`),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.stepId] }),
    index('notes_user_updated_idx').on(t.userId, t.updatedAt, t.stepId),
    index('notes_search_idx').using('gin', t.search),
  ],
);

/** A resource of a step the learner ticked as done; unticking deletes the row. */
export const resourceChecks = pgTable(
  'resource_checks',
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
    url: text('url').notNull(),
    checkedAt: timestamp('checked_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.stepId, t.url] }),
    index('resource_checks_user_roadmap_idx').on(t.userId, t.roadmapId),
  ],
);

/** A learner's plan for a roadmap: the local date they mean to finish its required steps by. */
export const roadmapPlans = pgTable(
  'roadmap_plans',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id),
    targetDate: date('target_date', { mode: 'string' }),
    /** Spaced review of this roadmap's done steps; off hides its cards (they are kept). */
    reviews: boolean('reviews').notNull().default(true),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roadmapId] })],
);

// ---------------------------------------------------------------------------------------------
// Spaced review

/**
 * A done step as a review card for one learner: the FSRS memory state (ts-fsrs's `Card`,
 * column for field). Setting the step back from done suspends the card; done again resumes it.
 */
export const reviewCards = pgTable(
  'review_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    stepId: text('step_id')
      .notNull()
      .references(() => steps.id),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id),
    due: timestamp('due', { withTimezone: true, mode: 'date' }).notNull(),
    // Doubles, as ts-fsrs computes them: the next interval is a function of these exact values.
    stability: doublePrecision('stability').notNull(),
    difficulty: doublePrecision('difficulty').notNull(),
    elapsedDays: integer('elapsed_days').notNull(),
    scheduledDays: integer('scheduled_days').notNull(),
    learningSteps: integer('learning_steps').notNull(),
    reps: integer('reps').notNull(),
    lapses: integer('lapses').notNull(),
    /** ts-fsrs `State`: 0 new, 1 learning, 2 review, 3 relearning. */
    state: integer('state').notNull(),
    lastReview: timestamp('last_review', { withTimezone: true, mode: 'date' }),
    suspended: boolean('suspended').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('review_cards_user_step_key').on(t.userId, t.stepId),
    index('review_cards_user_due_idx')
      .on(t.userId, t.due)
      .where(sql`not ${t.suspended}`),
  ],
);

/** One rating of a card; the Idempotency-Key makes a retried rating count once. */
export const reviewLogs = pgTable(
  'review_logs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cardId: uuid('card_id')
      .notNull()
      .references(() => reviewCards.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** ts-fsrs `Rating`: 1 again, 2 hard, 3 good, 4 easy. */
    rating: integer('rating').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    idempotencyKey: text('idempotency_key'),
    /** The card as this rating left it: what a retry with the same key answers. */
    result: jsonb('result').$type<Record<string, unknown>>(),
  },
  (t) => [
    uniqueIndex('review_logs_idempotency_key').on(t.userId, t.idempotencyKey),
    index('review_logs_card_idx').on(t.cardId, t.reviewedAt),
    check('review_logs_rating_check', sql`${t.rating} between 1 and 4`),
  ],
);

// ---------------------------------------------------------------------------------------------
// Cohorts: a group following roadmaps together (a bootcamp, a study group, a team onboarding)

export const COHORT_ROLES = ['owner', 'mentor', 'member'] as const;
export type CohortRole = (typeof COHORT_ROLES)[number];

export const cohorts = pgTable(
  'cohorts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    startsOn: date('starts_on', { mode: 'string' }),
    /** When the cohort means to have finished its roadmaps' required steps: the pace is judged by it. */
    endsOn: date('ends_on', { mode: 'string' }),
    /** The cohort's suggested daily minutes; null leaves each member's own goal. */
    dailyGoalMinutes: integer('daily_goal_minutes'),
    /** Whether members may see each other's progress (only those who opt in are shown). */
    leaderboard: boolean('leaderboard').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [check('cohorts_goal_check', sql`${t.dailyGoalMinutes} between 5 and 600`)],
);

/** The roadmaps a cohort follows, in the order its owner gave them. */
export const cohortRoadmaps = pgTable(
  'cohort_roadmaps',
  {
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    roadmapId: uuid('roadmap_id')
      .notNull()
      .references(() => roadmaps.id),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.cohortId, t.roadmapId] })],
);

/** Who is in a cohort and as what; exactly one owner per cohort. */
export const cohortMembers = pgTable(
  'cohort_members',
  {
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: COHORT_ROLES }).notNull(),
    /** The member agreed to be shown on the members-visible leaderboard (when the owner enables it). */
    leaderboard: boolean('leaderboard').notNull().default(false),
    joinedAt: timestamp('joined_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.cohortId, t.userId] }),
    index('cohort_members_user_idx').on(t.userId),
    uniqueIndex('cohort_members_one_owner_key')
      .on(t.cohortId)
      .where(sql`${t.role} = 'owner'`),
    check('cohort_members_role_check', sql`${t.role} in ('owner', 'mentor', 'member')`),
  ],
);

/** An invitation link: only the sha256 of its token is kept; it expires and counts its uses. */
export const cohortInvites = pgTable(
  'cohort_invites',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull(),
    role: text('role', { enum: ['mentor', 'member'] }).notNull(),
    maxUses: integer('max_uses'),
    uses: integer('uses').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    /** The address it was mailed to, if it was. */
    email: text('email'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('cohort_invites_token_key').on(t.tokenHash),
    index('cohort_invites_cohort_idx').on(t.cohortId, t.createdAt),
    check('cohort_invites_role_check', sql`${t.role} in ('mentor', 'member')`),
  ],
);

/** A mentor's short message to a member, mailed through the job queue; kept for rate limits and the export. */
export const cohortNudges = pgTable(
  'cohort_nudges',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    cohortId: uuid('cohort_id')
      .notNull()
      .references(() => cohorts.id, { onDelete: 'cascade' }),
    fromUserId: uuid('from_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    toUserId: uuid('to_user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    message: text('message').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    index('cohort_nudges_from_idx').on(t.fromUserId, t.createdAt),
    index('cohort_nudges_to_idx').on(t.toUserId, t.createdAt),
  ],
);

// The export of everything a user owns, and the public profile.
import Type from 'typebox';
import { ref } from '../../http/schemas.ts';
import { StudySession } from '../habits/schemas.ts';
import { StepStatusSchema } from '../progress/schemas.ts';
import { RATINGS } from '../reviews/scheduler.ts';
import { Slug } from '../roadmaps/schemas.ts';
import { PersonalToken } from '../tokens/schemas.ts';
import { Webhook } from '../webhooks/schemas.ts';
import { CredentialSummary, VerifiableCredential } from '../badges/schemas.ts';
import { HANDLE_PATTERN, User } from '../users/schemas.ts';

const Timestamp = Type.String({ format: 'date-time' });

export const Export = Type.Object(
  {
    format: Type.Literal('waymark-export/1'),
    exportedAt: Type.String({ format: 'date-time' }),
    user: ref(User),
    progress: Type.Array(
      Type.Object(
        {
          roadmapSlug: Slug,
          stepId: Type.String(),
          stepSlug: Slug,
          stepTitle: Type.String(),
          stepRetired: Type.Boolean({
            description: 'The step is no longer in the roadmap; your status is kept.',
          }),
          status: StepStatusSchema,
          updatedAt: Type.String({ format: 'date-time' }),
          completedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        },
        { additionalProperties: false },
      ),
    ),
    studySessions: Type.Array(ref(StudySession)),
    notes: Type.Array(
      Type.Object(
        {
          roadmapSlug: Slug,
          stepId: Type.String(),
          stepSlug: Slug,
          stepTitle: Type.String(),
          stepRetired: Type.Boolean(),
          body: Type.String({ description: 'Markdown, as written.' }),
          bodyHtml: Type.String(),
          updatedAt: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: 'Your private notes on steps.' },
    ),
    roadmapPlans: Type.Array(
      Type.Object(
        {
          roadmapSlug: Slug,
          targetDate: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
          reviews: Type.Boolean(),
          updatedAt: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: "Your target dates, and whether each roadmap's reviews are on." },
    ),
    reviewCards: Type.Array(
      Type.Object(
        {
          roadmapSlug: Slug,
          stepId: Type.String(),
          stepSlug: Slug,
          due: Timestamp,
          stability: Type.Number(),
          difficulty: Type.Number(),
          reps: Type.Integer(),
          lapses: Type.Integer(),
          state: Type.Integer({ description: 'FSRS state: 0 new, 1 learning, 2 review, 3 relearning.' }),
          lastReview: Type.Union([Timestamp, Type.Null()]),
          suspended: Type.Boolean(),
          ratings: Type.Array(
            Type.Object(
              { rating: Type.Enum(RATINGS), reviewedAt: Timestamp },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'Your spaced-review cards (FSRS memory state) and every rating you gave.' },
    ),
    resourceChecks: Type.Array(
      Type.Object(
        {
          roadmapSlug: Slug,
          stepId: Type.String(),
          stepSlug: Slug,
          url: Type.String(),
          checkedAt: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: 'The resources you ticked as done.' },
    ),
    identities: Type.Array(
      Type.Object(
        {
          provider: Type.String(),
          subject: Type.String(),
          email: Type.Union([Type.String(), Type.Null()]),
          createdAt: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: 'Sign-in providers linked to the account.' },
    ),
    sessions: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          createdAt: Timestamp,
          lastUsedAt: Timestamp,
          userAgent: Type.Union([Type.String(), Type.Null()]),
          revokedAt: Type.Union([Timestamp, Type.Null()]),
        },
        { additionalProperties: false },
      ),
      { description: 'Every sign-in, ended ones included (never a token).' },
    ),
    authoredRoadmaps: Type.Array(
      Type.Object(
        {
          slug: Slug,
          status: Type.Union([Type.Literal('draft'), Type.Literal('published'), Type.Literal('deleted')]),
          publishedVersion: Type.Integer(),
          draft: Type.Unknown({ description: 'The unpublished draft (a roadmap source), or null.' }),
          createdAt: Timestamp,
          updatedAt: Timestamp,
          versions: Type.Array(
            Type.Object(
              { version: Type.Integer(), createdAt: Timestamp, document: Type.Unknown() },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'Roadmaps you own: drafts and every published version.' },
    ),
    mail: Type.Array(
      Type.Object(
        { to: Type.String(), subject: Type.String(), text: Type.String(), createdAt: Timestamp },
        { additionalProperties: false },
      ),
      { description: 'Mail kept for your address (no SMTP server configured); link tokens removed.' },
    ),
    cohorts: Type.Array(
      Type.Object(
        {
          cohortId: Type.String({ format: 'uuid' }),
          name: Type.String(),
          role: Type.Union([Type.Literal('owner'), Type.Literal('mentor'), Type.Literal('member')]),
          joinedAt: Timestamp,
          leaderboard: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { description: 'The cohorts you are in.' },
    ),
    webhooks: Type.Array(ref(Webhook), { description: 'Your webhooks (never their secrets).' }),
    credentials: Type.Array(
      Type.Intersect([
        ref(CredentialSummary),
        Type.Object({
          revokedReason: Type.Union([Type.String(), Type.Null()]),
          document: ref(VerifiableCredential),
        }),
      ]),
      { description: 'Your Open Badges credentials, each with the signed document.' },
    ),
    personalAccessTokens: Type.Array(ref(PersonalToken), {
      description: 'Your personal access tokens: names, scopes and dates; never the tokens.',
    }),
    nudges: Type.Array(
      Type.Object(
        {
          cohortId: Type.String({ format: 'uuid' }),
          direction: Type.Union([Type.Literal('sent'), Type.Literal('received')]),
          message: Type.String(),
          createdAt: Timestamp,
        },
        { additionalProperties: false },
      ),
      { description: "Mentors' notes you sent or received in cohorts." },
    ),
  },
  { $id: 'Export', additionalProperties: false },
);

export const UserList = Type.Object(
  {
    items: Type.Array(ref(User)),
    nextCursor: Type.Union([Type.String(), Type.Null()]),
  },
  { $id: 'UserList', additionalProperties: false },
);

export const UserListQuery = Type.Object(
  {
    q: Type.Optional(
      Type.String({ format: 'line', minLength: 1, maxLength: 200, description: 'Part of an email or name.' }),
    ),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'line', maxLength: 500 })),
  },
  { additionalProperties: false },
);

export const DeletionImpact = Type.Object(
  {
    publishedRoadmaps: Type.Array(Slug, {
      description: 'Stay published for their learners; admins take them over. Unpublished edits go.',
    }),
    draftRoadmaps: Type.Array(Slug, { description: 'Never published: deleted with the account.' }),
  },
  { $id: 'DeletionImpact', additionalProperties: false },
);

export const PublicProfile = Type.Object(
  {
    handle: Type.String(),
    displayName: Type.String(),
    memberSince: Type.String({ format: 'date' }),
    currentStreak: Type.Integer(),
    longestStreak: Type.Integer(),
    roadmaps: Type.Array(
      Type.Object(
        {
          slug: Slug,
          title: Type.String(),
          percent: Type.Integer(),
          requiredPercent: Type.Integer(),
          doneCount: Type.Integer(),
          stepCount: Type.Integer(),
        },
        { additionalProperties: false },
      ),
    ),
    credentials: Type.Array(
      Type.Object(
        {
          id: Type.String({ format: 'uuid' }),
          name: Type.String(),
          roadmapSlug: Slug,
          issuedAt: Timestamp,
          url: Type.String({ description: 'The signed credential (JSON), to fetch or verify.' }),
        },
        { additionalProperties: false },
      ),
      { description: 'The credentials they shared (and did not revoke), newest first.' },
    ),
  },
  { $id: 'PublicProfile', additionalProperties: false },
);

export const HandleParams = Type.Object(
  { handle: Type.String({ pattern: HANDLE_PATTERN }) },
  { additionalProperties: false },
);

export const accountSchemas = [Export, PublicProfile, UserList, DeletionImpact];

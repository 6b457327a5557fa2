// Cohorts: groups that follow roadmaps together, their invitations and the mentor view.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { Slug } from '../roadmaps/schemas.ts';
import { Email } from '../auth/schemas.ts';

const CohortRole = Type.Union([Type.Literal('owner'), Type.Literal('mentor'), Type.Literal('member')], {
  description: '`owner` (one per cohort), `mentor` or `member`; independent of the site role.',
});
const InviteRole = Type.Union([Type.Literal('mentor'), Type.Literal('member')]);
const LocalDate = Type.String({ format: 'date', description: 'A calendar date, YYYY-MM-DD.' });
const Timestamp = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const CohortId = Type.String({ format: 'uuid' });
export const CohortParams = Type.Object({ id: CohortId }, { additionalProperties: false });
export const MemberParams = Type.Object(
  {
    id: CohortId,
    userId: Type.Union([Type.Literal('me'), Type.String({ format: 'uuid' })], {
      description: "A member's user id, or `me`.",
    }),
  },
  { additionalProperties: false },
);
export const InviteParams = Type.Object(
  { id: CohortId, inviteId: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);

const Name = Type.String({
  format: 'line',
  minLength: 1,
  maxLength: 120,
  description: '1 to 120 characters.',
});
const Description = Type.String({
  format: 'text',
  maxLength: 2000,
  description: 'Plain text, up to 2,000 characters.',
});
const RoadmapSlugs = Type.Array(Slug, {
  minItems: 1,
  maxItems: 10,
  uniqueItems: true,
  description: 'The published roadmaps the cohort follows, 1 to 10.',
});
const GoalMinutes = Type.Integer({
  minimum: 5,
  maximum: 600,
  description: 'Suggested minutes a day, 5..600.',
});

export const CohortCreateBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Description),
    roadmapSlugs: RoadmapSlugs,
    startsOn: Type.Optional(Nullable(LocalDate)),
    endsOn: Type.Optional(Nullable(LocalDate)),
    dailyGoalMinutes: Type.Optional(Nullable(GoalMinutes)),
  },
  { additionalProperties: false },
);
export type CohortCreateBody = Static<typeof CohortCreateBody>;

export const CohortUpdateBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Description),
    roadmapSlugs: Type.Optional(RoadmapSlugs),
    startsOn: Type.Optional(Nullable(LocalDate)),
    endsOn: Type.Optional(Nullable(LocalDate)),
    dailyGoalMinutes: Type.Optional(Nullable(GoalMinutes)),
    leaderboard: Type.Optional(
      Type.Boolean({ description: 'Let members see the rows of the members who opt in.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CohortUpdateBody = Static<typeof CohortUpdateBody>;

const CohortRoadmap = Type.Object(
  { slug: Slug, title: Type.String(), stepCount: Type.Integer(), requiredCount: Type.Integer() },
  { additionalProperties: false },
);

export const MemberRoadmap = Type.Object(
  {
    slug: Slug,
    percent: Type.Integer({ description: 'Live steps done, 0..100.' }),
    requiredPercent: Type.Integer({ description: 'Required live steps done, 0..100.' }),
    nextStep: Nullable(Type.Object({ slug: Slug, title: Type.String() }, { additionalProperties: false })),
    lastActivityAt: Nullable(Timestamp),
  },
  { $id: 'CohortMemberRoadmap', additionalProperties: false },
);

export const CohortMember = Type.Object(
  {
    userId: Type.String({ format: 'uuid' }),
    displayName: Type.String(),
    role: CohortRole,
    joinedAt: Timestamp,
    roadmaps: Type.Array(ref(MemberRoadmap)),
    currentStreak: Type.Integer({ description: "Days in a row at the member's own goal (freezes count)." }),
    minutesLast7Days: Type.Integer({ description: 'Study minutes over the last 7 days of their calendar.' }),
    stuck: Type.Boolean({
      description: 'A step in progress for more than 7 days, or nothing done or logged for 7 days.',
    }),
    finished: Type.Boolean({
      description: "Every required step of every one of the cohort's roadmaps is done.",
    }),
  },
  { $id: 'CohortMember', additionalProperties: false },
);
export type CohortMember = Static<typeof CohortMember>;

export const CohortMemberList = Type.Object(
  { items: Type.Array(ref(CohortMember)), nextCursor: Nullable(Type.String()) },
  { $id: 'CohortMemberList', additionalProperties: false },
);
export type CohortMemberList = Static<typeof CohortMemberList>;

export const MemberSort = Type.Union(
  [Type.Literal('name'), Type.Literal('progress'), Type.Literal('activity'), Type.Literal('minutes')],
  {
    default: 'name',
    description:
      '`name` (A→Z), `progress` (mean percent, lowest first: who needs help), `activity` (least recently active first), `minutes` (fewest minutes in 7 days first).',
  },
);
export type MemberSort = Static<typeof MemberSort>;
export const MemberFilter = Type.Union(
  [Type.Literal('all'), Type.Literal('stuck'), Type.Literal('behind'), Type.Literal('finished')],
  {
    default: 'all',
    description: '`stuck`; `behind` (mean percent below the cohort median); `finished`.',
  },
);
export type MemberFilter = Static<typeof MemberFilter>;

export const MemberQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'line', maxLength: 300 })),
    sort: MemberSort,
    filter: MemberFilter,
    desc: Type.Boolean({ default: false, description: 'Reverse the order.' }),
  },
  { additionalProperties: false },
);
export type MemberQuery = Static<typeof MemberQuery>;

export const CohortSummary = Type.Object(
  {
    memberCount: Type.Integer({ description: 'Members (not mentors or the owner).' }),
    mentorCount: Type.Integer(),
    medianPercent: Type.Integer({
      description: "The members' median of their mean percent over the roadmaps.",
    }),
    medianMinutesLast7Days: Type.Integer(),
    finishedCount: Type.Integer(),
    stuckCount: Type.Integer(),
    pace: Type.Object(
      {
        expectedPercent: Nullable(
          Type.Integer({
            description: 'Where the cohort should be today, by startsOn..endsOn; null without both.',
          }),
        ),
        daysLeft: Nullable(Type.Integer()),
        onTrack: Nullable(Type.Boolean({ description: 'The median is at or past the expected percent.' })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export const Cohort = Type.Object(
  {
    id: CohortId,
    name: Type.String(),
    description: Type.String(),
    roadmapSlugs: Type.Array(Slug),
    roadmaps: Type.Array(CohortRoadmap),
    startsOn: Nullable(LocalDate),
    endsOn: Nullable(LocalDate),
    dailyGoalMinutes: Nullable(Type.Integer()),
    leaderboard: Type.Boolean(),
    role: Nullable(CohortRole),
    ownerName: Type.String(),
    createdAt: Timestamp,
    summary: CohortSummary,
    me: Nullable(ref(CohortMember)),
    myLeaderboard: Type.Boolean({ description: 'Whether you opted in to the members-visible leaderboard.' }),
    standings: Type.Array(ref(CohortMember), {
      description: 'With the leaderboard on: the members who opted in, by mean percent. Otherwise empty.',
    }),
  },
  { $id: 'Cohort', additionalProperties: false },
);
export type Cohort = Static<typeof Cohort>;

export const CohortListItem = Type.Object(
  {
    id: CohortId,
    name: Type.String(),
    role: Nullable(CohortRole),
    roadmapSlugs: Type.Array(Slug),
    memberCount: Type.Integer(),
    endsOn: Nullable(LocalDate),
  },
  { $id: 'CohortListItem', additionalProperties: false },
);
export const CohortList = Type.Object(
  { items: Type.Array(ref(CohortListItem)), nextCursor: Nullable(Type.String()) },
  { $id: 'CohortList', additionalProperties: false },
);
export type CohortList = Static<typeof CohortList>;
export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ format: 'line', maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const InviteBody = Type.Object(
  {
    role: InviteRole,
    maxUses: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000 }))),
    expiresAt: Type.Optional(
      Type.String({ format: 'date-time', description: 'Within 90 days; 14 days from now by default.' }),
    ),
    email: Type.Optional(
      Type.Unsafe<string>({ ...Email, description: 'Mail the invitation to this address, too.' }),
    ),
  },
  { additionalProperties: false },
);
export type InviteBody = Static<typeof InviteBody>;

export const Invite = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    role: InviteRole,
    maxUses: Nullable(Type.Integer()),
    uses: Type.Integer(),
    expiresAt: Timestamp,
    revokedAt: Nullable(Timestamp),
    email: Nullable(Type.String()),
    createdAt: Timestamp,
    state: Type.Union([
      Type.Literal('active'),
      Type.Literal('expired'),
      Type.Literal('revoked'),
      Type.Literal('used-up'),
    ]),
  },
  { $id: 'CohortInvite', additionalProperties: false },
);
export type Invite = Static<typeof Invite>;
export const CreatedInvite = Type.Object(
  {
    ...Invite.properties,
    token: Type.String({ description: 'Shown once; only its hash is kept.' }),
    url: Type.String({ description: 'The join page with the token.' }),
  },
  { $id: 'CreatedCohortInvite', additionalProperties: false },
);
export type CreatedInvite = Static<typeof CreatedInvite>;
export const InviteList = Type.Object(
  { items: Type.Array(ref(Invite)) },
  { $id: 'CohortInviteList', additionalProperties: false },
);

const InviteToken = Type.String({ format: 'line', minLength: 20, maxLength: 100 });
export const JoinBody = Type.Object({ token: InviteToken }, { additionalProperties: false });
export const JoinQuery = Type.Object({ token: InviteToken }, { additionalProperties: false });
export const Joined = Type.Object(
  { cohortId: CohortId, role: CohortRole },
  { $id: 'CohortJoined', additionalProperties: false },
);
export const InvitePreview = Type.Object(
  {
    cohortId: CohortId,
    name: Type.String(),
    description: Type.String(),
    ownerName: Type.String(),
    role: InviteRole,
    roadmaps: Type.Array(CohortRoadmap),
    startsOn: Nullable(LocalDate),
    endsOn: Nullable(LocalDate),
    expiresAt: Timestamp,
    mentorsSee: Type.Array(Type.String(), { description: 'What joining shares with the owner and mentors.' }),
    neverShared: Type.Array(Type.String()),
    alreadyMember: Nullable(CohortRole),
  },
  { $id: 'CohortInvitePreview', additionalProperties: false },
);
export type InvitePreview = Static<typeof InvitePreview>;

export const MemberUpdateBody = Type.Object(
  {
    role: Type.Optional(
      Type.Union([CohortRole], {
        description:
          'Owners only: `mentor` or `member`; `owner` hands the cohort over (you become a mentor).',
      }),
    ),
    leaderboard: Type.Optional(
      Type.Boolean({ description: 'Your own row only: be shown on the leaderboard.' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type MemberUpdateBody = Static<typeof MemberUpdateBody>;

export const NudgeBody = Type.Object(
  {
    message: Type.String({
      format: 'text',
      minLength: 1,
      maxLength: 500,
      description: '1 to 500 characters.',
    }),
  },
  { additionalProperties: false },
);
export const NudgeSent = Type.Object(
  { id: Type.String({ format: 'uuid' }), sentAt: Timestamp },
  { $id: 'CohortNudgeSent', additionalProperties: false },
);

export const HeatmapStep = Type.Object(
  {
    slug: Slug,
    title: Type.String(),
    layerTitle: Type.String(),
    required: Type.Boolean(),
    done: Type.Integer(),
    inProgress: Type.Integer(),
  },
  { additionalProperties: false },
);
export const Heatmap = Type.Object(
  {
    memberCount: Type.Integer(),
    roadmaps: Type.Array(
      Type.Object(
        { slug: Slug, title: Type.String(), steps: Type.Array(HeatmapStep) },
        { additionalProperties: false },
      ),
    ),
  },
  { $id: 'CohortHeatmap', additionalProperties: false },
);
export type Heatmap = Static<typeof Heatmap>;

export const cohortSchemas = [
  MemberRoadmap,
  CohortMember,
  CohortMemberList,
  Cohort,
  CohortListItem,
  CohortList,
  Invite,
  CreatedInvite,
  InviteList,
  Joined,
  InvitePreview,
  NudgeSent,
  Heatmap,
];

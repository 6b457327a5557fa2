// The export of everything a user owns, and the public profile.
import Type from 'typebox';
import { ref } from '../../http/schemas.ts';
import { StudySession } from '../habits/schemas.ts';
import { StepStatusSchema } from '../progress/schemas.ts';
import { Slug } from '../roadmaps/schemas.ts';
import { HANDLE_PATTERN, User } from '../users/schemas.ts';

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
  },
  { $id: 'Export', additionalProperties: false },
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
  },
  { $id: 'PublicProfile', additionalProperties: false },
);

export const HandleParams = Type.Object(
  { handle: Type.String({ pattern: HANDLE_PATTERN }) },
  { additionalProperties: false },
);

export const accountSchemas = [Export, PublicProfile];

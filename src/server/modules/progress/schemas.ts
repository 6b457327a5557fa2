// Shapes of a learner's progress on a roadmap.
import Type, { type Static } from 'typebox';
import { ref } from '../../http/schemas.ts';
import { Slug } from '../roadmaps/schemas.ts';

export const StepStatusSchema = Type.Union(
  [Type.Literal('todo'), Type.Literal('in_progress'), Type.Literal('done'), Type.Literal('skipped')],
  { description: '`todo`, `in_progress`, `done` or `skipped`.' },
);

export const StepStatusBody = Type.Object({ status: StepStatusSchema }, { additionalProperties: false });

export const StepProgress = Type.Object(
  {
    stepSlug: Slug,
    status: StepStatusSchema,
    updatedAt: Type.String({ format: 'date-time', description: 'When the status last changed.' }),
  },
  { $id: 'StepProgress', additionalProperties: false },
);
export type StepProgress = Static<typeof StepProgress>;

export const ProgressSummary = Type.Object(
  {
    roadmapSlug: Slug,
    roadmapTitle: Type.String(),
    steps: Type.Record(Type.String(), StepStatusSchema, {
      description: 'Every live step of the roadmap by slug, `todo` where nothing was set.',
    }),
    doneCount: Type.Integer(),
    stepCount: Type.Integer(),
    percent: Type.Integer({ minimum: 0, maximum: 100, description: 'done / all steps, rounded.' }),
    requiredDoneCount: Type.Integer(),
    requiredCount: Type.Integer(),
    requiredPercent: Type.Integer({ minimum: 0, maximum: 100 }),
    milestones: Type.Array(
      Type.Object(
        {
          slug: Slug,
          title: Type.String(),
          reached: Type.Boolean({ description: 'Every required step up to `afterStep` is done.' }),
          reachedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
            description: 'When the last of those steps became done.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    nextStep: Type.Union(
      [
        Type.Object(
          { slug: Slug, title: Type.String(), required: Type.Boolean() },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'The first step in order that is neither done nor skipped; null when none is left.' },
    ),
    updatedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When this learner last changed a step of this roadmap.',
    }),
    resourcesDone: Type.Record(Type.String(), Type.Array(Type.String()), {
      description: 'The URLs of the resources you ticked, by step slug (steps with none are left out).',
    }),
  },
  { $id: 'ProgressSummary', additionalProperties: false },
);
export type ProgressSummary = Static<typeof ProgressSummary>;

export const MyRoadmaps = Type.Object(
  { items: Type.Array(ref(ProgressSummary), { description: 'Most recently touched first.' }) },
  { $id: 'MyRoadmaps', additionalProperties: false },
);

export const ResourceCheckBody = Type.Object(
  {
    url: Type.String({
      format: 'line',
      minLength: 1,
      maxLength: 2048,
      description: "The resource's URL, exactly as the roadmap gives it.",
    }),
    done: Type.Boolean({ description: 'true ticks it, false unticks it.' }),
  },
  { additionalProperties: false },
);

export const ResourceCheck = Type.Object(
  { stepSlug: Slug, url: Type.String(), done: Type.Boolean() },
  { $id: 'ResourceCheck', additionalProperties: false },
);
export type ResourceCheck = Static<typeof ResourceCheck>;

export const progressSchemas = [StepProgress, ProgressSummary, MyRoadmaps, ResourceCheck];

// /api/v1/me/roadmaps: the signed-in learner's progress.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { RoadmapParams, StepParams } from '../roadmaps/schemas.ts';
import {
  MyRoadmaps,
  ProgressSummary,
  ResourceCheck,
  ResourceCheckBody,
  StepProgress,
  StepStatusBody,
} from './schemas.ts';
import type { ProgressService } from './service.ts';

const tags = ['Me'];

export const progressRoutes: FastifyPluginAsyncTypebox<{ service: ProgressService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/me/roadmaps',
    {
      schema: {
        tags,
        summary: 'The roadmaps you have progress on',
        description: 'Each with its progress summary, most recently touched first.',
        security: access.scoped('progress:read'),
        response: { 200: ref(MyRoadmaps), ...problems(401) },
      },
    },
    async (request) => service.myRoadmaps(currentUser(request).userId),
  );

  app.put(
    '/api/v1/me/roadmaps/:slug/steps/:stepSlug',
    {
      schema: {
        tags,
        summary: 'Set your status on a step',
        description:
          'Idempotent: the same status twice changes nothing. Becoming `done` records when; leaving `done` clears it. Your progress belongs to the step, not to its slug or place, so it survives new versions of the roadmap.',
        security: access.scoped('progress:write'),
        params: StepParams,
        body: StepStatusBody,
        response: { 200: ref(StepProgress), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      service.setStatus(
        currentUser(request).userId,
        request.params.slug,
        request.params.stepSlug,
        request.body.status,
      ),
  );

  app.put(
    '/api/v1/me/roadmaps/:slug/steps/:stepSlug/resources',
    {
      schema: {
        tags,
        summary: "Tick or untick one of a step's resources",
        description:
          "The URL must be one of the step's resources. Idempotent. The ticks are in the progress summary (`resourcesDone`) and, like your status, belong to the step, not its slug.",
        security: access.scoped('progress:write'),
        params: StepParams,
        body: ResourceCheckBody,
        response: { 200: ref(ResourceCheck), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      service.setResource(
        currentUser(request).userId,
        request.params.slug,
        request.params.stepSlug,
        request.body,
      ),
  );

  app.get(
    '/api/v1/me/roadmaps/:slug/progress',
    {
      schema: {
        tags,
        summary: 'Your progress on a roadmap',
        description:
          "Counts and percents (all steps, and required ones only), each step's status, the milestones with when they were reached, and the next step: the first in order that is neither done nor skipped.",
        security: access.scoped('progress:read'),
        params: RoadmapParams,
        response: { 200: ref(ProgressSummary), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.summary(currentUser(request).userId, request.params.slug),
  );
};

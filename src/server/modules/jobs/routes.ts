// /api/v1/admin/jobs: the job queue's counts and dead letters, and retrying one.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { JobIdParams, JobOverview, JobOverviewQuery } from './schemas.ts';
import type { JobAdminService } from './service.ts';

export const jobRoutes: FastifyPluginAsyncTypebox<{ service: JobAdminService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/admin/jobs',
    {
      schema: {
        security: access.signedIn,
        tags: ['Admin'],
        summary: 'The job queue',
        description: 'Admins only. Jobs per queue by state, and the jobs that ran out of retries.',
        querystring: JobOverviewQuery,
        response: { 200: ref(JobOverview), ...problems(400, 401, 403) },
      },
    },
    async (request) => service.overview(currentUser(request), request.query.limit),
  );

  app.post(
    '/api/v1/admin/jobs/:id/retry',
    {
      schema: {
        security: access.signedIn,
        tags: ['Admin'],
        summary: 'Send a failed job back to its queue',
        description: 'Admins only. The job runs again with a fresh set of retries.',
        params: JobIdParams,
        response: { 202: { type: 'null', description: 'Queued again.' }, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.retry(currentUser(request), request.params.id);
      return reply.code(202).send(null);
    },
  );
};

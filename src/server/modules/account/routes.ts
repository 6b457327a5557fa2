// /api/v1/me/export, DELETE /api/v1/me, and public profiles at /api/v1/users/{handle}.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { bearerSecurity, currentUser } from '../../plugins/auth.ts';
import { renderCard } from './card.ts';
import { Export, HandleParams, PublicProfile } from './schemas.ts';
import type { AccountService } from './service.ts';

export const accountRoutes: FastifyPluginAsyncTypebox<{ service: AccountService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/me/export',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['Me'],
        summary: 'Download everything you own',
        description:
          'One JSON document — your profile, every progress row (steps since removed from a roadmap included), every study session — as a file download.',
        security: bearerSecurity,
        response: { 200: ref(Export), ...problems(401) },
      },
    },
    async (request, reply) => {
      const data = await service.export(currentUser(request).userId);
      const day = data.exportedAt.slice(0, 10);
      reply
        .header('content-disposition', `attachment; filename="waymark-export-${day}.json"`)
        .header('cache-control', 'no-store');
      return data;
    },
  );

  app.delete(
    '/api/v1/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['Me'],
        summary: 'Delete your account and everything in it',
        description:
          'Irreversible. Every session ends at once; profile, progress and study log are deleted in one transaction.',
        security: bearerSecurity,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problems(401) },
      },
    },
    async (request, reply) => {
      await service.delete(currentUser(request).userId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/users/:handle',
    {
      schema: {
        tags: ['Profiles'],
        summary: 'A public profile',
        description:
          'Roadmaps with percent done and streaks — only for users who made their profile public; 404 otherwise. Never the email.',
        params: HandleParams,
        response: { 200: ref(PublicProfile), ...problems(400, 404) },
      },
    },
    async (request) => service.publicProfile(request.params.handle),
  );

  app.get(
    '/api/v1/users/:handle/card.svg',
    {
      schema: {
        tags: ['Profiles'],
        summary: 'An embeddable SVG progress card',
        description:
          'For a README or a blog: `![My Waymark](https://…/api/v1/users/{handle}/card.svg)`. Cached for 5 minutes.',
        params: HandleParams,
        produces: ['image/svg+xml'],
        response: { 200: { type: 'string', description: 'image/svg+xml' }, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const svg = renderCard(await service.publicProfile(request.params.handle));
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .header('cross-origin-resource-policy', 'cross-origin') // embeddable from other sites
        .send(svg);
    },
  );
};

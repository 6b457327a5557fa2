// /api/v1/me/export, DELETE /api/v1/me, public profiles at /api/v1/users/{handle}, and the
// admin's accounts list and role changes at /api/v1/admin/users.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { sharedCache } from '../../plugins/cache-control.ts';
import { renderCard } from './card.ts';
import { RolePatch, User, UserIdParams } from '../users/schemas.ts';
import { toUser } from '../users/service.ts';
import { DeletionImpact, Export, HandleParams, PublicProfile, UserList, UserListQuery } from './schemas.ts';
import type { AccountService } from './service.ts';

export const accountRoutes: FastifyPluginAsyncTypebox<{ service: AccountService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/me/export',
    {
      schema: {
        tags: ['Me'],
        summary: 'Download everything you own',
        description:
          'One JSON document — your profile, every progress row (steps since removed from a roadmap included), every study session — as a file download.',
        security: access.signedIn,
        response: { 200: ref(Export), ...problems(401) },
      },
    },
    async (request, reply) => {
      const data = await service.export(currentUser(request).userId);
      const day = data.exportedAt.slice(0, 10);
      reply.header('content-disposition', `attachment; filename="waymark-export-${day}.json"`);
      return data;
    },
  );

  app.delete(
    '/api/v1/me',
    {
      schema: {
        tags: ['Me'],
        summary: 'Delete your account and everything in it',
        description:
          'Irreversible. Every session ends at once; profile, progress and study log are deleted in one transaction.',
        security: access.signedIn,
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
      config: sharedCache,
      schema: {
        security: access.public,
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
      config: sharedCache,
      schema: {
        security: access.public,
        tags: ['Profiles'],
        summary: 'An embeddable SVG progress card',
        description:
          'For a README or a blog: `![My Waymark](https://…/api/v1/users/{handle}/card.svg)`. Shared caches may keep it for 10 seconds.',
        params: HandleParams,
        produces: ['image/svg+xml'],
        response: { 200: { type: 'string', description: 'image/svg+xml' }, ...problems(400, 404) },
      },
    },
    async (request, reply) => {
      const svg = renderCard(await service.publicProfile(request.params.handle));
      return reply
        .type('image/svg+xml; charset=utf-8')
        .header('cross-origin-resource-policy', 'cross-origin') // embeddable from other sites
        .send(svg);
    },
  );

  app.get(
    '/api/v1/me/deletion',
    {
      schema: {
        security: access.signedIn,
        tags: ['Me'],
        summary: 'What deleting your account would do',
        description:
          'Roadmaps you published stay published for their learners (admins take them over); roadmaps you never published are deleted with the account.',
        response: { 200: ref(DeletionImpact), ...problems(401) },
      },
    },
    async (request) => service.deletionImpact(currentUser(request).userId),
  );

  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        security: access.signedIn,
        tags: ['Admin'],
        summary: 'List accounts',
        description: 'Admins only. In email order, cursor-paginated; `q` matches part of an email or name.',
        querystring: UserListQuery,
        response: { 200: ref(UserList), ...problems(400, 401, 403) },
      },
    },
    async (request) => service.listUsers(currentUser(request), request.query),
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      schema: {
        security: access.signedIn,
        tags: ['Admin'],
        summary: "Change a user's role",
        description:
          "Admins only (checked against the admin's role in the database now). The user's sessions end at once, so they sign in again with the new role.",
        params: UserIdParams,
        body: RolePatch,
        response: { 200: ref(User), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      toUser(await service.changeRole(currentUser(request), request.params.id, request.body.role)),
  );
};

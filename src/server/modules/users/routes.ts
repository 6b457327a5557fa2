// /api/v1/me (the signed-in user's own profile) and /api/v1/admin/users (roles).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { bearerSecurity, currentUser } from '../../plugins/auth.ts';
import { ProfilePatch, RolePatch, User, UserIdParams } from './schemas.ts';
import { toUser, type UserService } from './service.ts';

export const userRoutes: FastifyPluginAsyncTypebox<{ service: UserService }> = async (app, { service }) => {
  app.get(
    '/api/v1/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['Me'],
        summary: 'The signed-in user',
        security: bearerSecurity,
        response: { 200: ref(User), ...problems(401) },
      },
    },
    async (request) => toUser(await service.get(currentUser(request).userId)),
  );

  app.patch(
    '/api/v1/me',
    {
      preHandler: app.authenticate,
      schema: {
        tags: ['Me'],
        summary: 'Change your profile',
        description:
          'Display name, IANA time zone, daily goal (5..600 minutes), public profile and its handle. Email and role cannot be changed here.',
        security: bearerSecurity,
        body: ProfilePatch,
        response: { 200: ref(User), ...problems(400, 401, 409) },
      },
    },
    async (request) => toUser(await service.updateProfile(currentUser(request).userId, request.body)),
  );

  app.patch(
    '/api/v1/admin/users/:id',
    {
      preHandler: [app.authenticate, app.requireRole('admin')],
      schema: {
        tags: ['Admin'],
        summary: "Change a user's role",
        description: "Admins only. The new role is in the user's next access token (at most minutes away).",
        security: bearerSecurity,
        params: UserIdParams,
        body: RolePatch,
        response: { 200: ref(User), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) =>
      toUser(await service.setRole(currentUser(request), request.params.id, request.body.role)),
  );
};

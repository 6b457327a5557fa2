// /api/v1/me: the signed-in user's own profile.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { ProfilePatch, User } from './schemas.ts';
import { toUser, type UserService } from './service.ts';

export const userRoutes: FastifyPluginAsyncTypebox<{ service: UserService }> = async (app, { service }) => {
  app.get(
    '/api/v1/me',
    {
      schema: {
        tags: ['Me'],
        summary: 'The signed-in user',
        security: access.scoped('profile:read'),
        response: { 200: ref(User), ...problems(401) },
      },
    },
    async (request) => toUser(await service.get(currentUser(request).userId)),
  );

  app.patch(
    '/api/v1/me',
    {
      schema: {
        tags: ['Me'],
        summary: 'Change your profile',
        description:
          'Display name, IANA time zone, daily goal (5..600 minutes), public profile and its handle. Email and role cannot be changed here.',
        security: access.signedIn,
        body: ProfilePatch,
        response: { 200: ref(User), ...problems(400, 401, 409) },
      },
    },
    async (request) => toUser(await service.updateProfile(currentUser(request).userId, request.body)),
  );
};

// The signed-in user's credentials and sessions: change the password or the email, see every
// device signed in and sign any of them out. Thin handlers over the auth service.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { EmailChangeBody, PasswordChangeBody, SessionList, SessionParams } from './schemas.ts';
import type { AuthService } from './service.ts';

const tags = ['Me'];

export const credentialRoutes: FastifyPluginAsyncTypebox<{ service: AuthService }> = async (
  app,
  { service },
) => {
  app.post(
    '/api/v1/me/password',
    {
      schema: {
        security: access.signedIn,
        tags,
        summary: 'Change your password',
        description:
          'Needs the current password (unless the account has none yet). Every other session of the account ends; this one stays signed in.',
        body: PasswordChangeBody,
        response: { 204: { type: 'null', description: 'Changed.' }, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      await service.changePassword(currentUser(request), request.body);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/me/email',
    {
      schema: {
        security: access.signedIn,
        tags,
        summary: 'Change your email address',
        description:
          'Needs your password. A link is mailed to the new address; the account moves to it when the link is opened (POST /api/v1/auth/verify-email with its token), and the old address is told. 202 whether or not the new address is free (the mail to it says so).',
        body: EmailChangeBody,
        response: { 202: { type: 'null', description: 'Mailed.' }, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      await service.requestEmailChange(currentUser(request), request.body);
      return reply.code(202).send(null);
    },
  );

  app.get(
    '/api/v1/me/sessions',
    {
      schema: {
        security: access.signedIn,
        tags,
        summary: 'Where you are signed in',
        description:
          'Every live session: when it began, when it was last used, its browser; `current` marks this one.',
        response: { 200: ref(SessionList), ...problems(401) },
      },
    },
    async (request) => service.sessions(currentUser(request)),
  );

  app.delete(
    '/api/v1/me/sessions/:id',
    {
      schema: {
        security: access.signedIn,
        tags,
        summary: 'Sign one session out',
        description: 'It ends on every instance at once; its refresh and access tokens stop working.',
        params: SessionParams,
        response: { 204: { type: 'null', description: 'Signed out.' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await service.endSession(currentUser(request), request.params.id);
      return reply.code(204).send(null);
    },
  );
};

// /api/v1/me/tokens: personal access tokens. Managed only from a signed-in session: the routes
// are `access.signedIn`, so a token can never make, list or revoke tokens.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { NewPersonalToken, PersonalTokenList, TokenBody, TokenParams } from './schemas.ts';
import type { TokenService } from './service.ts';

const tags = ['Integrations'];

export const tokenRoutes: FastifyPluginAsyncTypebox<{ service: TokenService }> = async (app, { service }) => {
  app.post(
    '/api/v1/me/tokens',
    {
      schema: {
        tags,
        summary: 'Make a personal access token',
        description:
          'For your own scripts and tools: send it as `Authorization: Bearer wmk_…` to the routes its scopes allow (each route names its scope under Security). The token is in this answer only; Waymark keeps its hash.',
        security: access.signedIn,
        body: TokenBody,
        response: { 201: ref(NewPersonalToken), ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await service.create(currentUser(request).userId, request.body)),
  );

  app.get(
    '/api/v1/me/tokens',
    {
      schema: {
        tags,
        summary: 'Your personal access tokens',
        description: 'Names, scopes and when each was last used; never the tokens themselves.',
        security: access.signedIn,
        response: { 200: ref(PersonalTokenList), ...problems(401, 403) },
      },
    },
    async (request) => service.list(currentUser(request).userId),
  );

  app.delete(
    '/api/v1/me/tokens/:id',
    {
      schema: {
        tags,
        summary: 'Revoke a personal access token',
        description: 'It stops working at once, on every instance.',
        security: access.signedIn,
        params: TokenParams,
        response: { 204: { type: 'null' }, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.revoke(currentUser(request).userId, request.params.id);
      return reply.code(204).send(null);
    },
  );
};

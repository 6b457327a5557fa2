// /api/v1/me/notes and /api/v1/me/roadmaps/{slug}/steps/{stepSlug}/note: private notes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import { StepParams } from '../roadmaps/schemas.ts';
import { Note, NoteBody, NoteList, NoteQuery } from './schemas.ts';
import type { NoteService } from './service.ts';

const tags = ['Me'];
const PATH = '/api/v1/me/roadmaps/:slug/steps/:stepSlug/note';

export const noteRoutes: FastifyPluginAsyncTypebox<{ service: NoteService }> = async (app, { service }) => {
  app.put(
    PATH,
    {
      schema: {
        tags,
        summary: 'Save your note on a step',
        description:
          'Markdown, rendered and sanitized when saved. Private: no one else ever sees it. It belongs to the step, not its slug, so it survives new versions of the roadmap. Saving the same text again changes nothing (`updatedAt` stays).',
        security: access.scoped('notes:write'),
        params: StepParams,
        body: NoteBody,
        response: { 200: ref(Note), ...problems(400, 401, 404) },
      },
    },
    async (request) =>
      service.put(
        currentUser(request).userId,
        request.params.slug,
        request.params.stepSlug,
        request.body.body,
      ),
  );

  app.get(
    PATH,
    {
      schema: {
        tags,
        summary: 'Your note on a step',
        security: access.scoped('notes:read'),
        params: StepParams,
        response: { 200: ref(Note), ...problems(400, 401, 404) },
      },
    },
    async (request) => service.get(currentUser(request).userId, request.params.slug, request.params.stepSlug),
  );

  app.delete(
    PATH,
    {
      schema: {
        tags,
        summary: 'Delete your note on a step',
        security: access.scoped('notes:write'),
        params: StepParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request).userId, request.params.slug, request.params.stepSlug);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me/notes',
    {
      schema: {
        tags,
        summary: 'Your notes',
        description:
          'Most recently saved first, cursor-paginated; `q` keeps the notes whose text matches (full-text search), `roadmapSlug` those on one roadmap.',
        security: access.scoped('notes:read'),
        querystring: NoteQuery,
        response: { 200: ref(NoteList), ...problems(400, 401) },
      },
    },
    async (request) => service.list(currentUser(request).userId, request.query),
  );
};

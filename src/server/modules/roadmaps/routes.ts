// Public reads of the catalog. Each handler calls one service function; rules live there.
// `config: sharedCache` lets shared caches keep their anonymous answers (plugins/cache-control.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { etagMatches } from '../../http/etag.ts';
import { problems, ref } from '../../http/schemas.ts';
import {
  AuthoringState,
  DocumentQuery,
  ListQuery,
  RoadmapDocument,
  RoadmapList,
  RoadmapParams,
  SearchQuery,
  SearchResults,
  StepDetail,
  StepParams,
} from './schemas.ts';
import Type from 'typebox';
import { access, actorOf } from '../../plugins/auth.ts';
import { sharedCache } from '../../plugins/cache-control.ts';
import type { AuthoringService } from './authoring.ts';
import type { RoadmapService } from './service.ts';

const tags = ['Roadmaps'];

export const roadmapRoutes: FastifyPluginAsyncTypebox<{
  service: RoadmapService;
  authoring: AuthoringService;
}> = async (app, { service, authoring }) => {
  app.get(
    '/api/v1/roadmaps',
    {
      config: sharedCache,
      schema: {
        security: access.public,
        tags,
        summary: 'List published roadmaps',
        description:
          'Cursor-paginated, in slug order. `q` keeps the roadmaps whose title, summary or steps match.',
        querystring: ListQuery,
        response: { 200: ref(RoadmapList), ...problems(400) },
      },
    },
    async (request) => service.list(request.query),
  );

  app.get(
    '/api/v1/roadmaps/:slug',
    {
      config: sharedCache,
      schema: {
        security: access.optional,
        tags,
        summary: 'Get a roadmap document',
        description:
          'The whole published roadmap: layers with their steps in order, milestones, comparison tables, FAQ. ' +
          'Carries an `ETag`; send it back in `If-None-Match` to get `304 Not Modified` while it is unchanged. ' +
          'With `?version=draft` (its authors and admins, signed in): the draft being edited, as an `AuthoringState`, whose ETag goes in `If-Match` when saving. A slug the roadmap had before it was renamed answers 301 to its current address.',
        params: RoadmapParams,
        querystring: DocumentQuery,
        headers: {
          type: 'object',
          properties: {
            'if-none-match': {
              type: 'string',
              format: 'line',
              maxLength: 2000,
              description: 'An ETag from an earlier answer.',
            },
          },
        },
        response: {
          200: Type.Union([ref(RoadmapDocument), ref(AuthoringState)]),
          301: { type: 'null', description: 'The roadmap was renamed: `Location` is its current address.' },
          304: { type: 'null', description: 'Not modified: the ETag you sent is current.' },
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      if (request.query.version === 'draft') {
        const draft = await authoring.getDraft(actorOf(request), request.params.slug);
        reply.header('etag', draft.etag);
        return sendJsonBytes(reply, Buffer.from(JSON.stringify(draft)));
      }
      const doc = await service.getDocument(request.params.slug);
      if ('movedTo' in doc) return reply.redirect(`/api/v1/roadmaps/${encodeURIComponent(doc.movedTo)}`, 301);
      reply.header('etag', doc.etag);
      if (etagMatches(request.headers['if-none-match'], doc.etag)) return reply.code(304).send(null);
      return sendJsonBytes(reply, doc.bytes);
    },
  );

  app.get(
    '/api/v1/roadmaps/:slug/steps/:stepSlug',
    {
      config: sharedCache,
      schema: {
        security: access.public,
        tags,
        summary: 'Get one step with its body',
        description:
          '`body` is the Markdown source; `bodyHtml` is rendered and sanitized on the server. A slug the step had in an earlier published version, or one its roadmap had before a rename, answers 301 to its current address, so shared links survive a rename.',
        params: StepParams,
        response: {
          200: ref(StepDetail),
          301: { type: 'null', description: 'The step was renamed: `Location` is its current address.' },
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const found = await service.getStep(request.params.slug, request.params.stepSlug);
      if ('movedTo' in found) {
        const { roadmapSlug, stepSlug } = found.movedTo;
        return reply.redirect(
          `/api/v1/roadmaps/${encodeURIComponent(roadmapSlug)}/steps/${encodeURIComponent(stepSlug)}`,
          301,
        );
      }
      return found;
    },
  );

  app.get(
    '/api/v1/search',
    {
      config: sharedCache,
      schema: {
        security: access.public,
        tags,
        summary: 'Search roadmaps and steps',
        description:
          'Full-text search over titles, summaries and step bodies of published roadmaps, best match first.',
        querystring: SearchQuery,
        response: { 200: ref(SearchResults), ...problems(400) },
      },
    },
    async (request) => service.search(request.query.q, request.query.limit),
  );
};

/**
 * Sends JSON that is already serialized (the cached document) as-is. The route's 200 schema
 * still documents its shape; serializing it again on every request is what the cache avoids.
 */
function sendJsonBytes(reply: FastifyReply, json: Buffer) {
  return reply.type('application/json; charset=utf-8').send(json);
}

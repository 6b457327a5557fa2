// Authoring routes: thin handlers over the authoring service. Document bodies are validated by
// the service (attachValidation), so that a bad document gets every problem listed at once —
// shape and cross-field rules together — with its JSON Pointer under /body.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyError, FastifyRequest } from 'fastify';
import { problems, ref } from '../../http/schemas.ts';
import { access, currentUser } from '../../plugins/auth.ts';
import type { AuthoringService } from './authoring.ts';
import {
  AuthoredList,
  AuthoringState,
  ForkBody,
  PublishResult,
  RoadmapDocument,
  RoadmapParams,
  RoadmapSourceBody,
  RenameBody,
  VersionList,
  VersionParams,
  VersionSource,
} from './schemas.ts';

const tags = ['Authoring'];

/** Validation problems of the path or query still stop the request; the body's go to the service. */
function rejectNonBodyProblems(request: FastifyRequest) {
  const error = request.validationError as FastifyError | undefined;
  if (error && error.validationContext !== 'body') throw error;
}

export const authoringRoutes: FastifyPluginAsyncTypebox<{ service: AuthoringService }> = async (
  app,
  { service },
) => {
  app.get(
    '/api/v1/me/authored',
    {
      schema: {
        tags,
        summary: 'The roadmaps you can edit',
        description: 'Authors: the roadmaps they created, with draft/published state. Admins: all.',
        security: access.signedIn,
        response: { 200: ref(AuthoredList), ...problems(401, 403) },
      },
    },
    async (request) => service.list(currentUser(request)),
  );

  app.post(
    '/api/v1/roadmaps',
    {
      attachValidation: true,
      schema: {
        tags,
        summary: 'Create a roadmap (as a draft)',
        description:
          'Authors and admins. 400 lists every problem of the document; 409 when the slug is taken.',
        security: access.signedIn,
        body: RoadmapSourceBody,
        response: { 201: ref(AuthoringState), ...problems(400, 401, 403, 409) },
      },
    },
    async (request, reply) => {
      const created = await service.create(currentUser(request), request.body);
      return reply
        .code(201)
        .header('etag', created.etag)
        .header('location', `/api/v1/roadmaps/${created.slug}?version=draft`)
        .send(created);
    },
  );

  app.post(
    '/api/v1/roadmaps/preview',
    {
      attachValidation: true,
      schema: {
        tags,
        summary: 'Preview a document without saving it',
        description: 'The reader’s document (positions, rendered and sanitized Markdown) a draft would make.',
        security: access.signedIn,
        body: RoadmapSourceBody,
        response: { 200: ref(RoadmapDocument), ...problems(400, 401, 403) },
      },
    },
    async (request) => service.preview(currentUser(request), request.body),
  );

  app.put(
    '/api/v1/roadmaps/:slug',
    {
      attachValidation: true,
      schema: {
        tags,
        summary: 'Replace the draft',
        description:
          'Needs `If-Match` with the ETag of the draft you edited: without it 428, when someone saved in between 412. Readers see nothing until you publish.',
        security: access.signedIn,
        params: RoadmapParams,
        headers: {
          type: 'object',
          properties: { 'if-match': { type: 'string', format: 'line', maxLength: 500 } },
        },
        body: RoadmapSourceBody,
        response: { 200: ref(AuthoringState), ...problems(400, 401, 403, 404, 412, 428) },
      },
    },
    async (request, reply) => {
      rejectNonBodyProblems(request);
      const saved = await service.replaceDraft(
        currentUser(request),
        request.params.slug,
        request.body,
        request.headers['if-match'],
      );
      return reply.header('etag', saved.etag).send(saved);
    },
  );

  app.post(
    '/api/v1/roadmaps/:slug/publish',
    {
      schema: {
        tags,
        summary: 'Publish the draft as a new version',
        description:
          'Readers on every instance see the new version at once (new ETag). Learners keep their progress: it belongs to the steps’ permanent ids.',
        security: access.signedIn,
        params: RoadmapParams,
        response: { 200: ref(PublishResult), ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request) => service.publish(currentUser(request), request.params.slug),
  );

  app.post(
    '/api/v1/roadmaps/:slug/rename',
    {
      schema: {
        tags,
        summary: 'Give a roadmap a new slug (its address)',
        description:
          'The old slug answers 301 to the new one from then on, for the document and its steps, so shared links and bookmarks keep working. Learners keep their progress (it belongs to the roadmap, not its slug). The slug taken by another roadmap → 409; a bundled roadmap (from a content file) → 409: rename it in its file.',
        security: access.signedIn,
        params: RoadmapParams,
        body: RenameBody,
        response: { 200: ref(AuthoringState), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request) => service.rename(currentUser(request), request.params.slug, request.body.slug),
  );

  app.delete(
    '/api/v1/roadmaps/:slug',
    {
      schema: {
        tags,
        summary: 'Delete a roadmap',
        description:
          'Gone for readers at once. Learners’ progress on it is kept (and in their export) until they delete it.',
        security: access.signedIn,
        params: RoadmapParams,
        response: { 204: { type: 'null', description: 'Deleted.' }, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await service.remove(currentUser(request), request.params.slug);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/roadmaps/:slug/versions',
    {
      schema: {
        security: access.public,
        tags: ['Roadmaps'],
        summary: 'The published versions of a roadmap',
        description: 'Newest first. Every published version is kept.',
        params: RoadmapParams,
        response: { 200: ref(VersionList), ...problems(400, 404) },
      },
    },
    async (request) => service.versions(request.params.slug),
  );

  app.get(
    '/api/v1/roadmaps/:slug/versions/:version',
    {
      schema: {
        tags,
        summary: 'The source of one published version',
        description:
          'The document as authored when that version was published, for comparing versions and restoring one as the draft (PUT it back). Its authors and admins only: 404 to everyone else, and for a version that does not exist.',
        security: access.signedIn,
        params: VersionParams,
        response: { 200: ref(VersionSource), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.version(currentUser(request), request.params.slug, request.params.version),
  );

  app.post(
    '/api/v1/roadmaps/:slug/fork',
    {
      schema: {
        tags,
        summary: 'Fork a published roadmap into a new draft',
        description:
          'Authors and admins: copies the published version under a new `slug` and `title` into a draft of your own, giving every step a new permanent id (step ids are never shared between roadmaps, so learners’ progress stays with the original). 404 when there is no published roadmap of that slug; 409 when the new slug is taken.',
        security: access.signedIn,
        params: RoadmapParams,
        body: ref(ForkBody),
        response: { 201: ref(AuthoringState), ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const created = await service.fork(currentUser(request), request.params.slug, request.body);
      return reply
        .code(201)
        .header('etag', created.etag)
        .header('location', `/api/v1/roadmaps/${created.slug}?version=draft`)
        .send(created);
    },
  );
};

// Open Badges 3.0 credentials: a learner's own (/api/v1/me/credentials), shared ones
// (/api/v1/credentials/{id}), verification, and the issuer with its key (/api/v1/issuer and the
// did:web document at /.well-known/did.json).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { problems, ref } from '../../http/schemas.ts';
import { access, actorOf, currentUser } from '../../plugins/auth.ts';
import { sharedCache } from '../../plugins/cache-control.ts';
import {
  CredentialList,
  CredentialParams,
  CredentialPatch,
  CredentialSummary,
  IssuerProfile,
  RevokeBody,
  VerifiableCredential,
  VerifyBody,
  VerifyResult,
} from './schemas.ts';
import type { BadgeService } from './service.ts';

const tags = ['Credentials'];
/** A credential is a few kilobytes; a verifier has no use for megabytes of JSON-LD. */
const VERIFY_BODY_LIMIT = 64 * 1024;

export const badgeRoutes: FastifyPluginAsyncTypebox<{ service: BadgeService }> = async (app, { service }) => {
  app.get(
    '/api/v1/me/credentials',
    {
      schema: {
        tags,
        summary: 'Your credentials',
        description:
          'One Open Badges 3.0 credential per milestone you reached and per roadmap whose required steps you finished, issued when you get there (and, at the latest, when you list them).',
        security: access.scoped('profile:read'),
        response: { 200: ref(CredentialList), ...problems(401, 403) },
      },
    },
    async (request) => service.list(currentUser(request).userId),
  );

  app.get(
    '/api/v1/me/credentials/:id',
    {
      schema: {
        tags,
        summary: 'One of your credentials, signed',
        description:
          'The `OpenBadgeCredential` itself: keep it, put it in a wallet, or give it to anyone who wants to check it (POST /api/v1/credentials/verify, or any Data Integrity verifier that resolves did:web).',
        security: access.scoped('profile:read'),
        params: CredentialParams,
        response: { 200: ref(VerifiableCredential), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.document(actorOf(request), request.params.id),
  );

  app.patch(
    '/api/v1/me/credentials/:id',
    {
      schema: {
        tags,
        summary: 'Share a credential, or stop sharing it',
        description: 'Shared, anyone may fetch it at its `url` and it appears on your public profile.',
        security: access.signedIn,
        params: CredentialParams,
        body: CredentialPatch,
        response: { 200: ref(CredentialSummary), ...problems(400, 401, 404, 409) },
      },
    },
    async (request) => service.share(actorOf(request), request.params.id, request.body.public),
  );

  app.post(
    '/api/v1/credentials/:id/revoke',
    {
      schema: {
        tags,
        summary: 'Revoke a credential',
        description:
          'By its holder, or an admin. For good: verification fails from now on, its public URL answers 410, and no second one is issued for the same achievement.',
        security: access.signedIn,
        params: CredentialParams,
        body: RevokeBody,
        response: { 200: ref(CredentialSummary), ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => service.revoke(actorOf(request), request.params.id, request.body.reason),
  );

  app.get(
    '/api/v1/credentials/:id',
    {
      // Not kept by shared caches: a revoked or unshared credential stops being served at once.
      schema: {
        tags,
        summary: 'A shared credential',
        description: 'The signed credential, when its holder shared it; 410 once it is revoked.',
        security: access.public,
        params: CredentialParams,
        response: { 200: ref(VerifiableCredential), ...problems(400, 404, 410) },
      },
    },
    async (request) => service.publicDocument(request.params.id),
  );

  app.post(
    '/api/v1/credentials/verify',
    {
      bodyLimit: VERIFY_BODY_LIMIT,
      schema: {
        tags,
        summary: 'Verify a credential',
        description:
          "Checks its Data Integrity proof (eddsa-rdfc-2022) against this instance's key, without fetching anything, and whether it has been revoked. 200 either way: `verified` says which, `errors` why not. Credentials of other issuers are not checked here.",
        security: access.public,
        body: VerifyBody,
        response: { 200: ref(VerifyResult), ...problems(400, 413) },
      },
    },
    async (request) => service.verify(request.body as Record<string, unknown>),
  );

  app.get(
    '/api/v1/issuer',
    {
      config: sharedCache,
      schema: {
        tags,
        summary: 'Who issues the credentials, and with which key',
        description:
          'The issuer profile every credential names, and its verification method. Every instance of one deployment lists the same key.',
        security: access.public,
        response: { 200: ref(IssuerProfile) },
      },
    },
    async () => service.issuer(),
  );

  app.get(
    '/.well-known/did.json',
    {
      schema: {
        tags,
        summary: "The issuer's DID document (did:web)",
        description: 'What a verifier resolving the issuer’s did:web reads: the Ed25519 key, as a Multikey.',
        security: access.public,
        response: { 200: { type: 'object', additionalProperties: true } },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return service.didDocument();
    },
  );
};

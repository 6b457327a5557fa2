// The OpenAPI 3.1 document, generated from the route schemas, at /api/openapi.json, and an
// interactive reference (Scalar, served from our own node_modules, no CDN) at /api/docs.
import swagger from '@fastify/swagger';
import apiReference from '@scalar/fastify-api-reference';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { openapiWebhooks } from '../modules/webhooks/schemas.ts';

// Scalar boots from an inline script and inline styles; only its own pages get this policy.
const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

async function docs(app: FastifyInstance, options: { publicUrl: string; version: string }) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Waymark API',
        version: options.version,
        description:
          'Learning roadmaps, progress and study habits. Errors are RFC 9457 `application/problem+json`; ' +
          'lists are cursor-paginated (`limit`, `cursor` → `nextCursor`).',
      },
      servers: [{ url: options.publicUrl }],
      webhooks: openapiWebhooks,
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description: 'An access token from /api/v1/auth/login, /signup or /refresh. It lives minutes.',
          },
          personalAccessToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'wmk_…',
            description:
              'A personal access token from POST /api/v1/me/tokens, sent as `Authorization: Bearer wmk_…`. A route takes one only when its security lists the scope, and the token holds it; otherwise 403.',
          },
        },
      },
      tags: [
        { name: 'Roadmaps', description: 'The public catalog: roadmaps, steps and search.' },
        { name: 'Accounts', description: 'Sign-up, sign-in, sessions, password reset, providers.' },
        { name: 'Me', description: 'The signed-in user: profile, progress, study log, stats.' },
        { name: 'Authoring', description: 'Authors write, publish and delete roadmaps.' },
        { name: 'Profiles', description: 'Public profiles that learners chose to share.' },
        {
          name: 'Integrations',
          description:
            'Personal access tokens (`wmk_…`) for your own scripts and tools, with the scopes you choose.',
        },
        { name: 'Admin', description: 'Admin-only operations.' },
        { name: 'Operations', description: 'Health, readiness and metrics for operators.' },
      ],
    },
    // Name components after each schema's $id instead of def-0, def-1…
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(apiReference, {
    routePrefix: '/api/docs',
    // Self-hosted and offline: no fonts or scripts from third parties, no telemetry, and none of
    // the vendor's hosted features (AI agent, MCP, developer toolbar with "Deploy").
    configuration: {
      pageTitle: 'Waymark API reference',
      url: '/api/openapi.json',
      hideClientButton: false,
      withDefaultFonts: false,
      telemetry: false,
      showDeveloperTools: 'never',
      agent: { disabled: true },
      mcp: { disabled: true },
    },
    hooks: {
      onRequest: async (_request, reply) => {
        reply.header('content-security-policy', DOCS_CSP);
      },
    },
  });
}

export default fp(docs, { name: 'docs' });

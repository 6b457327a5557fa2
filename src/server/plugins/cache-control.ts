// Who may keep a copy of an API response: the one place that sets Cache-Control under /api.
//
// Every /api response is `private, no-store` — personal data (everything under /me, auth,
// drafts, authoring, admin), errors and rate-limit refusals are never kept by anyone — unless
// its route declares itself shareable with `config: sharedCache`, and then only when:
//   - the request carries no `Authorization` header: a signed-in caller may get something
//     personal through a public path (`GET /roadmaps/{slug}?version=draft` is the author's
//     draft), and RFC 9111 §3.5 lets a shared cache store an answer to an authorized request
//     once it says `public`; so a signed-in caller's answer is never stored, by anyone;
//   - the answer sets no cookie;
//   - the status is 200, 301 or 304.
// Such an answer says `public, max-age=10, stale-while-revalidate=30`: nginx (deploy/nginx.conf)
// and browsers keep it for 10 seconds, which bounds how long a publish takes to reach readers
// through a cache (the instances themselves forget a changed document at once, via pub/sub).
// It also carries a strong ETag — the route's own (the cached roadmap document), or else a hash
// of the bytes — and a matching `If-None-Match` gets 304, so revalidating costs no body.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { etagMatches } from '../http/etag.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** 'shared': anonymous answers may be kept by shared caches (see plugins/cache-control.ts). */
    cache?: 'shared';
  }
}

/** Route config of a public read whose anonymous answers shared caches may keep. */
export const sharedCache = { cache: 'shared' } as const;

export const MAX_AGE_SECONDS = 10;
export const STALE_WHILE_REVALIDATE_SECONDS = 30;
export const PUBLIC_CACHE_CONTROL = `public, max-age=${MAX_AGE_SECONDS}, stale-while-revalidate=${STALE_WHILE_REVALIDATE_SECONDS}`;
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

const SHAREABLE_STATUS = new Set([200, 301, 304]);

function shareable(request: FastifyRequest, reply: FastifyReply): boolean {
  return (
    request.routeOptions.config?.cache === 'shared' &&
    request.headers.authorization === undefined &&
    !reply.hasHeader('set-cookie') &&
    SHAREABLE_STATUS.has(reply.statusCode)
  );
}

async function cacheControl(app: FastifyInstance) {
  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.url.startsWith('/api/')) return payload;
    if (!shareable(request, reply)) {
      reply.header('cache-control', PRIVATE_CACHE_CONTROL);
      return payload;
    }
    reply.header('cache-control', PUBLIC_CACHE_CONTROL);
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      return payload;
    }
    let etag = reply.getHeader('etag') as string | undefined;
    if (etag === undefined) {
      etag = `"${createHash('sha256').update(payload).digest('base64url').slice(0, 27)}"`;
      reply.header('etag', etag);
    }
    if (etagMatches(request.headers['if-none-match'], etag)) {
      reply.code(304);
      return null;
    }
    return payload;
  });
}

export default fp(cacheControl, { name: 'cache-control' });

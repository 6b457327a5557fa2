// Security headers (CSP, HSTS, nosniff, frame and referrer policies…) as chosen by helmet, and
// the request id, so a client can quote it.
//
// helmet decides *which* headers and values; this plugin only decides *when* they are
// computed. @fastify/helmet runs helmet's middleware on every request, which parses the CSP
// directives each time: on the cached document route that halved throughput (bench: 24.6k vs
// 42k req/s on a bare Fastify route). Our headers do not vary per request (no CSP nonces), so
// helmet runs once here, at start, and each reply gets the finished header set.
// A route replaces a header in its own onRequest hook, which runs after this one (the API
// reference sets its own CSP: plugins/docs.ts).
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Runs helmet's middleware once against a recording response and returns what it set. */
export function helmetHeaders(options: Readonly<HelmetOptions> = {}): Record<string, string> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure;
  return headers;
}

/**
 * helmet's defaults, fitted to where Waymark is served: `upgrade-insecure-requests` and HSTS only
 * behind https (a plain-http LAN install at http://192.168.x.y:3000 must load its own assets), and
 * no `https:` in style-src or font-src (everything is served from here).
 */
export function waymarkHelmetOptions(publicUrl: string): HelmetOptions {
  const https = publicUrl.startsWith('https:');
  return {
    contentSecurityPolicy: {
      directives: {
        'font-src': ["'self'", 'data:'],
        'style-src': ["'self'", "'unsafe-inline'"],
        'upgrade-insecure-requests': https ? [] : null,
      },
    },
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  };
}

async function securityHeaders(app: FastifyInstance, options: { helmet?: HelmetOptions }) {
  const headers = helmetHeaders(options.helmet);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers).header('x-request-id', request.id);
    done();
  });
}

export default fp(securityHeaders, { name: 'security-headers' });

// Serves the built web app (dist/web): hashed assets under /assets with a year of caching, other
// files (robots.txt) as they are, and index.html — never cached — for every other GET that is
// not the API, so the app's own routes (/roadmaps/…, /dashboard) work on reload. The fallback
// lives in the not-found handler (plugins/error-handling.ts), so /api/* stays problem+json.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

declare module 'fastify' {
  interface FastifyInstance {
    /** index.html of the web app, or null when it was not built. */
    webIndex: Buffer | null;
  }
}

async function web(app: FastifyInstance, options: { dir: string }) {
  const index = path.join(options.dir, 'index.html');
  if (!existsSync(index)) {
    app.decorate('webIndex', null);
    app.log.warn(
      `No web app in ${options.dir}: run \`npm run build\` (npm ci does it). Serving the API only.`,
    );
    return;
  }
  app.decorate('webIndex', readFileSync(index));
  await app.register(fastifyStatic, {
    root: options.dir,
    wildcard: false, // one route per built file; everything else falls through to the app
    index: false,
    serveDotFiles: false,
    preCompressed: true, // .br / .gz made at build time (scripts/web-budget.ts)
    allowedPath: (pathname) =>
      !pathname.startsWith('/.vite/') && pathname !== '/index.html' && !/\.(br|gz)$/.test(pathname),
    setHeaders(reply, file) {
      reply.header(
        'cache-control',
        file.includes(`${path.sep}assets${path.sep}`)
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=3600',
      );
    },
  });
}

export default fp(web, { name: 'web' });

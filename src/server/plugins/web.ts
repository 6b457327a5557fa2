// Serves the built web app (dist/web): hashed assets under /assets with a year of caching, other
// files (robots.txt) as they are, and index.html — never cached — for every other GET that is
// not the API, so the app's own routes (/roadmaps/…, /dashboard) work on reload. The fallback
// lives in the not-found handler (plugins/error-handling.ts), so /api/* stays problem+json.
// index.html goes out brotli- or gzip-compressed (made at build time) with a Link header that
// starts, with the page, what its first render needs and would otherwise ask for only after the
// app's JavaScript ran: the page's own lazy chunk (modulepreload) and its public data (preload).
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

declare module 'fastify' {
  interface FastifyInstance {
    /** index.html of the web app, or null when it was not built. */
    webIndex: Buffer | null;
    /** Sends index.html (compressed when the client accepts it) for the app page at `request.url`. */
    sendWebIndex(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  }
}

type Manifest = Record<string, { file: string; imports?: string[]; isEntry?: boolean }>;

/** The app's pages whose first render needs a lazy chunk or public data: path → what to preload. */
const PAGES: { pattern: RegExp; chunks?: string[]; data?: (match: RegExpExecArray) => string }[] = [
  {
    pattern: /^\/roadmaps\/([a-z0-9-]+)\/?$/,
    chunks: ['components/Forecast.tsx'],
    data: (m) => `/api/v1/roadmaps/${m[1]}`,
  },
  { pattern: /^\/$/, chunks: ['pages/Catalog.tsx'], data: () => '/api/v1/roadmaps?limit=100' },
  { pattern: /^\/dashboard\/?$/, chunks: ['pages/Dashboard.tsx'] },
  {
    pattern: /^\/roadmaps\/([a-z0-9-]+)\/steps\/([a-z0-9-]+)\/?$/,
    chunks: ['pages/Step.tsx'],
    data: (m) => `/api/v1/roadmaps/${m[1]}/steps/${m[2]}`,
  },
];

/** The Link header for each page of PAGES: its chunk and the chunks it imports that index.html does not. */
function preloadLinks(dir: string) {
  const file = path.join(dir, '.vite', 'manifest.json');
  const manifest: Manifest = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : {};
  const graph = (key: string, into = new Set<string>()) => {
    if (!manifest[key] || into.has(key)) return into;
    into.add(key);
    for (const dep of manifest[key].imports ?? []) graph(dep, into);
    return into;
  };
  const entry = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  const initial = entry ? graph(entry) : new Set<string>();
  return PAGES.map(({ pattern, chunks = [], data }) => {
    const needed = new Set<string>();
    for (const chunk of chunks) graph(chunk, needed);
    const modules = [...needed]
      .filter((k) => !initial.has(k))
      .map((k) => `</${manifest[k]!.file}>; rel=modulepreload`);
    return {
      pattern,
      links: (match: RegExpExecArray) =>
        [...modules, ...(data ? [`<${data(match)}>; rel=preload; as=fetch; crossorigin`] : [])].join(', '),
    };
  });
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
  const html = readFileSync(index);
  const compressed = {
    br: existsSync(`${index}.br`) ? readFileSync(`${index}.br`) : null,
    gzip: existsSync(`${index}.gz`) ? readFileSync(`${index}.gz`) : null,
  };
  const pages = preloadLinks(options.dir);
  app.decorate('webIndex', html);
  app.decorate('sendWebIndex', (request: FastifyRequest, reply: FastifyReply) => {
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding');
    const pathname = request.url.split('?')[0] ?? '/';
    for (const page of pages) {
      const match = page.pattern.exec(pathname);
      if (match) {
        const links = page.links(match);
        if (links) reply.header('link', links);
        break;
      }
    }
    const accepted = String(request.headers['accept-encoding'] ?? '')
      .split(',')
      .map((part) => part.split(';').map((s) => s.trim()))
      .filter(([, ...params]) => !params.some((p) => /^q=0(\.0*)?$/.test(p)))
      .map(([name]) => name);
    const encoding = (['br', 'gzip'] as const).find((e) => compressed[e] && accepted.includes(e));
    if (!encoding) return reply.send(html);
    return reply.header('content-encoding', encoding).send(compressed[encoding]);
  });
  // /index.html is the same page as every other app URL (not a file to cache).
  app.get('/index.html', { schema: { hide: true } }, async (request, reply) =>
    app.sendWebIndex(request, reply),
  );
  await app.register(fastifyStatic, {
    root: options.dir,
    wildcard: false, // one route per built file; everything else falls through to the app
    index: false,
    serveDotFiles: false,
    preCompressed: true, // .br / .gz made at build time (scripts/web-budget.ts)
    // index.html is the app's own page (below); its compressed twins are served in its place.
    globIgnore: ['index.html', '.vite/**', '**/*.br', '**/*.gz'],
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

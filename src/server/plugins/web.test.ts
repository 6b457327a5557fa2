import Fastify from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import web from './web.ts';

// A built web app in miniature: index.html with its compressed twins and Vite's manifest.
const dir = mkdtempSync(path.join(os.tmpdir(), 'waymark-web-'));
const html = '<!doctype html><title>Waymark</title>';
const app = Fastify();

beforeAll(async () => {
  writeFileSync(path.join(dir, 'index.html'), html);
  writeFileSync(path.join(dir, 'index.html.br'), brotliCompressSync(html));
  writeFileSync(path.join(dir, 'index.html.gz'), gzipSync(html));
  mkdirSync(path.join(dir, '.vite'));
  writeFileSync(
    path.join(dir, '.vite', 'manifest.json'),
    JSON.stringify({
      'index.html': { file: 'assets/index-1.js', isEntry: true, imports: ['_api.js'] },
      '_api.js': { file: 'assets/api-1.js' },
      'pages/Dashboard.tsx': {
        file: 'assets/Dashboard-1.js',
        imports: ['index.html', '_api.js', '_timer.js'],
      },
      '_timer.js': { file: 'assets/timer-1.js' },
      'components/Forecast.tsx': { file: 'assets/Forecast-1.js', imports: ['index.html'] },
    }),
  );
  await app.register(web, { dir });
  app.setNotFoundHandler((request, reply) => app.sendWebIndex(request, reply));
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the web app page', () => {
  it('goes out brotli-compressed when the browser takes it, gzip next, else as it is; never cached', async () => {
    const br = await app.inject({ url: '/roadmaps/x', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/);
    expect(br.headers['cache-control']).toBe('no-cache');
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(html);
    const gz = await app.inject({ url: '/dashboard', headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    const plain = await app.inject({ url: '/index.html' });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(html);
  });

  it("starts what the page's first render needs: its lazy chunks and its public data", async () => {
    const roadmap = await app.inject({ url: '/roadmaps/backend-developer' });
    expect(roadmap.headers.link).toBe(
      '</assets/Forecast-1.js>; rel=modulepreload, </api/v1/roadmaps/backend-developer>; rel=preload; as=fetch; crossorigin',
    );
    const dashboard = await app.inject({ url: '/dashboard' });
    // Not the chunks index.html loads anyway (api-1.js).
    expect(dashboard.headers.link).toBe(
      '</assets/Dashboard-1.js>; rel=modulepreload, </assets/timer-1.js>; rel=modulepreload',
    );
    expect((await app.inject({ url: '/settings' })).headers.link).toBeUndefined();
  });
});

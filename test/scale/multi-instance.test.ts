// Waymark scaled out, for real: two server processes sharing PostgreSQL and a Redis of their
// own (so this test may stop and start it), behind nginx as the load balancer.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '../../src/server/db/client.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { MAX_AGE_SECONDS } from '../../src/server/plugins/cache-control.ts';
import { createTestDatabase } from '../helpers/db.ts';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.ts';
import {
  childEnv,
  freePort,
  processes,
  ROOT,
  run,
  runToEnd,
  SERVER,
  waitForOk,
  type Running,
} from '../helpers/process.ts';
import { tempDirs } from '../helpers/temp.ts';

if (!process.env.DATABASE_URL) throw new Error('The multi-instance test needs DATABASE_URL (PostgreSQL).');

const tempDir = tempDirs('waymark-scale-');
const keys = generateKeyPair();
const admin = { email: 'scale-admin@example.com', password: 'the scale admin passphrase' };
let db: Awaited<ReturnType<typeof createTestDatabase>>;
let redis: RedisServer;
let nginx: Running;
let a: Running;
let b: Running;
let portA: number;
let portB: number;
let lb: string;
let env: NodeJS.ProcessEnv;
let nginxPrefix: string;

function startWaymark(port: number) {
  return run(SERVER, { ...env, PORT: String(port) });
}

async function json<T>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

/** How many requests of `method route` answered with `status` the instance on `port` has served. */
async function served(port: number, method: string, route: string, status: number) {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.text());
  const line = `http_request_duration_seconds_count{method="${method}",route="${route}",status_code="${status}"} `;
  const found = text.split('\n').find((l) => l.startsWith(line));
  return found ? Number(found.slice(line.length)) : 0;
}

async function login(base: string) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(admin),
  });
  expect(res.status).toBe(200);
  return { authorization: `Bearer ${(await json<{ accessToken: string }>(res)).accessToken}` };
}

beforeAll(async () => {
  db = await createTestDatabase();
  redis = await startRedisServer();
  [portA, portB] = [await freePort(), await freePort()];
  const nginxPort = await freePort();
  lb = `http://127.0.0.1:${nginxPort}`;
  env = childEnv({
    DATABASE_URL: db.url!,
    REDIS_URL: redis.url,
    PUBLIC_URL: lb,
    TRUST_PROXY: '127.0.0.1',
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
    RATE_LIMIT_PER_MINUTE: '0',
    AUTH_RATE_LIMIT_PER_MINUTE: '0',
    LOGIN_FAILURES_PER_15_MINUTES: '4',
    WAYMARK_DATA_DIR: await tempDir(),
  });
  const made = await runToEnd(['bin/waymark.js', 'user', 'create-admin', '--email', admin.email], {
    ...env,
    WAYMARK_ADMIN_PASSWORD: admin.password,
  });
  expect(made.code, made.output).toBe(0);
  a = startWaymark(portA);
  b = startWaymark(portB);
  await Promise.all([
    waitForOk(`http://127.0.0.1:${portA}/readyz`, a),
    waitForOk(`http://127.0.0.1:${portB}/readyz`, b),
  ]);

  // nginx, configured from the template in the repo.
  const prefix = await tempDir(); // nginx's prefix: its config, logs and temp files
  nginxPrefix = prefix;
  // nginx's workers (nobody, when the test runs as root) must reach the cache directory in it.
  await chmod(prefix, 0o755);
  const template = await readFile(path.join(ROOT, 'test/scale/nginx.conf.template'), 'utf8');
  const conf = template
    .replaceAll('{{PREFIX}}', prefix)
    .replace('{{PORT}}', String(nginxPort))
    .replace('{{UPSTREAM_A}}', `127.0.0.1:${portA}`)
    .replace('{{UPSTREAM_B}}', `127.0.0.1:${portB}`);
  await writeFile(path.join(prefix, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  nginx = { child, output: () => output, exited: new Promise((r) => child.on('exit', r)) };
  await waitForOk(`${lb}/readyz`, nginx);
});

afterAll(async () => {
  for (const p of [a, b, nginx]) p?.child.kill('SIGTERM');
  await Promise.all([a, b, nginx].map((p) => p?.exited));
  await redis?.stop();
  await db?.close();
});

describe('two instances behind nginx', () => {
  it('a publish through A is served by B within a second, with a new ETag', async () => {
    const A = `http://127.0.0.1:${portA}`;
    const B = `http://127.0.0.1:${portB}`;
    const before = await fetch(`${B}/api/v1/roadmaps/git-essentials`);
    const etag = before.headers.get('etag');
    const auth = await login(A);
    const draft = await fetch(`${A}/api/v1/roadmaps/git-essentials?version=draft`, { headers: auth });
    const { document } = await json<{ document: Record<string, unknown> }>(draft);
    const saved = await fetch(`${A}/api/v1/roadmaps/git-essentials`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json', 'if-match': draft.headers.get('etag')! },
      body: JSON.stringify({ ...document, summary: 'Published through instance A.' }),
    });
    expect(saved.status).toBe(200);
    const published = await fetch(`${A}/api/v1/roadmaps/git-essentials/publish`, {
      method: 'POST',
      headers: auth,
    });
    expect(published.status).toBe(200);
    const deadline = Date.now() + 1000;
    let seen: { summary?: string } = {};
    let seenTag: string | null = null;
    while (Date.now() < deadline) {
      const res = await fetch(`${B}/api/v1/roadmaps/git-essentials`);
      seen = await json(res);
      seenTag = res.headers.get('etag');
      if (seen.summary === 'Published through instance A.') break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(seen.summary).toBe('Published through instance A.');
    expect(seenTag).not.toBe(etag);
  });

  it("serves a public document from nginx's cache, fresh within max-age after a publish", async () => {
    const url = `${lb}/api/v1/roadmaps/git-essentials`;
    const first = await fetch(url);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe(
      `public, max-age=${MAX_AGE_SECONDS}, stale-while-revalidate=30`,
    );
    const { summary: before } = await json<{ summary: string }>(first);
    const second = await fetch(url);
    expect(second.headers.get('x-cache-status')).toBe('HIT');
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    await second.arrayBuffer();
    // nginx answers a revalidation from its cache too
    const revalidated = await fetch(url, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(revalidated.status).toBe(304);

    // Publish a change through A, directly (not through the cache).
    const A = `http://127.0.0.1:${portA}`;
    const auth = await login(A);
    const draft = await fetch(`${A}/api/v1/roadmaps/git-essentials?version=draft`, { headers: auth });
    const { document } = await json<{ document: Record<string, unknown> }>(draft);
    const changed = `Cached, then published at ${Date.now()}.`;
    const saved = await fetch(`${A}/api/v1/roadmaps/git-essentials`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json', 'if-match': draft.headers.get('etag')! },
      body: JSON.stringify({ ...document, summary: changed }),
    });
    expect(saved.status).toBe(200);
    const published = await fetch(`${A}/api/v1/roadmaps/git-essentials/publish`, {
      method: 'POST',
      headers: auth,
    });
    expect(published.status).toBe(200);
    const publishedAt = Date.now();

    // Through nginx: the old copy while it is fresh, the new one within the bound.
    const seen: { at: number; summary: string; cache: string | null }[] = [];
    const bound = MAX_AGE_SECONDS * 1000 + 1000; // max-age, plus one upstream round trip and slack
    while (Date.now() - publishedAt < bound) {
      const res = await fetch(url);
      const body = await json<{ summary: string }>(res);
      seen.push({
        at: Date.now() - publishedAt,
        summary: body.summary,
        cache: res.headers.get('x-cache-status'),
      });
      if (body.summary === changed) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const detail = JSON.stringify({ before, seen: seen.slice(0, 3), last: seen.at(-1) });
    expect(seen.at(-1)?.summary, detail).toBe(changed);
    // the cache did serve the old copy after the publish (it is a cache), and only from the cache
    expect(
      seen.filter((s) => s.summary !== changed).every((s) => s.cache === 'HIT' || s.cache === 'UPDATING'),
      detail,
    ).toBe(true);
    const after = await fetch(url);
    expect(after.headers.get('x-cache-status')).toBe('HIT');
    expect((await json<{ summary: string }>(after)).summary).toBe(changed);
  });

  it('never serves an authenticated answer from the cache, to anyone', async () => {
    const signup = async (name: string) => {
      const res = await fetch(`${lb}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: `${name}-${randomUUID()}@example.com`,
          password: 'a caching passphrase',
          displayName: name,
        }),
      });
      expect(res.status).toBe(201);
      const body = await json<{ accessToken: string; user: { email: string } }>(res);
      return { email: body.user.email, headers: { authorization: `Bearer ${body.accessToken}` } };
    };
    const [ann, bob] = [await signup('ann'), await signup('bob')];
    for (let round = 0; round < 3; round++) {
      for (const who of [ann, bob]) {
        const res = await fetch(`${lb}/api/v1/me`, { headers: who.headers });
        expect(res.status).toBe(200);
        expect(res.headers.get('cache-control')).toBe('private, no-store');
        expect(res.headers.get('x-cache-status')).toBe('BYPASS');
        expect((await json<{ email: string }>(res)).email).toBe(who.email);
      }
    }
    // Anonymous, the same URL is a 401, not someone's profile.
    const anonymous = await fetch(`${lb}/api/v1/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-cache-status')).not.toBe('HIT');

    // A public document asked for with Authorization: answered, never from the cache, never stored.
    const url = `${lb}/api/v1/roadmaps/backend-developer`;
    await (await fetch(url)).arrayBuffer();
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url, { headers: ann.headers });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('private, no-store');
      expect(res.headers.get('x-cache-status')).toBe('BYPASS');
      await res.arrayBuffer();
    }
    // The author's draft through the public path is theirs only: anonymous gets 401, not a cached draft.
    const adminAuth = await login(lb);
    const draft = await fetch(`${url}?version=draft`, { headers: adminAuth });
    expect(draft.status).toBe(200);
    expect(draft.headers.get('x-cache-status')).toBe('BYPASS');
    await draft.arrayBuffer();
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}?version=draft`);
      expect(res.status).toBe(401);
      expect(res.headers.get('x-cache-status')).not.toBe('HIT');
      await res.arrayBuffer();
    }
  });

  it('a progress write taken by A reaches an event stream held by B', async () => {
    const signup = await fetch(`http://127.0.0.1:${portA}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: 'streamer@example.com',
        password: 'a streaming passphrase',
        displayName: 'S',
      }),
    });
    const { accessToken } = await json<{ accessToken: string }>(signup);
    const auth = { authorization: `Bearer ${accessToken}` };
    const controller = new AbortController();
    const stream = await fetch(`http://127.0.0.1:${portB}/api/v1/me/events`, {
      headers: auth,
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    await reader.read(); // connected
    await fetch(`http://127.0.0.1:${portA}/api/v1/me/roadmaps/backend-developer/steps/rest-apis`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'done' }),
    });
    const deadline = Date.now() + 2000;
    while (!text.includes('event: progress') && Date.now() < deadline) {
      const { value } = await Promise.race([
        reader.read(),
        new Promise<{ value: string }>((r) => setTimeout(() => r({ value: '' }), 200)),
      ]);
      text += value ?? '';
    }
    controller.abort();
    expect(text).toMatch(/event: progress\ndata: \{[^\n]*"stepSlug":"rest-apis"[^\n]*"status":"done"/);
  });

  it('shares the failed-login limit: failures split across A and B reach 429 at the limit', async () => {
    const attempt = (port: number) =>
      fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: admin.email, password: 'not the admin password at all' }),
      }).then((r) => r.status);
    const statuses = [];
    for (const port of [portA, portB, portA, portB, portA]) statuses.push(await attempt(port));
    expect(statuses).toEqual([401, 401, 401, 401, 429]);
  });

  it('keeps serving reads while Redis is down, and recovers when it is back', async () => {
    await redis.kill();
    // Straight to the instances: through nginx these would be answered from its cache.
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${i % 2 ? portB : portA}/api/v1/roadmaps/backend-developer`);
      expect(res.status).toBe(200);
    }
    const degraded = await fetch(`${lb}/readyz`);
    expect(degraded.status).toBe(200);
    expect((await json<{ checks: Record<string, string> }>(degraded)).checks.redis).toBe('down');

    await redis.start();
    for (const port of [portA, portB]) {
      const deadline = Date.now() + 10_000;
      let state = '';
      while (Date.now() < deadline) {
        state = (
          await json<{ checks: Record<string, string> }>(await fetch(`http://127.0.0.1:${port}/readyz`))
        ).checks.redis!;
        if (state === 'up') break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(state).toBe('up');
    }
    // Pub/sub works again: a change through A reaches B.
    const auth = await login(`http://127.0.0.1:${portA}`);
    const del = await fetch(`http://127.0.0.1:${portA}/api/v1/roadmaps/linux-command-line`, {
      method: 'DELETE',
      headers: auth,
    });
    expect(del.status).toBe(204);
    await expect
      .poll(
        async () => (await fetch(`http://127.0.0.1:${portB}/api/v1/roadmaps/linux-command-line`)).status,
        {
          timeout: 2000,
          interval: 50,
        },
      )
      .toBe(404);
  });

  it(
    'loses no request, read or write, when A gets SIGTERM under load',
    { timeout: processes(2) },
    async () => {
      const email = `writer-${randomUUID()}@example.com`;
      const signup = await fetch(`${lb}/api/v1/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'a writing passphrase', displayName: 'W' }),
      });
      const { accessToken } = await json<{ accessToken: string }>(signup);

      // Reads: autocannon through nginx. It writes its next request as soon as a response is in,
      // without heeding `Connection: close`; nginx ends a client connection after 1000 requests
      // (keepalive_requests) and answers the request already sent with a reset, which autocannon
      // counts as an error (read ECONNRESET) — a client-side artefact, seen without any SIGTERM, and
      // the "rare failed request" this test used to report. So each autocannon connection leaves
      // after 500 requests of its own accord. It runs until stopped below; `duration` only bounds it.
      let reads!: autocannon.Instance;
      const readsDone = new Promise<autocannon.Result>((resolve, reject) => {
        reads = autocannon(
          {
            url: `${lb}/api/v1/roadmaps/backend-developer`,
            // Signed in, so nginx passes every read to an instance rather than its cache.
            headers: { authorization: `Bearer ${accessToken}` },
            connections: 20,
            duration: 300,
            reconnectRate: 500,
          },
          (err, result) => (err ? reject(err) : resolve(result)),
        );
      });
      const readErrors: string[] = [];
      reads.on('reqError', (err: NodeJS.ErrnoException) => readErrors.push(err.code ?? err.message));

      // Writes: nginx never passes a failed POST to B (it is not idempotent), so a write that A's
      // shutdown drops reaches the client as a 502 or a reset. Plain fetch, which heeds the header.
      let loading = true;
      const writes: Record<string, number> = {};
      const writer = async () => {
        while (loading) {
          let outcome: string;
          try {
            const res = await fetch(`${lb}/api/v1/me/study-sessions`, {
              method: 'POST',
              headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
              body: JSON.stringify({ minutes: 1 }),
            });
            await res.arrayBuffer();
            outcome = String(res.status);
          } catch (err) {
            outcome = String((err as Error).cause ?? err);
          }
          writes[outcome] = (writes[outcome] ?? 0) + 1;
        }
      };
      const writers = Promise.all(Array.from({ length: 8 }, writer));

      // SIGTERM once A has been in service for a while, as an instance is in a rolling restart:
      // nginx has opened the connections it needs to A by then. (One it opens in the very turn of
      // A's event loop in which A stops listening is reset by the kernel; docs/ARCHITECTURE.md,
      // "Scale-out", says why nothing in A can prevent that.) Then keep the load on until A has
      // exited and B has taken more writes.
      await expect
        .poll(
          async () =>
            Math.min(
              (await served(portA, 'GET', '/api/v1/roadmaps/:slug', 200)) / 20,
              await served(portA, 'POST', '/api/v1/me/study-sessions', 201),
            ),
          { timeout: 60_000, interval: 100 },
        )
        .toBeGreaterThan(100);
      a.child.kill('SIGTERM');
      const code = await a.exited;
      const shutdownOutput = a.output();
      const writtenAtExit = writes['201'] ?? 0;
      await expect
        .poll(() => writes['201'] ?? 0, { timeout: 30_000, interval: 50 })
        .toBeGreaterThan(writtenAtExit + 20);
      reads.stop();
      loading = false;
      const [readResult] = await Promise.all([readsDone, writers]);
      a = startWaymark(portA);
      await waitForOk(`http://127.0.0.1:${portA}/readyz`, a);

      const [{ n: rows } = { n: -1 }] = await queryRows<{ n: number }>(
        db.primary,
        sql`select count(*)::int as n from study_sessions s join users u on u.id = s.user_id where u.email = ${email}`,
      );
      const nginxLog = await readFile(path.join(nginxPrefix, 'error.log'), 'utf8').catch(() => '');
      const detail = JSON.stringify(
        {
          reads: {
            total: readResult.requests.total,
            errors: readResult.errors,
            timeouts: readResult.timeouts,
            non2xx: readResult.non2xx,
            statuses: readResult.statusCodeStats,
            readErrors,
          },
          writes,
          rows,
          shutdownOutput: shutdownOutput.slice(-2000),
          nginxErrors: nginxLog.slice(-3000),
        },
        null,
        2,
      );
      expect(code, detail).toBe(0);
      expect(readResult.requests.total, detail).toBeGreaterThan(1000);
      expect(readResult.errors + readResult.timeouts + readResult.non2xx, detail).toBe(0);
      expect(Object.keys(writes), detail).toEqual(['201']);
      // Every acknowledged write is stored, once: none lost, none done twice by a retry.
      expect(rows, detail).toBe(writes['201']);
    },
  );
});

// The real server process over a real socket, and the CLI, as a user runs them.
//
// The tests run child processes one after the other, most of them opening PGlite: how long that
// takes depends on the machine and on what else it is doing. So they wait for their processes,
// each bounded by PROCESS_TIMEOUT_MS, and a test's own timeout is that bound times the number
// of processes it runs (`processes(n)`, given per describe block for its longest test).
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import {
  childEnv,
  freePort,
  processes,
  run,
  runToEnd,
  SERVER,
  waitForOk,
  type Running,
} from '../helpers/process.ts';
import { tempDirs } from '../helpers/temp.ts';

const CLI = ['bin/waymark.js'];
const tempDir = tempDirs('waymark-e2e-');

/** Until a connection to `port` is refused: the server has stopped listening. */
async function refused(port: number) {
  for (;;) {
    const socket = connect(port, '127.0.0.1');
    const code = await new Promise<string | undefined>((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code));
    });
    socket.destroy();
    if (code === 'ECONNREFUSED') return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('the server process', { timeout: processes(2) }, () => {
  let server: Running;
  let base: string;
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let closeDb: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    const port = await freePort();
    dataDir = await tempDir();
    const extra: Record<string, string> = { PORT: String(port), WAYMARK_DATA_DIR: dataDir };
    if (process.env.DATABASE_URL) {
      const db = await createTestDatabase();
      extra.DATABASE_URL = db.url!;
      await db.ping();
      closeDb = () => db.close();
    }
    env = childEnv(extra);
    base = `http://127.0.0.1:${port}`;
    server = run(SERVER, env);
    await waitForOk(`${base}/readyz`, server);
  }, processes(1));
  afterAll(async () => {
    server.child.kill('SIGKILL');
    await server.exited;
    await closeDb?.();
  });

  it('serves the roadmap document over HTTP with ETag and 304', async () => {
    const res = await fetch(`${base}/api/v1/roadmaps/backend-developer`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { layers: { steps: unknown[] }[] };
    expect(doc.layers.flatMap((l) => l.steps)).toHaveLength(10);
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${base}/api/v1/roadmaps/backend-developer`, {
      headers: { 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it.runIf(!process.env.DATABASE_URL)(
    'refuses to share its PGlite data directory with another process',
    async () => {
      const second = await runToEnd(SERVER, { ...env, PORT: String(await freePort()) });
      expect(second.code).toBe(1);
      expect(second.output).toMatch(/data directory .* is in use by process \d+/);
      const cli = await runToEnd([...CLI, 'content', 'import'], env);
      expect(cli.code).toBe(1);
      expect(cli.output).toMatch(/in use by process/);
    },
  );

  it('stops gracefully on SIGTERM: finishes the request in flight, then exits 0', async () => {
    // Half a request is on the wire when SIGTERM lands: it is in flight, deterministically. The
    // rest follows once the server has stopped listening, i.e. is shutting down.
    const port = Number(new URL(base).port);
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    let response = '';
    socket.on('data', (chunk) => (response += chunk));
    socket.write('GET /api/v1/roadmaps?limit=1 HTTP/1.1\r\nHost: localhost\r\n');
    server.child.kill('SIGTERM');
    await refused(port);
    socket.write('\r\n');
    await once(socket, 'end');
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(response).toMatch(/"slug":"backend-developer"/);
    expect(await server.exited).toBe(0);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});

describe('the waymark CLI', { timeout: processes(16) }, () => {
  it('prints help and fails on unknown commands', async () => {
    const help = await runToEnd([...CLI, '--help'], childEnv({}));
    expect(help.code).toBe(0);
    expect(help.output).toMatch(/content validate \[dir\]/);
    for (const command of [
      ['serve'],
      ['migrate'],
      ['content', 'validate'],
      ['content', 'import'],
      ['content', 'export'],
      ['user', 'create-admin'],
      ['user', 'promote'],
      ['keys'],
      ['jobs', 'list'],
      ['jobs', 'retry'],
    ]) {
      const sub = await runToEnd([...CLI, ...command, '--help'], childEnv({}));
      expect(sub.code).toBe(0);
      expect(sub.output).toMatch(new RegExp(`Usage: waymark ${command.join(' ')}`));
    }
    const unknown = await runToEnd([...CLI, 'frobnicate'], childEnv({}));
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/Unknown command "frobnicate"/);
  });

  it('content validate passes the bundled files and fails a bad file with file, path and reason', async () => {
    const ok = await runToEnd([...CLI, 'content', 'validate'], childEnv({}));
    expect(ok.code).toBe(0);
    expect(ok.output).toMatch(/3 roadmap file\(s\) .* are valid/);
    const dir = await tempDir();
    await writeFile(path.join(dir, 'bad.yaml'), 'slug: bad\ntitle: ""\n');
    const bad = await runToEnd([...CLI, 'content', 'validate', dir], childEnv({}));
    expect(bad.code).toBe(1);
    expect(bad.output).toMatch(/bad\.yaml: \/title must not have fewer than 1 characters/);
    expect(bad.output).toMatch(/bad\.yaml: \/layers is required/);
  });

  it('migrate and content import work on a stopped data directory, and import is idempotent', async () => {
    const dataDir = await tempDir();
    const env = childEnv({ WAYMARK_DATA_DIR: dataDir });
    expect((await runToEnd([...CLI, 'migrate'], env)).code).toBe(0);
    const first = await runToEnd([...CLI, 'content', 'import'], env);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/backend-developer: created \(version 1\)/);
    const second = await runToEnd([...CLI, 'content', 'import'], env);
    expect(second.output).toMatch(/backend-developer: unchanged \(version 1\)/);
    // Export writes the same document back: validating and re-importing it changes nothing.
    const out = path.join(await tempDir(), 'git-essentials.yaml');
    const exported = await runToEnd([...CLI, 'content', 'export', 'git-essentials', '--out', out], env);
    expect(exported.code).toBe(0);
    expect((await runToEnd([...CLI, 'content', 'validate', path.dirname(out)], env)).code).toBe(0);
    const reimport = await runToEnd([...CLI, 'content', 'import', path.dirname(out)], env);
    expect(reimport.output).toMatch(/git-essentials: unchanged \(version 1\)/);
    expect((await runToEnd([...CLI, 'content', 'export', 'nope'], env)).code).toBe(1);
  });

  it('content import refuses the whole directory when one file is invalid', async () => {
    const dataDir = await tempDir();
    const content = path.join(await tempDir(), 'roadmaps');
    await mkdir(content);
    await writeFile(path.join(content, 'bad.yaml'), 'slug: bad\n');
    const result = await runToEnd(
      [...CLI, 'content', 'import', content],
      childEnv({ WAYMARK_DATA_DIR: dataDir }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Nothing was imported/);
  });

  it('user create-admin, user promote and tokens create make accounts and tokens the server then accepts', async () => {
    const dataDir = await tempDir();
    const env = childEnv({ WAYMARK_DATA_DIR: dataDir });
    const weak = await runToEnd(
      [...CLI, 'user', 'create-admin', '--email', 'a@b.io', '--password', 'short'],
      env,
    );
    expect(weak.code).toBe(1);
    expect(weak.output).toMatch(/at least 15 characters/);
    const made = await runToEnd([...CLI, 'user', 'create-admin', '--email', 'Boss@Example.com'], {
      ...env,
      WAYMARK_ADMIN_PASSWORD: 'the admin passphrase',
    });
    expect(made.code).toBe(0);
    expect(made.output).toMatch(/Created admin boss@example.com/);
    const twice = await runToEnd(
      [...CLI, 'user', 'create-admin', '--email', 'boss@example.com', '--password', 'the admin passphrase'],
      env,
    );
    expect(twice.code).toBe(1);
    expect(twice.output).toMatch(/already has an account; use `waymark user promote/);
    const badRole = await runToEnd(
      [...CLI, 'user', 'promote', '--email', 'boss@example.com', '--role', 'king'],
      env,
    );
    expect(badRole.code).toBe(1);
    const promoted = await runToEnd(
      [...CLI, 'user', 'promote', '--email', 'boss@example.com', '--role', 'author'],
      env,
    );
    expect(promoted.output).toMatch(/boss@example.com is now author/);
    const badScope = await runToEnd(
      [...CLI, 'tokens', 'create', '--email', 'boss@example.com', '--name', 'ci', '--scopes', 'root'],
      env,
    );
    expect(badScope.code).toBe(1);
    expect(badScope.output).toMatch(/Unknown scope root/);
    const minted = await runToEnd(
      [...CLI, 'tokens', 'create', '--email', 'boss@example.com', '--name', 'ci', '--scopes', 'profile:read'],
      env,
    );
    expect(minted.code, minted.output).toBe(0);
    const token = /wmk_[\w-]{43}/.exec(minted.output)![0];

    const port = await freePort();
    const server = run(SERVER, { ...env, PORT: String(port) });
    try {
      await waitForOk(`http://127.0.0.1:${port}/readyz`, server);
      const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'boss@example.com', password: 'the admin passphrase' }),
      });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { role: string } }).user.role).toBe('author');
      const me = await fetch(`http://127.0.0.1:${port}/api/v1/me`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(me.status).toBe(200);
      expect(((await me.json()) as { email: string }).email).toBe('boss@example.com');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('keys prints a usable Ed25519 pair', async () => {
    const result = await runToEnd([...CLI, 'keys'], childEnv({}));
    expect(result.code).toBe(0);
    expect(result.output).toMatch(
      /^JWT_PRIVATE_KEY="-----BEGIN PRIVATE KEY-----\\n.+\\n-----END PRIVATE KEY-----"$/m,
    );
    expect(result.output).toMatch(
      /^JWT_PUBLIC_KEY="-----BEGIN PUBLIC KEY-----\\n.+-----END PUBLIC KEY-----"$/m,
    );
  });

  it('keys --vapid prints a P-256 pair (65-byte public, 32-byte private key, URL-safe base64)', async () => {
    const result = await runToEnd([...CLI, 'keys', '--vapid'], childEnv({}));
    expect(result.code).toBe(0);
    const publicKey = /^VAPID_PUBLIC_KEY=([\w-]+)$/m.exec(result.output)![1]!;
    const privateKey = /^VAPID_PRIVATE_KEY=([\w-]+)$/m.exec(result.output)![1]!;
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(privateKey, 'base64url')).toHaveLength(32);
  });

  it('jobs list shows the queues of a stopped data directory, and jobs retry names an unknown job', async () => {
    const env = childEnv({ WAYMARK_DATA_DIR: await tempDir() });
    const list = await runToEnd([...CLI, 'jobs', 'list'], env);
    expect(list.code, list.output).toBe(0);
    expect(list.output).toMatch(/^queue\s+queued\s+deferred\s+active\s+failed$/m);
    expect(list.output).toMatch(/^notification\s+0\s+0\s+0\s+0$/m);
    expect(list.output).toMatch(/No failed jobs\./);
    const retry = await runToEnd([...CLI, 'jobs', 'retry', '00000000-0000-4000-8000-000000000000'], env);
    expect(retry.code).toBe(1);
    expect(retry.output).toMatch(/No failed job has the id 00000000-0000-4000-8000-000000000000/);
  });

  it('reports bad configuration clearly', async () => {
    const result = await runToEnd(SERVER, childEnv({ PORT: 'abc', LOG_LEVEL: 'shout' }));
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/Invalid configuration:\n {2}- PORT="abc"/);
    expect(result.output).toMatch(/LOG_LEVEL="shout"/);
  });
});

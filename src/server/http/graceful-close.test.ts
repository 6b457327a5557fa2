import Fastify, { type FastifyInstance } from 'fastify';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROCESS_TIMEOUT_MS } from '../../../test/helpers/process.ts';
import { closeAfterAccepting, gracefulClose } from './graceful-close.ts';

const IDLE_MS = 150;
const GET = 'GET / HTTP/1.1\r\nHost: localhost\r\n\r\n';

/** A keep-alive client on a raw socket: what nginx's upstream connections look like. */
async function rawClient(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await once(socket, 'connect');
  let received = '';
  let ended = false;
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (chunk) => (received += chunk));
  socket.on('end', () => (ended = true));
  socket.on('error', (err) => (error = err));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return {
    socket,
    closed,
    get received() {
      return received;
    },
    get ended() {
      return ended;
    },
    get error() {
      return error;
    },
    /** Waits until `n` whole responses (each with a 2-byte body) have arrived, or the socket closes. */
    async responses(n: number) {
      const complete = () => (received.match(/\r\n\r\nok/g) ?? []).length >= n;
      while (!complete() && !socket.destroyed && !ended) await once(socket, 'data').catch(() => {});
      return received.split(/(?=HTTP\/1\.1 )/).filter(Boolean);
    },
  };
}

const servers: Server[] = [];

/** As main.ts builds it: Fastify, with gracefulClose() on its server. */
async function fastifyApp(): Promise<FastifyInstance> {
  const app = Fastify({ return503OnClosing: false });
  app.get('/', async () => 'ok');
  gracefulClose(app.server, { idleMs: IDLE_MS });
  servers.push(app.server);
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

async function listening(handler: RequestListener, graceful: boolean) {
  const server = createServer(handler);
  if (graceful) gracefulClose(server, { idleMs: IDLE_MS });
  servers.push(server);
  const accepted: Socket[] = [];
  server.on('connection', (socket: Socket) => accepted.push(socket));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, accepted, port: (server.address() as AddressInfo).port };
}

const closed = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/**
 * A SIGTERM handled in the same turn of the event loop as a connection waiting to be accepted.
 * Another process writes a line to us (standing for the signal), then connects to `server` and
 * sends a request, all while our event loop is held; so both are ready in the next turn, the
 * line first. On that line we call `close()`, as the shutdown does on SIGTERM.
 * Returns what the other process received.
 */
async function closeWithConnectionWaiting(port: number, close: () => unknown) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'waymark-graceful-'));
  const sent = path.join(dir, 'sent');
  const client = spawn(
    process.execPath,
    [
      '-e',
      `const [port, sent] = process.argv.slice(1);
       process.stdout.write('ready\\n');
       process.stdin.once('data', () => process.stdout.write('signal\\n', () => {
         const s = require('node:net').connect(Number(port), '127.0.0.1', () =>
           s.write('GET / HTTP/1.1\\r\\nHost: localhost\\r\\n\\r\\n', () => require('node:fs').writeFileSync(sent, '')));
         let got = '';
         s.on('data', (d) => (got += d)).on('error', (e) => (got += 'ERROR ' + e.code));
         s.on('close', () => { process.stderr.write(got); process.exit(); });
       }));`,
      String(port),
      sent,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let received = '';
  client.stderr.on('data', (chunk) => (received += chunk));
  const exited = once(client, 'exit');
  try {
    await new Promise<void>((resolve, reject) => {
      client.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().startsWith('ready')) {
          // Our end of this pipe is being watched (this line came through it). Hold the event
          // loop until the other process has connected and sent its request.
          client.stdin.write('go\n');
          const deadline = Date.now() + PROCESS_TIMEOUT_MS;
          while (!existsSync(sent)) {
            if (Date.now() > deadline) return reject(new Error('the client process did not connect'));
          }
        } else {
          void close();
          resolve();
        }
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await exited;
  return received;
}

describe('gracefulClose', () => {
  it('plain Node: a request already written on an idle keep-alive connection is lost when close() starts', async () => {
    // What the module is for. If this starts to fail, Node no longer drops such a request.
    const { server, port } = await listening((_req, res) => res.end('ok'), false);
    const client = await rawClient(port);
    client.socket.write(GET);
    expect(await client.responses(1)).toHaveLength(1);
    client.socket.write(GET); // in the server's receive buffer, not read yet: same tick
    const done = closed(server);
    await client.closed;
    await done;
    expect(await client.responses(2)).toHaveLength(1);
    expect(client.error?.code).toBe('ECONNRESET'); // what nginx logs as "recv() failed (104 …)"
  });

  it('answers that request, with Connection: close, and then closes the connection', async () => {
    const { server, port } = await listening((_req, res) => res.end('ok'), true);
    const client = await rawClient(port);
    client.socket.write(GET);
    expect(await client.responses(1)).toHaveLength(1);
    client.socket.write(GET);
    const done = closed(server);
    const [first, second] = await client.responses(2);
    expect(first).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*connection: keep-alive\r\n/i);
    expect(second).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n[^]*\r\n\r\nok$/i);
    await client.closed;
    await done;
    expect(client.error).toBeUndefined();
  });

  it(
    'Fastify: a connection waiting to be accepted when app.close() is called is reset',
    { timeout: PROCESS_TIMEOUT_MS },
    async () => {
      const app = await fastifyApp();
      const port = (app.server.address() as AddressInfo).port;
      expect(await closeWithConnectionWaiting(port, () => app.close())).toBe('ERROR ECONNRESET');
    },
  );

  it(
    'closeAfterAccepting: accepts and answers the connections already waiting',
    { timeout: PROCESS_TIMEOUT_MS },
    async () => {
      const app = await fastifyApp();
      const port = (app.server.address() as AddressInfo).port;
      expect(await closeWithConnectionWaiting(port, () => closeAfterAccepting(app))).toMatch(
        /^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n[^]*\r\n\r\nok$/i,
      );
    },
  );

  it('refuses new connections once closing, as close() always did', async () => {
    const { server, port } = await listening((_req, res) => res.end('ok'), true);
    const client = await rawClient(port);
    const done = closed(server);
    const refused = connect(port, '127.0.0.1');
    const [err] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(err.code).toBe('ECONNREFUSED');
    await client.closed;
    await done;
  });

  it('closes a connection that stays silent for idleMs, so that close() completes', async () => {
    const { server, port } = await listening((_req, res) => res.end('ok'), true);
    const client = await rawClient(port);
    client.socket.write(GET);
    await client.responses(1);
    const started = performance.now();
    const done = closed(server);
    await client.closed;
    expect(performance.now() - started).toBeGreaterThanOrEqual(IDLE_MS - 1);
    await done;
    expect(client.error).toBeUndefined(); // a FIN, not a reset: nothing was unread
  });

  it('does not cut a request whose first bytes have arrived', async () => {
    const { server, accepted, port } = await listening((_req, res) => res.end('ok'), true);
    const partial = await rawClient(port);
    const silent = await rawClient(port);
    const firstLine = 'GET / HTTP/1.1\r\n';
    partial.socket.write(firstLine);
    while (accepted.length < 2 || accepted[0]!.bytesRead < firstLine.length) {
      await new Promise((r) => setImmediate(r));
    }
    const done = closed(server);
    // Both connections were quiet when close() started; the silent one goes after idleMs, and
    // the one with a request under way is checked in the same turn of the event loop.
    await silent.closed;
    await new Promise((r) => setImmediate(r));
    expect(partial.ended).toBe(false);
    partial.socket.write('Host: localhost\r\n\r\n');
    const [response] = await partial.responses(1);
    expect(response).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
    await done;
  });

  it('ends responses in flight with Connection: close, or closes their connection once silent', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let writeRest!: () => void;
    const { server, port } = await listening((req, res) => {
      if (req.url === '/slow') {
        void held.then(() => res.end('ok'));
      } else {
        // Headers (keep-alive) are out before close() starts; the body follows later.
        res.writeHead(200, { 'content-length': '2' });
        res.flushHeaders();
        writeRest = () => res.end('ok');
      }
    }, true);
    const slow = await rawClient(port);
    slow.socket.write('GET /slow HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const streaming = await rawClient(port);
    streaming.socket.write(GET);
    while (!streaming.received.includes('\r\n\r\n')) await once(streaming.socket, 'data');
    const done = closed(server);
    release();
    writeRest();
    const [slowResponse] = await slow.responses(1);
    expect(slowResponse).toMatch(/connection: close\r\n/i);
    const [streamed] = await streaming.responses(1);
    expect(streamed).toMatch(/connection: keep-alive\r\n/i);
    await Promise.all([slow.closed, streaming.closed]);
    await done;
  });

  it('works under Fastify: app.close() answers the request on the wire and resolves', async () => {
    const app = await fastifyApp();
    const client = await rawClient((app.server.address() as AddressInfo).port);
    client.socket.write(GET);
    await client.responses(1);
    client.socket.write(GET);
    const done = app.close();
    const [, second] = await client.responses(2);
    expect(second).toMatch(/^HTTP\/1\.1 200 OK\r\n[^]*connection: close\r\n/i);
    await done;
    await client.closed;
  });
});

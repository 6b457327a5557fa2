// Closing an HTTP/1.1 server behind a load balancer that keeps connections to it open
// (nginx `keepalive`), without losing a request the balancer has already sent.
//
// `server.close()` in Node 19+ first calls `closeIdleConnections()`, which destroys every
// connection on which Node has not begun to parse a request. A request that nginx has just
// written on one of its kept-alive connections is still in the kernel's receive buffer while the
// event loop is busy, so that connection counts as idle: it is destroyed, the unread bytes make
// the kernel answer with a reset, and nginx logs "recv() failed (104: Connection reset by peer)
// while reading response header from upstream". nginx passes an idempotent request (GET, PUT,
// DELETE) to the next server, but not a POST or PATCH (`proxy_next_upstream`, non_idempotent):
// the client gets a 502. And a connection that was busy at that moment and then finished its
// response with keep-alive is never closed by Node afterwards: it holds `close()` open until the
// keep-alive timeout (72 s in Fastify), past any shutdown deadline.
//
// `gracefulClose(server)` changes what this server's `close()` does:
// - the listener closes, as before: new connections are refused, which nginx retries elsewhere
//   for every method, since nothing was sent;
// - every response not yet started, in flight or to come, carries `Connection: close`, so the
//   balancer retires each connection after the response it is waiting for;
// - a connection with nothing in progress is left open for `idleMs`: a request already on its way
//   is read and answered, and the balancer may close the connection itself. One still silent
//   after that is destroyed, checked just after an I/O poll so that no unread request is
//   dropped with it. A connection that finishes a keep-alive response later gets the same wait.
// `close()`'s callback then fires when the last connection has gone, as before.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface GracefulCloseOptions {
  /** How long, once closing, a connection with nothing in progress stays open. */
  idleMs: number;
}

interface Connection {
  /** The response being written, if any. */
  response?: ServerResponse;
  /** `socket.bytesRead` when the connection last had nothing in progress. */
  quietAt: number;
  timer?: NodeJS.Timeout;
}

/** Call before `listen()`. */
export function gracefulClose(server: Server, { idleMs }: GracefulCloseOptions): void {
  const connections = new Map<Socket, Connection>();
  let closing = false;

  const closeWhenSilent = (socket: Socket, connection: Connection) => {
    clearTimeout(connection.timer);
    connection.timer = setTimeout(() => {
      // setImmediate runs after the poll phase: bytes that arrived by then have been read.
      setImmediate(() => {
        if (socket.destroyed || connection.response) return;
        // Part of a request has been read (its headers are not complete yet): wait for it.
        if (socket.bytesRead !== connection.quietAt) closeWhenSilent(socket, connection);
        else socket.destroy();
      });
    }, idleMs);
  };

  server.on('connection', (socket: Socket) => {
    const connection: Connection = { quietAt: socket.bytesRead };
    connections.set(socket, connection);
    socket.once('close', () => {
      clearTimeout(connection.timer);
      connections.delete(socket);
    });
    if (closing) closeWhenSilent(socket, connection);
  });

  // Before the application's own listener, so that the header is there whatever it does.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const connection = connections.get(req.socket);
    if (!connection) return;
    clearTimeout(connection.timer);
    connection.response = res;
    if (closing) res.setHeader('connection', 'close');
    res.once('finish', () => {
      if (connection.response !== res) return;
      connection.response = undefined;
      connection.quietAt = req.socket.bytesRead;
      if (closing) closeWhenSilent(req.socket, connection);
    });
  });

  // Node's close() calls this (lib/_http_server.js, httpServerPreClose) just before it closes the
  // listener; so does anyone who wants idle connections gone. Fastify's close() calls close().
  server.closeIdleConnections = () => {
    if (closing) return;
    closing = true;
    for (const [socket, connection] of connections) {
      const { response } = connection;
      if (!response) closeWhenSilent(socket, connection);
      else if (!response.headersSent) response.setHeader('connection', 'close');
    }
  };
}

/**
 * Closes `app` (a Fastify instance) one turn of the event loop from now. Closing the listener
 * resets, in the kernel, every connection established but not yet accepted, and nginx has
 * usually written a request on it already. A SIGTERM is handled in the same turn of the event
 * loop as the other I/O that was ready with it: closing at once, the shutdown would reset the
 * connections waiting in that turn (a process that was descheduled for a moment on a busy machine
 * finds a queue of them). One turn later they have been accepted. Connections nginx opens while
 * that turn runs are still reset; see docs/ARCHITECTURE.md, "Scale-out".
 */
export async function closeAfterAccepting(app: { close(): PromiseLike<unknown> }): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  await app.close();
}

// The baseline for `npm run bench`: a bare node:http server that answers every request with
// the same bytes the Waymark document route sends — body and headers (security headers, ETag,
// a request id) — from memory, doing nothing else.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

const body = readFileSync(process.env.BODY_FILE!);
const headers = JSON.parse(process.env.HEADERS!) as Record<string, string>;
createServer((_req, res) => {
  res.writeHead(200, { ...headers, 'x-request-id': randomUUID(), 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));

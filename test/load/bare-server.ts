// The baseline for `npm run bench`: a bare node:http server that answers every request with
// the same bytes and headers the Waymark document route sends, from memory.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = readFileSync(process.env.BODY_FILE!);
const etag = process.env.ETAG!;
createServer((_req, res) => {
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': body.length,
    etag,
    'cache-control': 'public, no-cache',
  });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));

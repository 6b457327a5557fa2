// The guard on requests to URLs users give. The names are answered by injected lookups and the
// only server reached is one this file starts on 127.0.0.1: the machine has no internet, and no
// test here connects to a public address (the allowed cases are checked, never fetched).
import http from 'node:http';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  checkUrl,
  fetchChecked,
  OutboundRefused,
  OutboundTimeout,
  refusedAddress,
  type LookupFn,
} from './outbound.ts';

/** A resolver that answers `addresses` for every name, counting its calls. */
function answering(...addresses: string[]) {
  const lookup = vi.fn<LookupFn>(async () =>
    addresses.map((address) => ({ address, family: isIP(address) })),
  );
  return lookup;
}

/** A resolver for URLs whose host is an address: it must not be asked. */
const noLookup = vi.fn<LookupFn>(async (host) => {
  throw new Error(`unexpected lookup of ${host}`);
});

const PUBLIC_V4 = '93.184.216.34';
const PUBLIC_V6 = '2606:2800:220:1:248:1893:25c8:1946';

async function refusal(promise: Promise<unknown>): Promise<OutboundRefused> {
  const err = await promise.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(OutboundRefused);
  return err as OutboundRefused;
}

describe('WHATWG URL parsing', () => {
  it.each([
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0x7f.0.0.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
  ])('spells %s as the address %s', (url, host) => {
    expect(new URL(url).hostname).toBe(host);
  });
});

describe('checkUrl', () => {
  afterEach(() => {
    expect(noLookup).not.toHaveBeenCalled();
    noLookup.mockClear();
  });

  // [URL, its host's refusal]: addresses need no lookup (noLookup fails the test if asked).
  it.each([
    ['https://127.0.0.1/', /is 127\.0\.0\.1, a loopback address/],
    ['https://127.1.2.3/', /is 127\.1\.2\.3, a loopback address/],
    ['https://[::1]/', /is ::1, a loopback address/],
    ['https://[::ffff:127.0.0.1]/', /is 127\.0\.0\.1, a loopback address/],
    ['https://[::ffff:7f00:1]/', /is 127\.0\.0\.1, a loopback address/],
    ['https://0.0.0.0/', /is 0\.0\.0\.0, an unspecified address/],
    ['https://[::]/', /is ::, an unspecified address/],
    ['https://10.0.0.1/', /is 10\.0\.0\.1, a private network address/],
    ['https://172.16.0.1/', /private network/],
    ['https://172.31.255.255/', /private network/],
    ['https://192.168.1.1/', /private network/],
    ['https://[::ffff:192.168.1.1]/', /is 192\.168\.1\.1, a private network address/],
    ['https://169.254.169.254/latest/meta-data', /is 169\.254\.169\.254, a cloud metadata address/],
    ['https://169.254.1.1/', /link-local/],
    ['https://100.64.0.1/', /carrier-grade NAT/],
    ['https://224.0.0.1/', /multicast/],
    ['https://255.255.255.255/', /broadcast/],
    ['https://[fc00::1]/', /unique local/],
    ['https://[fd00:ec2::254]/', /is fd00:ec2::254, a cloud metadata address/],
    ['https://[fe80::1]/', /link-local/],
    ['https://[ff02::1]/', /multicast/],
    ['https://2130706433/', /is 127\.0\.0\.1, a loopback address/],
    ['https://0x7f000001/', /is 127\.0\.0\.1, a loopback address/],
    ['https://0177.0.0.1/', /is 127\.0\.0\.1, a loopback address/],
    ['https://192.0.2.1/', /reserved/],
    ['https://198.18.0.1/', /reserved/],
    ['https://240.0.0.1/', /reserved/],
    ['https://[2001:db8::1]/', /reserved/],
    ['https://[64:ff9b::7f00:1]/', /NAT64/],
    ['https://[2002:7f00:1::]/', /6to4/],
    ['https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', /Teredo/],
    ['https://[::7f00:1]/', /not a global unicast IPv6 address/],
  ])('refuses %s', async (url, why) => {
    const err = await refusal(checkUrl(url, { lookup: noLookup }));
    expect(err.message).toMatch(why);
    // …unless private addresses are allowed.
    await expect(checkUrl(url, { allowPrivate: true, lookup: noLookup })).resolves.toBeInstanceOf(URL);
  });

  it.each([
    ['a loopback address', ['127.0.0.1'], /^evil\.test resolves to 127\.0\.0\.1, a loopback address$/],
    ['an IPv4-mapped loopback address', ['::ffff:127.0.0.1'], /resolves to 127\.0\.0\.1, a loopback/],
    ['the metadata address', ['169.254.169.254'], /resolves to 169\.254\.169\.254, a cloud metadata/],
    ['a public and a private address', [PUBLIC_V4, '10.0.0.1'], /resolves to 10\.0\.0\.1, a private/],
    ['a public and a loopback IPv6 address', [PUBLIC_V6, '::1'], /resolves to ::1, a loopback/],
  ])('refuses a name that resolves to %s', async (_, addresses, why) => {
    const lookup = answering(...addresses);
    const err = await refusal(checkUrl('https://evil.test/hook', { lookup }));
    expect(err.message).toMatch(why);
    expect(lookup).toHaveBeenCalledWith('evil.test');
    // With allowPrivate, the name is not even resolved.
    await expect(checkUrl('https://evil.test/hook', { allowPrivate: true, lookup })).resolves.toBeInstanceOf(
      URL,
    );
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('refuses localhost, by the injected lookup and by the system resolver', async () => {
    expect((await refusal(checkUrl('https://localhost/', { lookup: answering('127.0.0.1') }))).message).toBe(
      'localhost resolves to 127.0.0.1, a loopback address',
    );
    // /etc/hosts answers this one: no network needed.
    expect((await refusal(checkUrl('https://localhost:8443/push'))).message).toMatch(
      /^localhost resolves to (127\.0\.0\.1|::1), a loopback address$/,
    );
  });

  it('refuses a name that does not resolve, or resolves to nothing', async () => {
    const notFound = vi.fn<LookupFn>(async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    });
    expect((await refusal(checkUrl('https://nowhere.test/', { lookup: notFound }))).message).toBe(
      'nowhere.test could not be resolved (ENOTFOUND)',
    );
    expect((await refusal(checkUrl('https://nowhere.test/', { lookup: answering() }))).message).toBe(
      'nowhere.test has no address',
    );
  });

  it.each([
    ['http://example.test/hook', {}, 'must be an https URL, not http:'],
    ['file:///etc/passwd', {}, 'must be an https URL, not file:'],
    ['gopher://example.test:70/_x', { allowHttp: true }, 'must be an http or https URL, not gopher:'],
    ['ftp://example.test/x', { allowPrivate: true }, 'must be an https URL, not ftp:'],
    ['https://user:pass@example.test/', {}, 'must not contain a user name or password'],
    ['https://user@example.test/', { allowPrivate: true }, 'must not contain a user name or password'],
    ['https://:pass@example.test/', {}, 'must not contain a user name or password'],
    ['not a url', {}, 'is not a valid URL'],
  ])('refuses %s %j', async (url, options, message) => {
    const lookup = answering(PUBLIC_V4);
    expect((await refusal(checkUrl(url, { ...options, lookup }))).message).toBe(message);
    expect(lookup).not.toHaveBeenCalled();
  });

  it('allows https to a name whose every address is public', async () => {
    const lookup = answering(PUBLIC_V4, PUBLIC_V6);
    const url = await checkUrl('https://push.example.test/send/abc?x=1', { lookup });
    expect(url.href).toBe('https://push.example.test/send/abc?x=1');
    expect(lookup).toHaveBeenCalledWith('push.example.test');
  });

  it('allows public addresses, and http when allowHttp says so', async () => {
    await expect(checkUrl(`https://${PUBLIC_V4}/`, { lookup: noLookup })).resolves.toBeInstanceOf(URL);
    await expect(checkUrl(`https://[${PUBLIC_V6}]:8443/`, { lookup: noLookup })).resolves.toBeInstanceOf(URL);
    await expect(
      checkUrl('http://hooks.example.test/', { allowHttp: true, lookup: answering(PUBLIC_V4) }),
    ).resolves.toBeInstanceOf(URL);
  });
});

describe('refusedAddress', () => {
  it.each([PUBLIC_V4, PUBLIC_V6, '8.8.8.8', '1.1.1.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'lets the public address %s through',
    (address) => {
      expect(refusedAddress(address)).toBeNull();
    },
  );

  it('refuses what is not an address', () => {
    expect(refusedAddress('127.1')).toBe('127.1, which is not an IP address');
  });
});

// A stand-in on 127.0.0.1 that records every connection and request.
let server: http.Server;
let origin: string;
let port: number;
const requests: string[] = [];
let connections = 0;
const open = new Set<Socket>();

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    res.on('error', () => {}); // the client may go away mid-answer (the truncation test)
    switch (req.url) {
      case '/hello': {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          res.writeHead(201, { 'content-type': 'text/plain' });
          res.end(`hello ${req.headers['x-test'] ?? ''} ${body}`.trim());
        });
        return;
      }
      case '/redirect':
        res.writeHead(302, { location: '/hello' });
        res.end('moved');
        return;
      case '/big': {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(16_384);
        let sent = 0;
        const more = () => {
          while (sent < 64 && !res.destroyed) {
            sent++;
            if (!res.write(chunk)) return void res.once('drain', more);
          }
          res.end();
        };
        more();
        return;
      }
      case '/stalled-body':
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('the start, and then nothing');
        return;
      default: // '/silent': never answers
        return;
    }
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('fetchChecked', () => {
  const local = { allowHttp: true, allowPrivate: true, timeoutMs: 2000, maxResponseBytes: 10_000 };
  const get = { method: 'GET', headers: {} };

  afterEach(async () => {
    requests.length = 0;
    connections = 0;
    // Every connection the request opened is closed once it is done: no socket is left behind.
    await vi.waitFor(() => expect(open.size).toBe(0));
  });

  it('reaches a local server with allowPrivate and allowHttp: status, body, headers, request body', async () => {
    const res = await fetchChecked(
      `${origin}/hello`,
      { method: 'POST', headers: { 'x-test': 'from-test', 'content-type': 'text/plain' }, body: 'and body' },
      local,
    );
    expect(res).toEqual({ status: 201, body: 'hello from-test and body', truncated: false });
    expect(requests).toEqual(['POST /hello']);
  });

  it('connects to the address its lookup gave a name', async () => {
    const lookup = answering('127.0.0.1');
    const res = await fetchChecked(`http://stand-in.test:${port}/hello`, get, { ...local, lookup });
    expect(res.status).toBe(201);
    expect(lookup).toHaveBeenCalledWith('stand-in.test');
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const res = await fetchChecked(`${origin}/redirect`, get, local);
    expect(res).toEqual({ status: 302, body: 'moved', truncated: false });
    expect(requests).toEqual(['GET /redirect']);
  });

  it('reads at most maxResponseBytes of the body', async () => {
    const res = await fetchChecked(`${origin}/big`, get, { ...local, maxResponseBytes: 1000 });
    expect(res.status).toBe(200);
    expect(res.body).toBe('x'.repeat(1000));
    expect(res.truncated).toBe(true);
    // A body of exactly the limit is whole.
    const hello = await fetchChecked(`${origin}/hello`, get, { ...local, maxResponseBytes: 5 });
    expect(hello).toEqual({ status: 201, body: 'hello', truncated: false });
  });

  it.each(['/silent', '/stalled-body'])('times out against %s', async (path) => {
    const started = performance.now();
    const err = await fetchChecked(`${origin}${path}`, get, { ...local, timeoutMs: 300 }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OutboundTimeout);
    expect((err as Error).message).toBe('no complete answer within 300 ms');
    expect(performance.now() - started).toBeLessThan(1500);
    expect(requests).toEqual([`GET ${path}`]);
  });

  it('refuses the local server without allowPrivate, before connecting', async () => {
    const options = { ...local, allowPrivate: false };
    expect((await refusal(fetchChecked(`${origin}/hello`, get, options))).message).toBe(
      'is 127.0.0.1, a loopback address',
    );
    const lookup = answering('127.0.0.1');
    expect(
      (await refusal(fetchChecked(`http://stand-in.test:${port}/hello`, get, { ...options, lookup })))
        .message,
    ).toBe('stand-in.test resolves to 127.0.0.1, a loopback address');
    expect(
      await refusal(fetchChecked(`${origin}/hello`, get, { ...options, allowHttp: false })),
    ).toHaveProperty('message', 'must be an https URL, not http:');
    expect(connections).toBe(0);
    expect(requests).toEqual([]);
  });

  it('refuses at connect time a name whose answer changed after the check (DNS rebinding)', async () => {
    /** A public address first, this machine ever after. */
    const rebinding = () => {
      let calls = 0;
      return vi.fn<LookupFn>(async () => [
        calls++ === 0 ? { address: PUBLIC_V4, family: 4 } : { address: '127.0.0.1', family: 4 },
      ]);
    };
    const url = `http://rebind.test:${port}/hello`;
    const options = { ...local, allowPrivate: false };
    // The check alone sees the public answer and passes…
    await expect(checkUrl(url, { ...options, lookup: rebinding() })).resolves.toBeInstanceOf(URL);
    // …fetchChecked checks the same way first, then its connection resolves again and is refused.
    const lookup = rebinding();
    const err = await refusal(fetchChecked(url, get, { ...options, lookup }));
    expect(err.message).toBe('rebind.test resolves to 127.0.0.1, a loopback address');
    expect(lookup).toHaveBeenCalledTimes(2);
    expect(connections).toBe(0);
    expect(requests).toEqual([]);
  });

  it('refuses at connect time an answer with one private address among public ones', async () => {
    let calls = 0;
    const lookup = vi.fn<LookupFn>(async () =>
      calls++ === 0
        ? [{ address: PUBLIC_V4, family: 4 }]
        : [
            { address: PUBLIC_V4, family: 4 },
            { address: '127.0.0.1', family: 4 },
          ],
    );
    const err = await refusal(
      fetchChecked(`http://mixed.test:${port}/hello`, get, { ...local, allowPrivate: false, lookup }),
    );
    expect(err.message).toBe('mixed.test resolves to 127.0.0.1, a loopback address');
    expect(connections).toBe(0);
  });
});

// Requests the server makes to a URL a user gave (Web Push endpoints, webhooks): a guard against
// server-side request forgery, so a learner cannot make the server reach this machine, its
// private network or the cloud's metadata service.
//
//   checkUrl      → the URL is https (http only when allowed), carries no user name or password,
//                   and its host (an address, or every address its name resolves to) is a public
//                   unicast address. Run it when the URL is saved, to tell the user at once.
//   fetchChecked  → checkUrl, then the request itself, on a connection whose address is checked
//                   again at connect time (the name is resolved once more there, and every address
//                   of that answer must pass): a DNS answer that changes between the check and the
//                   connection (DNS rebinding) is refused too. No redirect is followed, the whole
//                   request has a deadline and at most maxResponseBytes of the body are read.
//
// An address is public when ipaddr.js (after turning an IPv4-mapped IPv6 address into the IPv4
// one) calls its range 'unicast'; an IPv6 one must moreover be in 2000::/3, the global unicast
// block. Refused so: unspecified (0.0.0.0/8, ::), loopback (127/8, ::1), private (10/8,
// 172.16/12, 192.168/16), carrier-grade NAT (100.64/10), link-local (169.254/16, fe80::/10, which
// holds the metadata address 169.254.169.254), unique local (fc00::/7, which holds AWS's
// fd00:ec2::254), multicast (224/4, ff00::/8), broadcast, reserved and documentation ranges
// (192.0.0/24, 192.0.2/24, 198.18/15, 198.51.100/24, 203.0.113/24, 240/4, 2001:db8::/32…),
// benchmarking, AS112, AMT, ORCHID, and the IPv6 forms that carry an IPv4 address to a gateway
// that would translate it: NAT64 (64:ff9b::/96, RFC 6052), RFC 6145, 6to4 (2002::/16), Teredo
// (2001::/32) and the deprecated IPv4-compatible ::a.b.c.d (outside 2000::/3).
import https from 'node:https';
import { promises as dns, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, request } from 'undici';

/** Resolves a host name to every address it has (the default is the system resolver). */
export type LookupFn = (hostname: string) => Promise<LookupAddress[]>;

export interface CheckOptions {
  /** Accept http:// as well as https:// (tests, a service on this machine). */
  allowHttp?: boolean;
  /** Accept any address, private ones included (the name is then not resolved by checkUrl). */
  allowPrivate?: boolean;
  lookup?: LookupFn;
}

export interface FetchOptions extends CheckOptions {
  /** The deadline of the whole request: the checks, connecting, the answer and its body. */
  timeoutMs: number;
  /** The body is cut at this many bytes (the rest is not read). */
  maxResponseBytes: number;
}

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export interface FetchResult {
  status: number;
  /** The body as UTF-8 text, at most maxResponseBytes of it. */
  body: string;
  /** The body was longer than maxResponseBytes and was cut. */
  truncated: boolean;
}

/** The URL may not be requested; `message` says why, in words fit for the user. */
export class OutboundRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundRefused';
  }
}

/** The request did not finish within its timeoutMs. */
export class OutboundTimeout extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundTimeout';
  }
}

const systemLookup: LookupFn = (hostname) => dns.lookup(hostname, { all: true, order: 'verbatim' });

const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254']);
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR('2000::/3');

const RANGE_WORDS: Record<string, string> = {
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  linkLocal: 'a link-local address',
  loopback: 'a loopback address',
  carrierGradeNat: 'a carrier-grade NAT (shared) address',
  private: 'a private network address',
  uniqueLocal: 'a unique local (private) IPv6 address',
  reserved: 'a reserved address',
  benchmarking: 'a benchmarking address',
  rfc6052: 'an IPv4-translated (NAT64) address',
  rfc6145: 'an IPv4-translated address',
  '6to4': 'a 6to4 tunnel address',
  teredo: 'a Teredo tunnel address',
};

/**
 * Why `address` may not be reached: e.g. "127.0.0.1, a loopback address"; null when it is a
 * public unicast address.
 */
export function refusedAddress(address: string): string | null {
  if (isIP(address) === 0) return `${address}, which is not an IP address`;
  const ip = ipaddr.process(address);
  const shown = ip.toString();
  const range = ip.range();
  if (METADATA.has(shown)) return `${shown}, a cloud metadata address`;
  if (range !== 'unicast') return `${shown}, ${RANGE_WORDS[range] ?? `a special-purpose address (${range})`}`;
  if (ip.kind() === 'ipv6' && !ip.match(GLOBAL_UNICAST_V6)) {
    return `${shown}, which is not a global unicast IPv6 address`;
  }
  return null;
}

/** Every address of `hostname`, each of them public (unless allowPrivate), or OutboundRefused. */
async function resolveChecked(
  hostname: string,
  options: Pick<CheckOptions, 'allowPrivate' | 'lookup'>,
): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await (options.lookup ?? systemLookup)(hostname);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new OutboundRefused(`${hostname} could not be resolved${code ? ` (${code})` : ''}`);
  }
  if (addresses.length === 0) throw new OutboundRefused(`${hostname} has no address`);
  if (!options.allowPrivate) {
    for (const { address } of addresses) {
      const why = refusedAddress(address);
      if (why) throw new OutboundRefused(`${hostname} resolves to ${why}`);
    }
  }
  return addresses;
}

/**
 * Parses `url` and checks that the server may request it (see the top of this file); resolves
 * to the parsed URL, or rejects with OutboundRefused. WHATWG URL parsing already turns every
 * spelling of an IPv4 address (2130706433, 0x7f.0.0.1, 0177.0.0.1, 127.1) into the dotted one.
 */
export async function checkUrl(url: string, options: CheckOptions = {}): Promise<URL> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OutboundRefused('is not a valid URL');
  }
  const schemes = options.allowHttp ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(parsed.protocol)) {
    throw new OutboundRefused(
      `must be ${options.allowHttp ? 'an http or https' : 'an https'} URL, not ${parsed.protocol}`,
    );
  }
  if (parsed.username || parsed.password) {
    throw new OutboundRefused('must not contain a user name or password');
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new OutboundRefused('has no host');
  if (isIP(host) !== 0) {
    const why = options.allowPrivate ? null : refusedAddress(host);
    if (why) throw new OutboundRefused(`is ${why}`);
  } else if (!options.allowPrivate) {
    await resolveChecked(host, options);
  }
  return parsed;
}

/** The connect-time lookup: resolves again and refuses the connection unless every address passes. */
function guardedLookup(options: Pick<CheckOptions, 'allowPrivate' | 'lookup'>): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolveChecked(hostname, options).then(
      (addresses) => {
        const wanted = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
        const usable = wanted ? addresses.filter((a) => a.family === wanted) : addresses;
        if (usable.length === 0) {
          callback(new OutboundRefused(`${hostname} has no IPv${wanted} address`), '', 0);
        } else if (lookupOptions.all) {
          callback(null, usable);
        } else {
          callback(null, usable[0]!.address, usable[0]!.family);
        }
      },
      (err: Error) => callback(err, '', 0),
    );
  };
}

/**
 * An https agent whose every connection is checked as `fetchChecked`'s are, for a library that
 * takes an agent rather than a URL we fetch (web-push). `ca` adds a certificate to trust, for a
 * stand-in service in tests.
 */
export function guardedHttpsAgent(
  options: Pick<CheckOptions, 'allowPrivate' | 'lookup'> & { ca?: string },
): https.Agent {
  return new https.Agent({
    keepAlive: true,
    lookup: guardedLookup(options),
    ...(options.ca ? { ca: options.ca } : {}),
  });
}

/** The OutboundRefused in an error undici raised (it may wrap the one the lookup gave). */
function refusalIn(err: unknown): OutboundRefused | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundRefused) return e;
    if (e instanceof AggregateError) {
      const inner = e.errors.find((x) => x instanceof OutboundRefused);
      if (inner) return inner as OutboundRefused;
    }
  }
  return undefined;
}

function deadline<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Requests a URL a user gave: checkUrl first, then a connection whose resolved addresses are
 * checked again, no redirects (a 3xx is the answer), a deadline of timeoutMs for everything and
 * at most maxResponseBytes of body. Rejects with OutboundRefused (not allowed: nothing was sent),
 * OutboundTimeout, or the network's error.
 */
export async function fetchChecked(
  url: string,
  init: FetchInit,
  options: FetchOptions,
): Promise<FetchResult> {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new OutboundTimeout(`no complete answer within ${options.timeoutMs} ms`)),
    options.timeoutMs,
  );
  // One agent per request, destroyed with it: nothing is pooled between users' URLs.
  const agent = new Agent({
    connect: { lookup: guardedLookup(options), timeout: options.timeoutMs },
  });
  try {
    const target = await deadline(checkUrl(url, options), controller.signal);
    const res = await request(target, {
      dispatcher: agent,
      method: init.method,
      headers: init.headers,
      body: init.body ?? null,
      signal: controller.signal,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of res.body) {
      const buf = chunk as Buffer;
      if (size + buf.length > options.maxResponseBytes) {
        chunks.push(buf.subarray(0, options.maxResponseBytes - size));
        truncated = true;
        break; // leaving the loop destroys the body stream: the rest is not read
      }
      chunks.push(buf);
      size += buf.length;
    }
    return { status: res.statusCode, body: Buffer.concat(chunks).toString('utf8'), truncated };
  } catch (err) {
    if (controller.signal.aborted) throw controller.signal.reason;
    throw refusalIn(err) ?? err;
  } finally {
    clearTimeout(timer);
    await agent.destroy();
  }
}

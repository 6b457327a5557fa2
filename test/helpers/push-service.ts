// A stand-in push service on 127.0.0.1 that speaks the real protocol, for the push sender's
// tests and for browser tests that run the server as a child process:
// it checks every request's VAPID JWT (RFC 8292) and decrypts the aes128gcm body (RFC 8188,
// keys as RFC 8291 derives them) with the subscription's keys, as the browser would — with
// node:crypto alone, not with the library that encrypted it. It records each message received.
import {
  createDecipheriv,
  createECDH,
  createPublicKey,
  hkdfSync,
  randomBytes,
  verify,
  type ECDH,
} from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';

// web-push speaks only https, as push services do: the stand-in serves this self-signed
// certificate for 127.0.0.1 (valid 2000–2100, made for these tests). A server in a child
// process trusts it through NODE_EXTRA_CA_CERTS (a file holding PUSH_SERVICE_CERT).
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTXMRM3bY5U73GEYq
+lYy6UkpVY5hiy1aUGZkWX4h4cqhRANCAASUQ1SqVTiEZog9UzBolF4DW9vusolk
k8QUlYsPrxkxJbwFHmXowShVB+g9wQXOs3388yz97OqkgMR7DFKq+7/q
-----END PRIVATE KEY-----`;
export const PUSH_SERVICE_CERT = `-----BEGIN CERTIFICATE-----
MIIBfzCCASSgAwIBAgIBATAKBggqhkjOPQQDAjAUMRIwEAYDVQQDDAkxMjcuMC4w
LjEwIBcNMDAwMTAxMDAwMDAwWhgPMjEwMDAxMDEwMDAwMDBaMBQxEjAQBgNVBAMM
CTEyNy4wLjAuMTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJRDVKpVOIRmiD1T
MGiUXgNb2+6yiWSTxBSViw+vGTElvAUeZejBKFUH6D3BBc6zffzzLP3s6qSAxHsM
Uqr7v+qjZTBjMAwGA1UdEwEB/wQCMAAwDwYDVR0RBAgwBocEfwAAATAOBgNVHQ8B
Af8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFHP9BoKzvJ2K
4U57TKchmX5OlElrMAoGCCqGSM49BAMCA0kAMEYCIQDlHHFTkNGMTnKMYqlSYwJ4
0rXgVsTva/3l1UOUNLa5SgIhAId6EkxOh/mU7/m3lPq83dAlVzAJzEPriw8KiJS4
qjSg
-----END CERTIFICATE-----`;

/** The browser's side of one subscription: its key pair and auth secret (RFC 8291). */
export interface SubscriptionKeys {
  ecdh: ECDH;
  auth: Buffer;
  /** As `PushSubscription.toJSON().keys` has them: URL-safe base64. */
  json: { p256dh: string; auth: string };
}

/** Key material a browser makes when it subscribes: a P-256 pair and a 16-byte secret. */
export function subscriptionKeys(): SubscriptionKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, json: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') } };
}

/** One message as the browser would see it, and the proof it came signed. */
export interface ReceivedMessage {
  /** The decrypted body, parsed as JSON. */
  payload: unknown;
  /** The VAPID JWT's claims, after its signature was checked. */
  vapid: { aud: string; exp: number; sub: string };
  ttl: number;
}

export interface StandInSubscription {
  /** The push service URL for this subscription (what PushSubscription.endpoint holds). */
  endpoint: string;
  keys: SubscriptionKeys;
  received: ReceivedMessage[];
}

export interface PushService {
  origin: string;
  /**
   * A subscription at the stand-in, with `keys` (made here unless given): it answers `answer`
   * (201 as a push service does; 404/410 for a gone subscription, 5xx for an outage).
   */
  subscribe(options?: { keys?: SubscriptionKeys; answer?: number }): StandInSubscription;
  /** Why the stand-in refused requests (with 401): a test expects it empty. */
  refusals: string[];
  close(): Promise<void>;
}

/** Starts the stand-in; it accepts only messages signed with `vapidPublicKey` (and `subject`, if given). */
export async function startPushService(options: {
  vapidPublicKey: string;
  subject?: string;
}): Promise<PushService> {
  const subscriptions = new Map<
    string,
    { keys: SubscriptionKeys; answer: number; received: ReceivedMessage[] }
  >();
  const refusals: string[] = [];
  let origin = '';

  /** The push service's checks (RFC 8030, 8292), then the browser's decryption; throws on any failure. */
  function accept(req: IncomingMessage, body: Buffer): number {
    const browser = subscriptions.get(req.url ?? '');
    if (!browser) throw new Error(`unknown endpoint ${req.url}`);
    if (req.method !== 'POST') throw new Error(`method ${req.method}`);
    if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding is not aes128gcm');
    if (!/^\d+$/.test(String(req.headers.ttl))) throw new Error('no TTL');
    const vapid = verifyVapid(req.headers.authorization);
    const payload: unknown = JSON.parse(decrypt(body, browser.keys.ecdh, browser.keys.auth).toString('utf8'));
    browser.received.push({ payload, vapid, ttl: Number(req.headers.ttl) });
    return browser.answer;
  }

  function verifyVapid(authorization = '') {
    const [, jwt = '', k] = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization) ?? [];
    if (!k) throw new Error(`Authorization is not vapid t=…, k=…: ${authorization}`);
    if (k !== options.vapidPublicKey) throw new Error('k is not the VAPID public key');
    const [header = '', claims = '', signature = ''] = jwt.split('.');
    const point = Buffer.from(k, 'base64url'); // 0x04 ‖ x ‖ y
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const data = Buffer.from(`${header}.${claims}`);
    const signed = { key, dsaEncoding: 'ieee-p1363' } as const; // JWS ES256: r ‖ s
    const valid = verify('sha256', data, signed, Buffer.from(signature, 'base64url'));
    if (!valid) throw new Error('bad JWT signature');
    const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (decode(header).alg !== 'ES256') throw new Error('JWT alg is not ES256');
    const { aud, exp, sub } = decode(claims) as { aud: string; exp: number; sub: string };
    const now = Date.now() / 1000;
    if (aud !== origin) throw new Error(`aud ${aud}`);
    if (!(typeof exp === 'number' && exp > now && exp <= now + 24 * 60 * 60)) throw new Error(`exp ${exp}`);
    if (options.subject ? sub !== options.subject : !/^(mailto:|https:)/.test(sub))
      throw new Error(`sub ${sub}`);
    return { aud, exp, sub };
  }

  const server = https.createServer({ key: TLS_KEY, cert: PUSH_SERVICE_CERT }, (req, res) => {
    buffer(req)
      .then((body) => res.writeHead(accept(req, body)).end())
      .catch((err: Error) => {
        refusals.push(err.message);
        res.writeHead(401).end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    origin,
    refusals,
    subscribe({ keys = subscriptionKeys(), answer = 201 } = {}) {
      const path = `/push/${randomBytes(16).toString('base64url')}`;
      const received: ReceivedMessage[] = [];
      subscriptions.set(path, { keys, answer, received });
      return { endpoint: origin + path, keys, received };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** RFC 8291 §3.4 keys, RFC 8188 §2 record: the browser's decryption of one push message. */
function decrypt(body: Buffer, browser: ECDH, authSecret: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body.readUInt8(20);
  const senderKey = body.subarray(21, 21 + keyIdLength); // the keyid: the sender's ephemeral P-256 key
  const record = body.subarray(21 + keyIdLength);
  if (senderKey.length !== 65 || record.length > recordSize) throw new Error('bad aes128gcm header');
  const hkdf = (ikm: Buffer, salt: Buffer, info: string | Buffer, length: number) =>
    Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), browser.getPublicKey(), senderKey]);
  const ikm = hkdf(browser.computeSecret(senderKey), authSecret, keyInfo, 32);
  const cek = hkdf(ikm, salt, 'Content-Encoding: aes128gcm\0', 16);
  const nonce = hkdf(ikm, salt, 'Content-Encoding: nonce\0', 12);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce).setAuthTag(record.subarray(-16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, -16)), decipher.final()]);
  // The last (here the only) record's plaintext ends with the delimiter 2, then zero padding.
  const end = padded.findLastIndex((byte) => byte !== 0);
  if (padded[end] !== 2) throw new Error('no last-record delimiter');
  return padded.subarray(0, end);
}

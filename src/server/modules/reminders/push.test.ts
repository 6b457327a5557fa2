// The push sender against a stand-in push service on 127.0.0.1 that speaks the real protocol:
// it checks every request's VAPID JWT (RFC 8292) and decrypts the aes128gcm body (RFC 8188,
// keys as RFC 8291 derives them) with the subscription's keys, as the browser would — with
// node:crypto alone, not with the library that encrypted it.
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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPushSender, generateVapidKeys, type PushSubscriptionKeys } from './push.ts';

// web-push speaks only https, as push services do: the stand-in serves this self-signed
// certificate for 127.0.0.1 (valid 2000–2100, made for this test), trusted in beforeAll.
const TLS_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgTXMRM3bY5U73GEYq
+lYy6UkpVY5hiy1aUGZkWX4h4cqhRANCAASUQ1SqVTiEZog9UzBolF4DW9vusolk
k8QUlYsPrxkxJbwFHmXowShVB+g9wQXOs3388yz97OqkgMR7DFKq+7/q
-----END PRIVATE KEY-----`;
const TLS_CERT = `-----BEGIN CERTIFICATE-----
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

const SUBJECT = 'mailto:ops@waymark.example';
const vapid = generateVapidKeys();
const sender = createPushSender({ vapid, subject: SUBJECT });

/** The browser's side of each subscription, by endpoint path, and what the service answers. */
const subscriptions = new Map<string, { ecdh: ECDH; auth: Buffer; answer: number; received: unknown[] }>();
/** Why the stand-in refused requests (with 401); checked empty after every test. */
const refusals: string[] = [];

const server = https.createServer({ key: TLS_KEY, cert: TLS_CERT }, (req, res) => {
  buffer(req)
    .then((body) => res.writeHead(accept(req, body)).end())
    .catch((err: Error) => {
      refusals.push(err.message);
      res.writeHead(401).end();
    });
});
let origin: string;
let previousCa: typeof https.globalAgent.options.ca;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // web-push sends with https.globalAgent: trust the stand-in's certificate there.
  previousCa = https.globalAgent.options.ca;
  https.globalAgent.options.ca = TLS_CERT;
});

afterAll(async () => {
  https.globalAgent.options.ca = previousCa;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

afterEach(() => {
  expect(refusals.splice(0)).toEqual([]);
});

/** A subscription made the way a browser makes one, at the stand-in, which will answer `answer`. */
function subscribe(answer = 201) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const path = `/push/${randomBytes(16).toString('base64url')}`;
  const browser = { ecdh, auth, answer, received: [] as unknown[] };
  subscriptions.set(path, browser);
  const subscription: PushSubscriptionKeys = {
    endpoint: origin + path,
    keys: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') },
  };
  return { subscription, path, received: browser.received };
}

/** The push service's checks (RFC 8030, 8292), then the browser's decryption; throws on any failure. */
function accept(req: IncomingMessage, body: Buffer): number {
  const browser = subscriptions.get(req.url ?? '');
  if (!browser) throw new Error(`unknown endpoint ${req.url}`);
  if (req.method !== 'POST') throw new Error(`method ${req.method}`);
  if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('Content-Encoding is not aes128gcm');
  if (!/^\d+$/.test(String(req.headers.ttl))) throw new Error('no TTL');
  verifyVapid(req.headers.authorization);
  browser.received.push(JSON.parse(decrypt(body, browser.ecdh, browser.auth).toString('utf8')));
  return browser.answer;
}

function verifyVapid(authorization = '') {
  const [, jwt = '', k] = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(authorization) ?? [];
  if (!k) throw new Error(`Authorization is not vapid t=…, k=…: ${authorization}`);
  if (k !== vapid.publicKey) throw new Error('k is not the VAPID public key');
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
  const { aud, exp, sub } = decode(claims);
  const now = Date.now() / 1000;
  if (aud !== origin) throw new Error(`aud ${aud}`);
  if (!(typeof exp === 'number' && exp > now && exp <= now + 24 * 60 * 60)) throw new Error(`exp ${exp}`);
  if (sub !== SUBJECT) throw new Error(`sub ${sub}`);
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

describe('push sender', () => {
  it('generates VAPID keys: a P-256 pair, URL-safe base64', () => {
    const keys = generateVapidKeys();
    expect(keys.publicKey).toMatch(/^[\w-]+$/);
    expect(keys.privateKey).toMatch(/^[\w-]+$/);
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    expect(ecdh.getPublicKey('base64url')).toBe(keys.publicKey);
  });

  it('delivers the payload, VAPID-signed with the generated keys and encrypted for the browser', async () => {
    const { subscription, received } = subscribe();
    const payload = {
      title: 'Zeit für Rust',
      body: '20 minutes today — keep the streak',
      url: '/roadmaps/rust',
    };

    expect(await sender.send(subscription, payload)).toBe('sent');
    expect(received).toEqual([payload]);
  });

  it('is refused by the stand-in when signed with other VAPID keys (the checks are real)', async () => {
    const { subscription, received } = subscribe();
    const stranger = createPushSender({ vapid: generateVapidKeys(), subject: SUBJECT });

    await expect(stranger.send(subscription, { title: 'Hi' })).rejects.toThrow(/answered 401$/);
    expect(refusals.splice(0)).toEqual(['k is not the VAPID public key']);
    expect(received).toEqual([]);
  });

  it.each([410, 404])('resolves gone when the push service answers %i', async (status) => {
    const { subscription, received } = subscribe(status);

    expect(await sender.send(subscription, { title: 'Hi' })).toBe('gone');
    expect(received).toEqual([{ title: 'Hi' }]);
  });

  it('throws on another failure, naming the push service by its origin only', async () => {
    const { subscription, path } = subscribe(500);

    const message = await sender
      .send(subscription, { title: 'Hi' })
      .then(String, (err: Error) => err.message);
    expect(message).toBe(`push service ${origin} answered 500`);
    for (const secret of [path, subscription.keys.p256dh, subscription.keys.auth]) {
      expect(message).not.toContain(secret);
    }
  });
});

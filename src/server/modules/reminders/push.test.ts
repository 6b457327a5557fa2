// The push sender against a stand-in push service on 127.0.0.1 that speaks the real protocol
// (test/helpers/push-service.ts): it checks every request's VAPID JWT (RFC 8292) and decrypts
// the aes128gcm body (RFC 8188, keys as RFC 8291 derives them) with the subscription's keys, as
// the browser would — with node:crypto alone, not with the library that encrypted it.
import { createECDH } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  PUSH_SERVICE_CERT,
  startPushService,
  type PushService,
} from '../../../../test/helpers/push-service.ts';
import { createPushSender, generateVapidKeys, type PushSubscriptionKeys } from './push.ts';

const SUBJECT = 'mailto:ops@waymark.example';
const vapid = generateVapidKeys();
// The stand-in listens on 127.0.0.1 with a self-signed certificate: allowed and trusted here.
const local = { allowPrivate: true, ca: PUSH_SERVICE_CERT };
const sender = createPushSender({ vapid, subject: SUBJECT, ...local });
let service: PushService;

beforeAll(async () => {
  service = await startPushService({ vapidPublicKey: vapid.publicKey, subject: SUBJECT });
});

afterAll(async () => {
  await service.close();
});

afterEach(() => {
  expect(service.refusals.splice(0)).toEqual([]);
});

/** A subscription made the way a browser makes one, at the stand-in, which will answer `answer`. */
function subscribe(answer = 201) {
  const standIn = service.subscribe({ answer });
  const subscription: PushSubscriptionKeys = { endpoint: standIn.endpoint, keys: standIn.keys.json };
  const received = () => standIn.received.map((m) => m.payload);
  return { subscription, path: new URL(standIn.endpoint).pathname, received };
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
    expect(received()).toEqual([payload]);
  });

  it('is refused by the stand-in when signed with other VAPID keys (the checks are real)', async () => {
    const { subscription, received } = subscribe();
    const stranger = createPushSender({ vapid: generateVapidKeys(), subject: SUBJECT, ...local });

    await expect(stranger.send(subscription, { title: 'Hi' })).rejects.toThrow(/answered 401$/);
    expect(service.refusals.splice(0)).toEqual(['k is not the VAPID public key']);
    expect(received()).toEqual([]);
  });

  it.each([410, 404])('resolves gone when the push service answers %i', async (status) => {
    const { subscription, received } = subscribe(status);

    expect(await sender.send(subscription, { title: 'Hi' })).toBe('gone');
    expect(received()).toEqual([{ title: 'Hi' }]);
  });

  it('throws on another failure, naming the push service by its origin only', async () => {
    const { subscription, path } = subscribe(500);

    const message = await sender
      .send(subscription, { title: 'Hi' })
      .then(String, (err: Error) => err.message);
    expect(message).toBe(`push service ${service.origin} answered 500`);
    for (const secret of [path, subscription.keys.p256dh, subscription.keys.auth]) {
      expect(message).not.toContain(secret);
    }
  });

  it('checks where the endpoint points at every send: a private address, or a name rebound to one, reaches nothing and the subscription goes', async () => {
    const { subscription, received } = subscribe();
    const guarded = createPushSender({ vapid, subject: SUBJECT, ca: PUSH_SERVICE_CERT });
    expect(await guarded.send(subscription, { title: 'Hi' })).toBe('gone');
    // A push host that resolved to a public address when the browser subscribed, and to this
    // machine now (DNS rebinding).
    const port = new URL(subscription.endpoint).port;
    const rebound = {
      ...subscription,
      endpoint: `https://push.example.net:${port}${new URL(subscription.endpoint).pathname}`,
    };
    let lookups = 0;
    const rebinding = createPushSender({
      vapid,
      subject: SUBJECT,
      ca: PUSH_SERVICE_CERT,
      // Public when checked before the send, this machine when the connection is made.
      lookup: async () => [{ address: lookups++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }],
    });
    expect(await rebinding.send(rebound, { title: 'Hi' })).toBe('gone');
    expect(received()).toEqual([]);
  });
});

// Web Push (RFC 8030): sends a reminder to one browser subscription, the payload encrypted for
// it (RFC 8291, aes128gcm) and the request signed with the server's VAPID key (RFC 8292) — all by
// the web-push library. Endpoints are capability URLs, so errors name only the push service's
// origin, never the endpoint's path or the subscription's keys.
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import webpush from 'web-push';
import { checkUrl, guardedHttpsAgent, OutboundRefused, type LookupFn } from '../../infra/outbound.ts';

export interface PushSubscriptionKeys {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

/** A P-256 key pair, URL-safe base64 (the public key uncompressed), as web-push generates. */
export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

/**
 * 'gone': the push service no longer knows the subscription (404/410), or its endpoint now points
 * where Waymark will not send (the SSRF guard); the caller deletes it.
 */
export type PushOutcome = 'sent' | 'gone';

export interface PushSender {
  send(subscription: PushSubscriptionKeys, payload: object): Promise<PushOutcome>;
}

/** How long the push service keeps a message for a browser that is offline. */
const TTL_SECONDS = 12 * 60 * 60;

export function generateVapidKeys(): VapidKeys {
  return webpush.generateVAPIDKeys();
}

/**
 * In development, a VAPID pair generated once into the data dir (`vapid.json`, mode 600), so
 * `npm start` has push reminders without configuration and browsers stay subscribed across
 * restarts. Production sets VAPID_PUBLIC_KEY / VAPID_PRIVATE_KEY (`npx waymark keys --vapid`).
 */
export async function developmentVapidKeys(dataDir: string): Promise<VapidKeys> {
  const file = path.join(dataDir, 'vapid.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as VapidKeys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dataDir, { recursive: true });
  await writeFile(file, JSON.stringify(generateVapidKeys()), { mode: 0o600, flag: 'wx' }).catch(
    (err: unknown) => {
      // Another process made one first: use theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    },
  );
  await chmod(file, 0o600);
  return JSON.parse(await readFile(file, 'utf8')) as VapidKeys;
}

export function createPushSender(options: {
  vapid: VapidKeys;
  /** A mailto: or https: URL the push service can reach the operator at. */
  subject: string;
  timeoutMs?: number;
  /** Endpoints on private addresses (PUSH_ALLOW_PRIVATE_ENDPOINTS: a push service on this network). */
  allowPrivate?: boolean;
  lookup?: LookupFn;
  /** A certificate to trust as well (a stand-in push service in tests). */
  ca?: string;
}): PushSender {
  const vapidDetails = { subject: options.subject, ...options.vapid };
  const timeout = options.timeoutMs ?? 10_000;
  // The endpoint was checked when the browser subscribed; every send checks again where its name
  // points now, at connect time, so a name rebound to an internal address reaches nothing.
  const guard = {
    allowPrivate: options.allowPrivate ?? false,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  };
  const agent = guardedHttpsAgent({ ...guard, ...(options.ca ? { ca: options.ca } : {}) });

  return {
    async send(subscription, payload) {
      try {
        // An address written as one (no name to look up at connect time) is checked here.
        await checkUrl(subscription.endpoint, guard);
        await webpush.sendNotification(subscription, JSON.stringify(payload), {
          vapidDetails,
          contentEncoding: 'aes128gcm',
          TTL: TTL_SECONDS,
          timeout,
          agent,
        });
        return 'sent';
      } catch (err) {
        // An endpoint that now points somewhere Waymark will not send to is dropped like a gone one.
        if (
          err instanceof OutboundRefused ||
          (err as { cause?: unknown })?.cause instanceof OutboundRefused
        ) {
          return 'gone';
        }
        const service = `push service ${originOf(subscription.endpoint)}`;
        if (!(err instanceof webpush.WebPushError)) {
          // Network errors, timeouts, invalid keys: they carry no endpoint path or key.
          throw new Error(`${service} failed: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          });
        }
        if (err.statusCode === 404 || err.statusCode === 410) return 'gone';
        // Without the WebPushError as the cause: it holds the whole endpoint URL.
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`${service} answered ${err.statusCode}`);
      }
    },
  };
}

function originOf(endpoint: string): string {
  return URL.parse(endpoint)?.origin ?? '(invalid endpoint)';
}

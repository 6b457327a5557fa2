// Push reminders in this browser (Web Push): register the service worker (public/sw.js), ask
// for permission, subscribe with the server's VAPID key and hand the subscription to the API;
// and the way back. The server keeps one row per browser; this browser remembers which one is
// its own (per account) in localStorage, so Settings can say "on in this browser" and turn it off.
import { ApiError, call, client } from './api.ts';

/** Why push cannot be turned on here, in words that say what to do instead; null when it can. */
export function pushUnsupported(): string | null {
  if (!window.isSecureContext) {
    return 'Push notifications need Waymark served over https (or opened on this computer as localhost).';
  }
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    return 'This browser cannot show push notifications. Use email reminders, or a current Chrome, Edge, Firefox or Safari (on iPhone and iPad, add Waymark to the home screen first).';
  }
  return null;
}

const storageKey = (userId: string) => `waymark-push-subscription:${userId}`;

/** The id of the subscription this browser made for `userId`, if it made one. */
export function storedSubscriptionId(userId: string): string | null {
  try {
    return localStorage.getItem(storageKey(userId));
  } catch {
    return null;
  }
}

function storeSubscriptionId(userId: string, id: string | null) {
  try {
    if (id) localStorage.setItem(storageKey(userId), id);
    else localStorage.removeItem(storageKey(userId));
  } catch {
    // Storage is off (private mode): push still works; Settings only cannot tell it is on.
  }
}

/** A VAPID public key (URL-safe base64, as the API sends it) as the bytes PushManager takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function sameKey(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false;
  const bytes = new Uint8Array(a);
  return bytes.every((byte, i) => byte === b[i]);
}

/** Why push could not be turned on, in words that say what to do next (the page shows it). */
export class PushProblem extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PushProblem';
  }
}

/** `task`, with a browser's own exception (a DOMException's words) put as `message`. */
async function or<T>(task: Promise<T>, message: string): Promise<T> {
  try {
    return await task;
  } catch (err) {
    throw new PushProblem(message, { cause: err });
  }
}

export const DENIED_HELP =
  'Notifications are blocked for this site. Allow them in your browser’s site settings (the icon at the left of the address bar → Notifications → Allow), then turn push on again.';

/**
 * Turns push on in this browser for the signed-in `userId`: service worker, permission,
 * subscription, and the API's record of it. Answers the subscription's id at the API.
 */
export async function turnOnPush(userId: string, vapidPublicKey: string): Promise<string> {
  const registration = await or(
    navigator.serviceWorker.register('/sw.js', { scope: '/' }),
    'This browser did not start Waymark’s service worker (/sw.js), which shows the notifications. Reload the page and try again; if it happens again, tell the people who run this Waymark.',
  );
  const permission = await Notification.requestPermission();
  if (permission === 'denied') throw new PushProblem(DENIED_HELP);
  if (permission !== 'granted') {
    throw new PushProblem(
      'Notifications were not allowed: the browser’s question was closed. Turn push on again and choose Allow.',
    );
  }
  await navigator.serviceWorker.ready;
  const key = applicationServerKey(vapidPublicKey);
  // A subscription made earlier with another server key (the server's keys changed) cannot be
  // reused: the browser refuses a second key, so that one ends first.
  let subscription = await registration.pushManager.getSubscription();
  if (subscription && !sameKey(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await or(
    registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
    'Your browser’s push service did not answer (it may be blocked on this network, or turned off in the browser). Try again later, or use email reminders.',
  );
  const json = subscription.toJSON();
  if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) {
    throw new PushProblem(
      'This browser made a push subscription without keys. Try again, or use email reminders.',
    );
  }
  const saved = await call(() =>
    client.POST('/api/v1/me/push-subscriptions', {
      body: {
        endpoint: json.endpoint!,
        expirationTime: json.expirationTime ?? null,
        keys: { p256dh: json.keys!.p256dh!, auth: json.keys!.auth! },
      },
    }),
  );
  storeSubscriptionId(userId, saved.id);
  return saved.id;
}

/** Turns push off in this browser: the browser's subscription ends and the API forgets it. */
export async function turnOffPush(userId: string, id: string): Promise<void> {
  // The API first: if it cannot be reached, nothing has changed and the page says so.
  try {
    await call(() => client.DELETE('/api/v1/me/push-subscriptions/{id}', { params: { path: { id } } }));
  } catch (err) {
    // 404: the server had already dropped it (the push service said it was gone). Off all the same.
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  storeSubscriptionId(userId, null);
  const registration =
    'serviceWorker' in navigator ? await navigator.serviceWorker.getRegistration('/') : undefined;
  const subscription = await registration?.pushManager.getSubscription();
  await subscription?.unsubscribe();
}

// Waymark's service worker, served as it is at /sw.js (src/web/public; Vite copies it to
// dist/web). It does two things only: show the push reminders the server sends
// (src/server/modules/reminders/push.ts), and open Waymark when one is clicked. It caches
// nothing and answers no fetches, so the app works the same with or without it. Registered by
// Settings → Reminders when push is turned on (src/web/push.ts).
/* global self */

// A new version takes over at once, and open tabs come under it (so a click can navigate them).
self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

/** A same-origin path from the payload's url, or the dashboard. */
function pathOf(url) {
  try {
    const parsed = new URL(url, self.location.origin);
    if (parsed.origin === self.location.origin) return parsed.pathname + parsed.search + parsed.hash;
  } catch {
    // not a URL: the dashboard
  }
  return '/dashboard';
}

// The payload is JSON: {title, body, url, tag} (PushPayload in modules/reminders/service.ts).
// No icon: a notification shows the site's, and nothing is fetched from elsewhere.
self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : {};
  } catch {
    message = { body: event.data.text() };
  }
  const text = (value, fallback) => (typeof value === 'string' && value ? value : fallback);
  event.waitUntil(
    self.registration.showNotification(text(message.title, 'Waymark'), {
      body: text(message.body, ''),
      // One reminder at a time: a newer one with the same tag replaces the one still shown.
      tag: text(message.tag, 'waymark'),
      data: { url: pathOf(message.url ?? '/dashboard') },
    }),
  );
});

// A click opens the notification's page: in a Waymark tab already open, else in a new one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = new URL(event.notification.data?.url ?? '/dashboard', self.location.origin).href;
  event.waitUntil(
    (async () => {
      const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      for (const tab of tabs) {
        if (new URL(tab.url).origin !== self.location.origin) continue;
        try {
          const focused = await tab.focus();
          await focused.navigate(url);
          return;
        } catch {
          // a tab this worker does not control cannot be navigated from here: open one instead
        }
      }
      await self.clients.openWindow(url);
    })(),
  );
});

// Server-Sent Events over a real socket: a learner's writes reach their open streams, and no
// one else's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test/helpers/app.ts';
import { signUp, type SignedUp } from '../../../../test/helpers/auth.ts';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as { port: number }).port}`;
});
afterAll(async () => t.close());

interface Stream {
  events: { event: string; data: unknown }[];
  /** Resolves when an event of `type` has arrived. */
  next(type: string, timeoutMs?: number): Promise<{ event: string; data: unknown }>;
  close(): void;
}

async function open(who: SignedUp): Promise<Stream & { status: number; headers: Headers }> {
  const controller = new AbortController();
  const res = await fetch(`${base}/api/v1/me/events`, { headers: who.auth, signal: controller.signal });
  const events: { event: string; data: unknown }[] = [];
  let text = '';
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const waiters: (() => void)[] = [];
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
        let end;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end);
          text = text.slice(end + 2);
          const event = /^event: (.+)$/m.exec(block)?.[1];
          const data = /^data: (.+)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) });
          waiters.splice(0).forEach((w) => w());
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    async next(type, timeoutMs = 2000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find((e) => e.event === type);
        if (found) {
          events.splice(events.indexOf(found), 1);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no ${type} event within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close() {
      controller.abort();
    },
  };
}

describe('GET /api/v1/me/events', () => {
  it('streams the learner’s progress and study-session writes', async () => {
    const me = await signUp(t.app);
    const stream = await open(me);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.headers.get('x-content-type-options')).toBe('nosniff');

    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      headers: me.auth,
      payload: { status: 'done' },
    });
    expect((await stream.next('progress')).data).toMatchObject({
      roadmapSlug: 'backend-developer',
      stepSlug: 'postgresql',
      status: 'done',
    });

    const logged = await t.app.inject({
      method: 'POST',
      url: '/api/v1/me/study-sessions',
      headers: me.auth,
      payload: { minutes: 25 },
    });
    expect((await stream.next('study-session')).data).toEqual({ action: 'created', session: logged.json() });
    stream.close();
  });

  it('never carries another learner’s events', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    const streamB = await open(b);
    const streamA = await open(a);
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/rest-apis',
      headers: a.auth,
      payload: { status: 'done' },
    });
    await streamA.next('progress');
    // B's own write arrives after A's, on B's stream; A's never does.
    await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/roadmaps/backend-developer/steps/postgresql',
      headers: b.auth,
      payload: { status: 'in_progress' },
    });
    expect((await streamB.next('progress')).data).toMatchObject({ stepSlug: 'postgresql' });
    expect(streamB.events).toEqual([]);
    streamA.close();
    streamB.close();
  });

  it('needs a valid bearer token: 401 problem+json', async () => {
    const res = await fetch(`${base}/api/v1/me/events`);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/problem\+json/);
  });
});

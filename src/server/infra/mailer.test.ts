// Mail through a real SMTP server started here (smtp-server), end to end: a password reset
// requested over the API arrives as a message whose link resets the password.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/app.ts';
import { signUp } from '../../../test/helpers/auth.ts';
import { outbox } from '../db/schema.ts';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let smtp: SMTPServer;
let received: Received[] = [];
let t: TestApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
        });
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createTestApp({
    SMTP_URL: `smtp://127.0.0.1:${port}`,
    MAIL_FROM: 'Waymark <noreply@waymark.test>',
  });
});
afterAll(async () => {
  await t.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

/** The decoded text of a quoted-printable message body. */
function text(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

describe('mail over SMTP', () => {
  it('delivers the password-reset link, which resets the password once', async () => {
    const session = await signUp(t.app);
    received = received.filter((m) => !m.to.includes(session.user.email)); // the welcome mail
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email: session.user.email },
    });
    expect(res.statusCode).toBe(202);
    await t.app.services.background.idle(); // reset mail leaves after the answer
    await vi.waitFor(() => expect(received.some((m) => m.to.includes(session.user.email))).toBe(true));
    const mail = received.find((m) => m.to.includes(session.user.email))!;
    expect(mail.from).toBe('noreply@waymark.test');
    expect(mail.raw).toMatch(/Subject: Reset your Waymark password/);
    const token = /reset-password\?token=([\w-]+)/.exec(text(mail.raw))![1]!;

    const confirm = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'mailed links work nicely' },
    });
    expect(confirm.statusCode).toBe(204);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: session.user.email, password: 'mailed links work nicely' },
    });
    expect(login.statusCode).toBe(200);
    // With an SMTP server configured, nothing goes to the outbox table.
    expect(await t.db.primary.select().from(outbox)).toEqual([]);
  });
});

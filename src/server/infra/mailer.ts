// Outgoing mail. With SMTP_URL, nodemailer sends it; without, the message is written to the
// log and kept in the `outbox` table, so a self-hoster without a mail server can still read a
// password-reset link (and tests can read what was sent).
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/client.ts';
import { outbox } from '../db/schema.ts';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  /** An HTML alternative to `text` (no remote images: it must read the same without them). */
  html?: string;
  /** Extra headers, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058). */
  headers?: Record<string, string>;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** nodemailer is loaded only when SMTP_URL is set (it costs ~70 ms of every start otherwise). */
export async function createSmtpMailer(options: {
  url: string;
  from: string;
  timeoutMs?: number;
}): Promise<Mailer> {
  const { default: nodemailer } = await import('nodemailer');
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: options.url,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(mail) {
      await transport.sendMail({ from: options.from, ...mail });
    },
    close() {
      transport.close();
    },
  };
}

/**
 * Keeps mail in the outbox table and logs it. Outside production the log shows the whole text
 * (a developer clicks the reset link there); in production only who and what, since the text
 * may carry a single-use token.
 */
export function createOutboxMailer(options: {
  db: Db;
  log?: Pick<FastifyBaseLogger, 'info'> | undefined;
  logText: boolean;
}): Mailer {
  return {
    async send(mail) {
      await options.db.insert(outbox).values(mail);
      const header = { mail: { to: mail.to, subject: mail.subject } };
      if (options.logText) options.log?.info(header, `mail kept in the outbox (no SMTP_URL):\n${mail.text}`);
      else options.log?.info(header, 'mail kept in the outbox (no SMTP_URL)');
    },
    close() {},
  };
}

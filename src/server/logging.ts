// What the logs may say. Access-log lines and error logs go to files and log services that more
// people read than the database: no secret leaves the process through them.
// - URLs: the values of query parameters that carry secrets (mail-link tokens, OAuth codes and
//   state, the calendar-feed token…) are replaced by `[redacted]`.
// - Errors: a failed query's parameters (an argon2 hash, a study note, a draft) never reach the
//   log — neither Drizzle's `params` nor its message's "params:" part, nor PostgreSQL's `detail`
//   (which repeats the offending values); the SQL text and the error code stay, to debug with.
import { stdSerializers } from 'pino';

const SECRET_PARAMS = /^(token|code|state|refresh_?token|access_?token|id_?token|password|secret|key)$/i;

export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        // a broken name is kept as it is
      }
      return eq >= 0 && SECRET_PARAMS.test(decoded) ? `${name}=[redacted]` : pair;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

const PARAMS_IN_MESSAGE = /\nparams:[\s\S]*$/;
const DROPPED = new Set(['params', 'detail', 'parameters', 'values', 'query']);

type Serialized = Record<string, unknown>;

/** pino's error serializer, minus query parameters anywhere in the error or its causes. */
export function serializeError(err: Error): {
  type: string;
  message: string;
  stack: string;
  [key: string]: unknown;
} {
  return serializeAny(err, 0) as { type: string; message: string; stack: string };
}

function serializeAny(err: unknown, depth: number): unknown {
  if (!(err instanceof Error) || depth > 4) return err;
  const out = stdSerializers.err(err) as Serialized;
  for (const key of Object.keys(out)) if (DROPPED.has(key)) delete out[key];
  if (typeof out.message === 'string') out.message = out.message.replace(PARAMS_IN_MESSAGE, '');
  if (typeof out.stack === 'string') {
    out.stack = out.stack.replace(/\nparams:[^\n]*(\n(?! {4}at ).*)*/, '');
  }
  const query = (err as { query?: unknown }).query;
  if (typeof query === 'string') out.sql = query;
  if (err.cause !== undefined) out.cause = serializeAny(err.cause, depth + 1);
  return out;
}

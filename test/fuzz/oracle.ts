// What every answer must be, whatever was sent: below 500; every 4xx an RFC 9457 problem
// (application/problem+json with type, title and status); no stack trace, SQL or password
// hash in any body. Failures are grouped by (operation, status, problem) for the report.
import type { Request } from './cases.ts';

export interface Answer {
  status: number;
  headers: Record<string, unknown>;
  contentType: string;
  body: string;
  /** The error the server logged for this request (its onError hook), if any. */
  cause?: string | undefined;
}

export interface Finding {
  op: string;
  target: string;
  cls: string;
  note: string;
  status: number;
  problem: string;
  /** What came back, shortened and stripped of per-request details, for grouping. */
  got: string;
  cause?: string | undefined;
  request: Request;
  body: string;
}

const LEAKS: [RegExp, string][] = [
  [/ {4}at /, 'a stack trace ("    at ")'],
  [/\$argon2/, 'an argon2 hash'],
];
// Roadmap content may well say "select a database" in a 200: SQL is looked for in errors.
const SQL_LEAKS: [RegExp, string][] = [
  [/insert into/i, 'SQL text ("insert into")'],
  [/select /i, 'SQL text ("select ")'],
  [/syntax error at/i, 'SQL text ("syntax error at")'],
];

/** The problems with one answer; empty when it is fine. */
export function inspect(answer: Answer, method = 'GET'): string[] {
  const problems: string[] = [];
  const { status, contentType, body } = answer;
  if (status >= 500) problems.push(`status ${status}`);
  if (status >= 400 && status < 500) {
    if (!/^application\/problem\+json\b/i.test(contentType)) {
      problems.push(`4xx not application/problem+json (${contentType || 'no content-type'})`);
    } else if (method !== 'HEAD') {
      // (A HEAD answer has the headers of the GET one, and no body.)
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        problems.push('problem body is not JSON');
      }
      if (parsed !== undefined) {
        const p = parsed as Record<string, unknown>;
        const lacking = ['type', 'title'].filter((k) => typeof p[k] !== 'string');
        if (typeof p.status !== 'number') lacking.push('status');
        if (lacking.length) problems.push(`problem lacks ${lacking.join(', ')}`);
        else if (p.status !== status) problems.push(`problem status ${String(p.status)} ≠ HTTP ${status}`);
      }
    }
  }
  for (const [pattern, what] of [...LEAKS, ...(status >= 300 ? SQL_LEAKS : [])]) {
    if (pattern.test(body)) problems.push(`body contains ${what}`);
  }
  return problems;
}

/** A short account of an answer that does not depend on the request's own values or id. */
export function summarize(answer: Answer): string {
  let what = answer.body.slice(0, 200);
  try {
    const json = JSON.parse(answer.body) as Record<string, unknown>;
    const parts = [json.code, json.title ?? json.error, json.detail ?? json.message]
      .filter((v) => typeof v === 'string')
      .map(String);
    if (parts.length) what = parts.join(': ');
  } catch {
    // not JSON: its first characters
  }
  return normalize(`${answer.contentType.split(';')[0] || 'no content-type'} ${what}`);
}

/** Strips the request-specific parts of a message (quoted values, ids, long numbers). */
export function normalize(text: string): string {
  return text
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/report request id \S+/g, 'report request id <id>')
    .replace(/"[^"]{0,300}"/g, '"…"')
    .replace(/\/api\/v1\/\S*/g, '<path>')
    .replace(/\d{4,}/g, '<n>')
    .replace(/\s+/g, ' ')
    .slice(0, 240);
}

export interface Group {
  op: string;
  status: number;
  problem: string;
  got: string;
  cause?: string | undefined;
  count: number;
  entries: { target: string; cls: string; note: string }[];
  example: { request: string; body: string };
}

export function describeRequest(r: Request): string {
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${k === 'authorization' && v.length > 40 ? `${v.slice(0, 30)}…` : clip(v, 80)}`)
    .join('; ');
  const payload =
    r.payload === undefined
      ? ''
      : ` body(${r.payload.length} ${Buffer.isBuffer(r.payload) ? 'bytes' : 'chars'}): ${clip(
          Buffer.isBuffer(r.payload) ? r.payload.toString('latin1') : r.payload,
          200,
        )}`;
  return `${r.method} ${clip(r.url, 300)} [${headers}]${payload}`;
}

/** At most `n` characters, with controls, surrogates and invisible characters as escapes. */
export function clip(text: string, n: number): string {
  let shown = '';
  for (const c of text.length > n ? text.slice(0, n) : text) {
    const code = c.charCodeAt(0);
    const invisible =
      code < 0x20 || (code >= 0x7f && code <= 0xa0) || (code >= 0xd800 && code <= 0xdfff && c.length === 1);
    shown +=
      invisible || /[\u2028\u2029\u200b-\u200f\u202a-\u202e\ufeff\uffff]/.test(c)
        ? `\\u${code.toString(16).padStart(4, '0')}`
        : c;
  }
  return text.length > n ? `${shown}… (${text.length} chars)` : shown;
}

export function group(findings: Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = [f.op, f.status, f.problem, f.cause ? normalize(f.cause) : f.got].join('\u0001');
    let g = groups.get(key);
    if (!g) {
      g = {
        op: f.op,
        status: f.status,
        problem: f.problem,
        got: f.got,
        cause: f.cause,
        count: 0,
        entries: [],
        example: { request: describeRequest(f.request), body: clip(f.body, 200) },
      };
      groups.set(key, g);
    }
    g.count++;
    g.entries.push({ target: f.target, cls: f.cls, note: f.note });
  }
  return [...groups.values()];
}

export function formatGroups(groups: Group[], maxGroups = 80, maxEntries = 8): string {
  const lines: string[] = [];
  for (const g of groups.slice(0, maxGroups)) {
    // A 5xx says what the server met (its logged error); anything else, what came back.
    const what = g.cause ? `server error: ${clip(g.cause, 260)}` : `${g.problem}: got ${g.got}`;
    lines.push(`● ${g.op} → ${g.status} ×${g.count}  ${what}`);
    // By field and class, the notes of one (field, class) on one line.
    const byField = new Map<string, Set<string>>();
    for (const e of g.entries) {
      const k = `${e.target}  [${e.cls}]`;
      byField.set(k, (byField.get(k) ?? new Set()).add(e.note));
    }
    const rows = [...byField.entries()];
    for (const [k, notes] of rows.slice(0, maxEntries)) {
      const list = [...notes];
      lines.push(
        `    ${k} ${list.slice(0, 4).join(' | ')}${list.length > 4 ? ` | +${list.length - 4}` : ''}`,
      );
    }
    if (rows.length > maxEntries) lines.push(`    … and ${rows.length - maxEntries} more fields/classes`);
    lines.push(`    e.g. ${g.example.request}`);
    if (!g.cause) lines.push(`    answer: ${g.example.body}`);
  }
  if (groups.length > maxGroups) {
    lines.push(`… and ${groups.length - maxGroups} more groups (FUZZ_REPORT=1 lists all)`);
  }
  return lines.join('\n');
}

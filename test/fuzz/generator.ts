// Hostile requests generated from the OpenAPI document: a seeded PRNG, the operations with
// their `$ref`s resolved, a catalogue of hostile values by class, and the cases for one
// operation (one field of a valid baseline replaced at a time, plus whole-body, content-type,
// authorization and header attacks). Nothing here knows Waymark: what a valid request of an
// operation looks like comes from the caller (test/fuzz/fixtures.ts), or from the schema.

// ---------------------------------------------------------------------------------------------
// PRNG: mulberry32, seeded per (seed, operation, round) so operations do not shift each other.

export interface Rand {
  next(): number;
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
}

export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function createRand(seed: number, ...labels: (string | number)[]): Rand {
  let state = (seed ^ hashString(labels.join('\u0001'))) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

// ---------------------------------------------------------------------------------------------
// The OpenAPI document.

export type Schema = Record<string, unknown>;
export interface OpenApiDoc {
  paths: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, Schema> };
}

export interface Param {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required: boolean;
  schema: Schema;
}

export interface Operation {
  /** `METHOD /path/{template}` */
  key: string;
  method: string;
  path: string;
  params: Param[];
  body: Schema | undefined;
  secured: boolean;
  /** Answers with a stream that stays open (text/event-stream). */
  streams: boolean;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/** Follows `$ref`s into `#/components/...` until a schema that is not a reference. */
export function deref(doc: OpenApiDoc, schema: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let guard = 0; typeof s.$ref === 'string' && guard < 50; guard++) {
    const ref = s.$ref;
    if (!ref.startsWith('#/')) throw new Error(`external $ref not supported: ${ref}`);
    let target: unknown = doc;
    for (const part of ref.slice(2).split('/')) {
      target = (target as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (!target) throw new Error(`unresolved $ref ${ref}`);
    s = target as Schema;
  }
  return s;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const shared = (item.parameters as Param[] | undefined) ?? [];
    for (const method of METHODS) {
      const op = item[method] as Record<string, unknown> | undefined;
      if (!op) continue;
      const params = [...shared, ...((op.parameters as Param[] | undefined) ?? [])].map((p) => {
        const param = deref(doc, p as unknown as Schema) as unknown as Param;
        return { ...param, required: Boolean(param.required), schema: deref(doc, param.schema) };
      });
      const content = (deref(doc, op.requestBody as Schema | undefined).content ?? {}) as Record<
        string,
        { schema?: Schema }
      >;
      const json = content['application/json'];
      const responses = (op.responses ?? {}) as Record<string, Schema>;
      const streams = Object.values(responses).some((r) =>
        Object.keys((deref(doc, r).content ?? {}) as object).includes('text/event-stream'),
      );
      const security = (op.security ?? (doc as { security?: unknown[] }).security ?? []) as unknown[];
      ops.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        params,
        body: json ? deref(doc, json.schema) : undefined,
        secured: security.length > 0,
        streams,
      });
    }
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------
// Values.

/** JSON text inserted as is where a value goes: `1e309`, 5000 nested arrays. */
export class Raw {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
/** The field is left out. */
export const MISSING = Symbol('missing');

export type Value = unknown;

/** A schema's type, looking through `anyOf`/`oneOf` to the first branch that is not null. */
export function effectiveSchema(doc: OpenApiDoc, schema: Schema): Schema {
  const s = deref(doc, schema);
  const branches = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (branches) {
    const real = branches.map((b) => deref(doc, b)).filter((b) => b.type !== 'null');
    // A union of literals (TypeBox's way of writing an enum) keeps its values.
    if (real.length > 0 && real.every((b) => Array.isArray(b.enum) || 'const' in b)) {
      return { type: 'string', enum: real.flatMap((b) => (b.enum as unknown[]) ?? [b.const]) };
    }
    if (real[0]) return { ...real[0], ...(s.description ? { description: s.description } : {}) };
  }
  return s;
}

function typeOf(s: Schema): string {
  if (Array.isArray(s.type)) return String((s.type as string[]).find((t) => t !== 'null') ?? 'string');
  if (typeof s.type === 'string') return s.type;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  if (Array.isArray(s.enum)) return typeof s.enum[0];
  return 'string';
}

function stringFitting(s: Schema, rand: Rand, hint: string): string {
  const format = s.format as string | undefined;
  if (format === 'date') return new Date().toISOString().slice(0, 10);
  if (format === 'date-time') return new Date().toISOString();
  if (format === 'email') return `fuzz-${rand.int(1e9)}@example.com`;
  if (format === 'uri' || format === 'url') return 'https://example.com/fuzz';
  if (format === 'uuid') return uuidFrom(rand);
  const min = (s.minLength as number | undefined) ?? 0;
  const max = (s.maxLength as number | undefined) ?? 64;
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern as string, 'u') : undefined;
  const candidates = [hint, 'fuzz', 'fuzz-value', 'abc123', 'fuzzvalue1', '/', 'a', 'fuzz'.repeat(5)];
  for (const c of candidates) {
    const text = c.length < min ? c.padEnd(min, 'x') : c.slice(0, Math.max(max, 1));
    if (!pattern || pattern.test(text)) return text;
  }
  return 'fuzz'.padEnd(min, 'x');
}

export function uuidFrom(rand: Rand): string {
  const hex = Array.from({ length: 32 }, () => rand.int(16).toString(16));
  hex[12] = '4';
  hex[16] = (8 + rand.int(4)).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** A value the schema accepts (as far as one schema can say: no cross-field rules). */
export function sampleOf(doc: OpenApiDoc, schema: Schema, rand: Rand, name = 'fuzz'): Value {
  const s = effectiveSchema(doc, schema);
  if ('default' in s) return s.default;
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (typeOf(s)) {
    case 'integer':
    case 'number': {
      const min = (s.minimum as number | undefined) ?? 1;
      const max = (s.maximum as number | undefined) ?? Math.max(min, 10);
      return Math.min(max, Math.max(min, 1));
    }
    case 'boolean':
      return true;
    case 'array': {
      const n = Math.max(1, (s.minItems as number | undefined) ?? 1);
      return Array.from({ length: n }, () => sampleOf(doc, (s.items as Schema) ?? {}, rand, name));
    }
    case 'object': {
      const out: Record<string, Value> = {};
      const props = (s.properties ?? {}) as Record<string, Schema>;
      for (const key of (s.required as string[] | undefined) ?? []) {
        out[key] = sampleOf(doc, props[key] ?? {}, rand, key);
      }
      return out;
    }
    default:
      return stringFitting(s, rand, name);
  }
}

// ---------------------------------------------------------------------------------------------
// Encodings: a value as a query parameter, a path segment, a header, JSON text.

function utf8Bytes(cp: number): number[] {
  if (cp < 0x80) return [cp];
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  // Lone surrogates come out as their 3-byte (WTF-8) form, which is not valid UTF-8: what a
  // client that encodes them naively sends.
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const d = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      out.push(((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000);
      i++;
    } else out.push(c);
  }
  return out;
}

/** Percent-encodes every byte but the unreserved ones; never throws (unlike encodeURIComponent). */
export function percentEncode(s: string): string {
  let out = '';
  for (const cp of codePoints(s)) {
    if (cp < 0x80 && /[A-Za-z0-9\-_~]/.test(String.fromCharCode(cp))) out += String.fromCharCode(cp);
    else for (const b of utf8Bytes(cp)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function scalarText(v: Value): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/**
 * `name=value` pairs, already encoded; an array repeats the name, an object uses brackets, null
 * sends the bare name. Undefined when the value cannot be a query parameter.
 */
export function queryPairs(name: string, v: Value): string | undefined {
  const k = percentEncode(name);
  if (v === MISSING) return '';
  if (v instanceof EncodedQuery) return v.fragment(k);
  if (v === null) return k;
  if (Array.isArray(v)) {
    if (v.length === 0) return `${k}%5B%5D=`;
    const items = v.length === 1 ? [v[0], v[0]] : v;
    return items.map((item) => `${k}=${percentEncode(scalarText(item))}`).join('&');
  }
  if (typeof v === 'object' && !(v instanceof Raw)) {
    const entries = Object.entries(v as object);
    if (entries.length === 0) return `${k}=${percentEncode('{}')}`;
    return entries
      .map(([ik, iv]) => `${k}%5B${percentEncode(ik)}%5D=${percentEncode(scalarText(iv))}`)
      .join('&');
  }
  return `${k}=${percentEncode(scalarText(v))}`;
}

/** A query value sent exactly as written (bad percent-encoding). */
export class EncodedQuery {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  fragment(key: string) {
    return `${key}=${this.text}`;
  }
}
/** A path segment sent exactly as written. */
export class EncodedSegment {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export function pathSegment(v: Value): string | undefined {
  if (v === MISSING) return '';
  if (v instanceof EncodedSegment) return v.text;
  if (v instanceof EncodedQuery) return v.text;
  return percentEncode(scalarText(v));
}

const HEADER_LIMIT = 8 * 1024;

/**
 * A header value as Node's HTTP parser would hand it over (bytes as latin1); undefined when no
 * real client could send it (NUL, CR, LF and other controls are refused on the wire).
 */
export function headerValue(v: Value): string | undefined {
  if (v === MISSING) return undefined;
  const text = scalarText(v);
  const bytes = Buffer.from(codePoints(text).flatMap(utf8Bytes)).toString('latin1');
  const clipped = bytes.length > HEADER_LIMIT ? bytes.slice(0, HEADER_LIMIT) : bytes;
  for (let i = 0; i < clipped.length; i++) {
    const c = clipped.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return undefined;
  }
  return clipped;
}

/** JSON text of a body holding Raw values. */
export function toJson(body: Value): string {
  const raws: string[] = [];
  const text = JSON.stringify(body, (_key, value: unknown) => {
    if (value instanceof Raw) {
      raws.push(value.text);
      return `\u0000RAW${raws.length - 1}\u0000`;
    }
    return value;
  });
  // JSON.stringify writes the NUL markers as \u0000 escapes.
  return text.replace(/"\\u0000RAW(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

// ---------------------------------------------------------------------------------------------
// Hostile values.

export interface Hostile {
  /** The class, for grouping: `nul`, `lone-surrogate`, `number-overflow`, ... */
  cls: string;
  /** A short, readable description of the value (never the value itself when it is big). */
  note: string;
  /** The value, or a function of the field's valid value (a NUL put in its middle). */
  value: Value | ((orig: Value) => Value);
}

const h = (cls: string, note: string, value: Value): Hostile => ({ cls, note, value });
const nested = (depth: number, open: string, close: string, inner = '1') =>
  new Raw(open.repeat(depth) + inner + close.repeat(depth));
const C0 = [0x01, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b, 0x1f, 0x7f];
const C1 = [0x80, 0x85, 0x8d, 0x9b, 0x9f];
const hex4 = (n: number) => n.toString(16).padStart(4, '0');

/** Puts `extra` in the middle of the field's valid value (or of "fuzz" when it has none). */
const inside =
  (extra: string) =>
  (orig: Value): string => {
    const text = typeof orig === 'string' && orig.length > 0 ? orig : 'fuzz';
    const at = Math.ceil(text.length / 2);
    return text.slice(0, at) + extra + text.slice(at);
  };

/** The values every field gets: one variant of each class, chosen by the PRNG, or all of a few. */
export function hostileValues(rand: Rand): Hostile[] {
  const c0 = rand.pick(C0);
  const c1 = rand.pick(C1);
  const long = rand.pick([
    { note: '100 KB of "a"', text: 'a'.repeat(100_000) },
    { note: '100 KB of "é"', text: 'é'.repeat(50_000) },
    { note: '100 KB of "😀"', text: '😀'.repeat(25_000) },
  ]);
  return [
    h('nul', '"\\u0000" inside the value', inside('\u0000')),
    h('lone-surrogate', '"\\ud800"', '\ud800'),
    h('lone-surrogate', '"a\\udfffb" inside the value', inside('a\udfffb')),
    h('control-c0', `"\\u${hex4(c0)}" (C0) inside the value`, inside(String.fromCharCode(c0))),
    h('control-c1', `"\\u${hex4(c1)}" (C1) inside the value`, inside(String.fromCharCode(c1))),
    h('line-separator', '"\\u2028" inside the value', inside('\u2028')),
    h('number-overflow', 'raw 1e309', new Raw('1e309')),
    h('number-overflow', 'raw -1e309', new Raw('-1e309')),
    // As strings they are coerced to ±Infinity by Ajv's coerceTypes, past minimum and maximum.
    h('number-overflow', '"1e309" (a string)', '1e309'),
    h('number-overflow', '"-1e309" (a string)', '-1e309'),
    rand.pick([
      h('huge-integer', '2^63', new Raw('9223372036854775808')),
      h('huge-integer', '2^53+1', new Raw('9007199254740993')),
      h('huge-integer', '30 digits', new Raw('123456789012345678901234567890')),
      h('huge-integer', '1e20', 1e20),
      h('huge-integer', '2147483648', 2147483648),
    ]),
    rand.pick([
      h('negative', '-1', -1),
      h('negative', '-2147483649', -2147483649),
      h('negative', '-0', new Raw('-0')),
      h('negative', '-9223372036854775809', new Raw('-9223372036854775809')),
    ]),
    h('fraction', '1.5', 1.5),
    rand.pick([
      h('nan-like', '"NaN"', 'NaN'),
      h('nan-like', '"Infinity"', 'Infinity'),
      h('nan-like', '"-Infinity"', '-Infinity'),
      h('nan-like', '" 1 "', ' 1 '),
    ]),
    h('wrong-type', 'true', true),
    h('wrong-type', '"0x10"', '0x10'),
    h('wrong-type', '[5]', [5]),
    h('wrong-type', '{}', {}),
    h('wrong-type', 'null', null),
    h('deep-nesting', '5000 nested arrays', nested(5000, '[', ']')),
    h('deep-nesting', '5000 nested objects', nested(5000, '{"a":', '}')),
    h('long-string', long.note, long.text),
    rand.pick([
      h('unicode', 'zero-width space and RTL override inside', inside('\u200b\u202e')),
      h('unicode', 'BOM and noncharacter U+FFFF inside', inside('\ufeff\uffff')),
      h('unicode', '200 combining marks inside', inside('\u0301'.repeat(200))),
      h('unicode', '"İİİ" (lower-cases longer) inside', inside('İİİ')),
      h('unicode', 'full-width digits', '１２３'),
    ]),
    rand.pick([
      h('injection', `SQL quote "' or 1=1--" inside`, inside("' or 1=1--")),
      h('injection', '"<script>" inside', inside('<script>alert(1)</script>')),
      h('injection', 'path traversal', '../../etc/passwd'),
      h('injection', '"%zz" inside', inside('%zz')),
      h('injection', 'backslashes inside', inside('\\\\x')),
    ]),
    h('empty', '""', ''),
    rand.pick([h('whitespace', '"   "', '   '), h('whitespace', '"\\t"', '\t')]),
  ];
}

/** Values for a field's format, all of them. */
export function formatValues(format: string | undefined, rand: Rand): Hostile[] {
  switch (format) {
    case 'date':
    case 'date-time': {
      const t = format === 'date-time' ? 'T00:00:00Z' : '';
      return [
        h('invalid-date', '2024-13-45', `2024-13-45${t}`),
        h('invalid-date', '0000-01-01', `0000-01-01${t}`),
        h('invalid-date', '99999-01-01', `99999-01-01${t}`),
        h('invalid-date', '2024-02-30', `2024-02-30${t}`),
        h('invalid-date', '-000001-01-01', `-000001-01-01${t}`),
        h('invalid-date', '+002024-01-01', `+002024-01-01${t}`),
        h('invalid-date', '1969-12-31', `1969-12-31${t}`),
        format === 'date-time'
          ? h('invalid-date', '2024-01-01T25:61:61Z', '2024-01-01T25:61:61Z')
          : h('invalid-date', 'date-time instead of date', '2024-01-01T00:00:00Z'),
      ];
    }
    case 'uuid':
      return [
        h('bad-uuid', 'nil uuid', '00000000-0000-0000-0000-000000000000'),
        h('bad-uuid', 'max uuid', 'ffffffff-ffff-ffff-ffff-ffffffffffff'),
        h('bad-uuid', 'not a uuid', 'not-a-uuid'),
        h('bad-uuid', 'upper-case uuid', uuidFrom(rand).toUpperCase()),
        h('bad-uuid', 'uuid in braces', `{${uuidFrom(rand)}}`),
        h('bad-uuid', 'uuid without hyphens', uuidFrom(rand).replace(/-/g, '')),
      ];
    case 'email':
      return [
        rand.pick([
          h('bad-email', 'a@b', 'a@b'),
          h('bad-email', 'a@[127.0.0.1]', 'a@[127.0.0.1]'),
          h('bad-email', 'quoted local part', '"a b"@example.com'),
          h('bad-email', 'unicode email', 'ü@bücher.example'),
          h('bad-email', '300-char email', `${'a'.repeat(290)}@example.com`),
          h('bad-email', 'a@b..c', 'a@b..c'),
        ]),
      ];
    case 'uri':
    case 'url':
      return [
        rand.pick([
          h('bad-uri', 'javascript: URL', 'javascript:alert(1)'),
          h('bad-uri', 'http:// only', 'http://'),
          h('bad-uri', 'unclosed IPv6', 'http://[::1'),
          h('bad-uri', '3000-char URL', `https://example.com/${'a'.repeat(3000)}`),
          h('bad-uri', 'loopback URL', 'http://127.0.0.1:6379/'),
        ]),
      ];
    default:
      return [];
  }
}

/** Query-string and path forms that only exist there: bad percent-encoding, long segments. */
export function encodedValues(where: 'query' | 'path'): Hostile[] {
  const make = where === 'query' ? (t: string) => new EncodedQuery(t) : (t: string) => new EncodedSegment(t);
  const out = [
    h('bad-percent', '"%"', make('%')),
    h('bad-percent', '"%zz"', make('%zz')),
    h('bad-percent', '"%c3%28" (invalid UTF-8)', make('%c3%28')),
    h('bad-percent', '"%ED%A0%80" (encoded surrogate)', make('%ED%A0%80')),
    h('bad-percent', '"%C0%AF" (overlong)', make('%C0%AF')),
  ];
  if (where === 'path') {
    out.push(
      h('long-param', '201 characters', make('a'.repeat(201))),
      h('long-param', '2000 characters', make('a-'.repeat(1000))),
      h('encoded-slash', '"a%2Fb"', make('a%2Fb')),
    );
  }
  return out;
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64url');

/**
 * Cursors crafted from a real one (its JSON with each leaf replaced), plus wrong shapes and
 * non-JSON. Without a real cursor, a few common shapes stand in.
 */
export function cursorValues(real: string | undefined): Hostile[] {
  let decoded: unknown;
  try {
    decoded = real ? JSON.parse(Buffer.from(real, 'base64url').toString('utf8')) : undefined;
  } catch {
    decoded = undefined;
  }
  const shapes: unknown[] =
    decoded === undefined
      ? [{ after: 'x' }, ['2024-01-01', '2024-01-01T00:00:00.000Z', 'x'], { id: 'x' }]
      : [decoded];
  const leaves: [string, string][] = [
    ['"2024-13-45"', '"2024-13-45"'],
    ['"0000-01-01"', '"0000-01-01"'],
    ['"99999-01-01T00:00:00Z"', '"99999-01-01T00:00:00Z"'],
    ['"not-a-uuid"', '"not-a-uuid"'],
    ['NUL in a string', '"a\\u0000b"'],
    ['lone surrogate', '"\\ud800"'],
    ['1e308', '1e308'],
    ['raw 1e309', '1e309'],
    ['-1', '-1'],
    ['nested object', '{"a":{"b":["c"]}}'],
    ['nested array', '[[["x"]]]'],
    ['null', 'null'],
    ['true', 'true'],
    ['""', '""'],
    ['500 characters', JSON.stringify('a'.repeat(500))],
  ];
  const out: Hostile[] = [];
  for (const shape of shapes) {
    const paths = leafPaths(shape);
    for (const path of paths) {
      for (const [note, json] of leaves) {
        const text = replaceLeaf(shape, path, json);
        out.push(h('crafted-cursor', `cursor ${path.join('.') || '(root)'} = ${note}`, b64(text)));
      }
    }
  }
  const wrong: [string, string | Buffer][] = [
    ['{}', '{}'],
    ['[]', '[]'],
    ['"x"', '"x"'],
    ['null', 'null'],
    ['123', '123'],
    ['1e309', '1e309'],
    ['deeply nested', '['.repeat(120) + ']'.repeat(120)],
    ['not JSON', 'not json'],
    ['invalid UTF-8 bytes', Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d])],
  ];
  for (const [note, text] of wrong) out.push(h('crafted-cursor', `cursor of ${note}`, b64(text)));
  out.push(
    h('crafted-cursor', 'cursor not base64url', '!!not*base64!!'),
    h('crafted-cursor', 'cursor "===="', '===='),
    h('crafted-cursor', 'cursor with a NUL', `${real ?? 'eyJ9'}\u0000`),
  );
  return out;
}

function leafPaths(v: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(v)) return v.flatMap((item, i) => leafPaths(item, [...path, i]));
  if (v && typeof v === 'object')
    return Object.entries(v).flatMap(([k, item]) => leafPaths(item, [...path, k]));
  return [path];
}

function replaceLeaf(v: unknown, path: (string | number)[], json: string): string {
  const marker = '\u0000LEAF\u0000';
  const copy = structuredClone(v);
  if (path.length === 0) return json;
  let at = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path.at(-1)!] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), json);
}

// ---------------------------------------------------------------------------------------------
// Body fields, recursively.

export interface BodyField {
  pointer: (string | number)[];
  schema: Schema;
  required: boolean;
}

export function bodyFields(doc: OpenApiDoc, schema: Schema, pointer: (string | number)[] = []): BodyField[] {
  const s = effectiveSchema(doc, schema);
  const out: BodyField[] = [];
  if (typeOf(s) === 'object') {
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [key, prop] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      out.push({ pointer: [...pointer, key], schema: prop, required: required.has(key) });
      out.push(...bodyFields(doc, prop, [...pointer, key]));
    }
  } else if (typeOf(s) === 'array' && s.items) {
    out.push({ pointer: [...pointer, 0], schema: s.items as Schema, required: true });
    out.push(...bodyFields(doc, s.items as Schema, [...pointer, 0]));
  }
  return out;
}

export function schemaAt(doc: OpenApiDoc, schema: Schema, pointer: (string | number)[]): Schema {
  let s = effectiveSchema(doc, schema);
  for (const key of pointer) {
    s =
      typeof key === 'number'
        ? effectiveSchema(doc, (s.items as Schema) ?? {})
        : effectiveSchema(doc, ((s.properties ?? {}) as Record<string, Schema>)[key] ?? {});
  }
  return s;
}

/** A copy of `body` with the value at `pointer` set (or removed), intermediates sampled. */
export function setAt(
  doc: OpenApiDoc,
  schema: Schema,
  body: Value,
  pointer: (string | number)[],
  value: Value,
  rand: Rand,
): Value {
  const root = structuredCloneJson(body ?? sampleOf(doc, schema, rand));
  let at = root as Record<string | number, unknown>;
  for (let i = 0; i < pointer.length - 1; i++) {
    const key = pointer[i]!;
    let next = at[key];
    if (next === null || typeof next !== 'object') {
      next = sampleOf(doc, schemaAt(doc, schema, pointer.slice(0, i + 1)), rand, String(key));
      if (next === null || typeof next !== 'object') next = typeof pointer[i + 1] === 'number' ? [] : {};
      at[key] = next;
    }
    at = next as Record<string | number, unknown>;
  }
  const last = pointer.at(-1)!;
  if (value === MISSING) {
    if (Array.isArray(at) && typeof last === 'number') at.splice(last, 1);
    else delete at[last];
  } else at[last] = value;
  return root;
}

function structuredCloneJson(v: Value): Value {
  if (v instanceof Raw) return v;
  if (Array.isArray(v)) return v.map(structuredCloneJson);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, structuredCloneJson(item)]));
  }
  return v;
}

export function pointerText(pointer: (string | number)[]): string {
  return pointer.map(String).join('/');
}

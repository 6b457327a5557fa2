// The cases for one operation: each is a valid baseline request with one thing made hostile —
// one parameter, one body field (recursively), the whole body, its content type, the
// credentials, an ambient header, the method or the path's shape.
import {
  MISSING,
  bodyFields,
  createRand,
  cursorValues,
  effectiveSchema,
  encodedValues,
  formatValues,
  headerValue,
  hostileValues,
  pathSegment,
  pointerText,
  queryPairs,
  sampleOf,
  setAt,
  toJson,
  type Hostile,
  type OpenApiDoc,
  type Operation,
  type Rand,
  type Schema,
  type Value,
} from './generator.ts';

/** A valid request of an operation, as the fixtures build it (values decoded). */
export interface Baseline {
  path?: Record<string, string>;
  query?: Record<string, Value>;
  headers?: Record<string, string>;
  body?: Value;
  /** The Authorization header; undefined = anonymous. */
  authorization?: string | undefined;
}

export interface Request {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

export interface FuzzCase {
  /** What was made hostile: `query.limit`, `body/layers/0/title`, `body`, `content-type`, ... */
  target: string;
  cls: string;
  note: string;
  build(base: Baseline): Request;
}

export interface CaseContext {
  doc: OpenApiDoc;
  seed: number;
  rounds: number;
  /** A real cursor of this operation, when it has one to give. */
  cursor?: string | undefined;
  /** Authorization header values to try, by note. */
  credentials: { cls: string; note: string; value: string | undefined }[];
  /**
   * At most this many one-field cases per operation and round (0: all of them), chosen by the
   * PRNG evenly across classes. Cases of the whole request (body, content type, credentials,
   * headers, method) are always all made.
   */
  budget: number;
}

/**
 * Classes whose answer the field's schema alone decides (type, range, length): one field of a
 * schema stands for every field of that same schema in the operation. Classes of the string's
 * content (NUL, surrogates, controls, ...) pass schemas and reach the code: every field gets them.
 */
const SCHEMA_DECIDED = new Set([
  'number-overflow',
  'huge-integer',
  'negative',
  'fraction',
  'nan-like',
  'wrong-type',
  'deep-nesting',
  'long-string',
  'empty',
  'whitespace',
]);

function fingerprint(schema: Schema): string {
  return JSON.stringify(schema, (key, value: unknown) => (key === 'description' ? undefined : value));
}

/** Up to `budget` cases, taken round-robin from each class's shuffled list, in their first order. */
function sample<T extends { cls: string }>(cases: T[], budget: number, rand: Rand): T[] {
  if (budget <= 0 || cases.length <= budget) return cases;
  const byClass = new Map<string, number[]>();
  cases.forEach((c, i) => byClass.set(c.cls, [...(byClass.get(c.cls) ?? []), i]));
  const lists = [...byClass.values()].map((list) => {
    for (let i = list.length - 1; i > 0; i--) {
      const j = rand.int(i + 1);
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    return list;
  });
  const chosen = new Set<number>();
  while (chosen.size < budget) {
    for (const list of lists) {
      const i = list.shift();
      if (i !== undefined && chosen.size < budget) chosen.add(i);
    }
  }
  return cases.filter((_, i) => chosen.has(i));
}

interface Parts {
  path: Record<string, string>;
  query: Map<string, string>;
  headers: Record<string, string>;
  body: Value | typeof MISSING;
  payload?: string | Buffer;
  contentType?: string | null;
}

function partsOf(doc: OpenApiDoc, op: Operation, base: Baseline, rand: Rand): Parts {
  const path: Record<string, string> = {};
  const query = new Map<string, string>();
  for (const p of op.params) {
    if (p.in === 'path') {
      path[p.name] = pathSegment(base.path?.[p.name] ?? sampleOf(doc, p.schema, rand, p.name)) ?? 'x';
    }
  }
  for (const [name, value] of Object.entries(base.query ?? {})) {
    const pairs = queryPairs(name, value);
    if (pairs) query.set(name, pairs);
  }
  const headers: Record<string, string> = { ...base.headers };
  if (base.authorization) headers.authorization = base.authorization;
  return { path, query, headers, body: op.body ? (base.body ?? sampleOf(doc, op.body, rand)) : MISSING };
}

function finish(op: Operation, parts: Parts): Request {
  let url = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => parts.path[name] ?? 'x');
  const query = [...parts.query.values()].filter(Boolean).join('&');
  if (query) url += `?${query}`;
  const headers = { ...parts.headers };
  let payload = parts.payload;
  if (payload === undefined && parts.body !== MISSING) payload = toJson(parts.body);
  if (payload !== undefined) {
    if (parts.contentType === undefined) headers['content-type'] = 'application/json';
    else if (parts.contentType !== null) headers['content-type'] = parts.contentType;
  }
  return { method: op.method, url, headers, ...(payload !== undefined ? { payload } : {}) };
}

const resolve = (hostile: Hostile, orig: Value): Value =>
  typeof hostile.value === 'function' ? (hostile.value as (o: Value) => Value)(orig) : hostile.value;

const valueAt = (body: Value, pointer: (string | number)[]): Value => {
  let at = body as Record<string | number, unknown> | undefined;
  for (const key of pointer) at = at?.[key] as Record<string | number, unknown> | undefined;
  return at;
};

export function casesFor(op: Operation, ctx: CaseContext): FuzzCase[] {
  const { doc } = ctx;
  const seen = new Set<string>();
  const cases: FuzzCase[] = [];
  const add = (c: FuzzCase) => {
    const key = `${c.target}\u0001${c.note}`;
    if (seen.has(key)) return;
    seen.add(key);
    cases.push(c);
  };
  for (let round = 0; round < ctx.rounds; round++) {
    const rand = createRand(ctx.seed, op.key, round);
    /**
     * Cases of the request as a whole that the framework answers the same way on every route:
     * with a budget, `n` of them per operation and round (and every one `keep` says), so that
     * all of them are sent across the operations.
     */
    const some = <T>(items: T[], n: number, keep: (item: T) => boolean = () => false): T[] => {
      if (ctx.budget <= 0) return items;
      const kept = items.filter(keep);
      const others = items.filter((item) => !keep(item));
      const chosen = new Set<T>();
      while (chosen.size < Math.min(n, others.length)) chosen.add(rand.pick(others));
      return items.filter((item) => kept.includes(item) || chosen.has(item));
    };
    const make =
      (mutate: (parts: Parts, base: Baseline) => void) =>
      (base: Baseline): Request => {
        const parts = partsOf(doc, op, base, createRand(ctx.seed, op.key, 'baseline'));
        mutate(parts, base);
        return finish(op, parts);
      };

    add({ target: '(baseline)', cls: 'baseline', note: 'the valid request', build: make(() => {}) });

    const fieldCases: (FuzzCase & { schemaKey: string })[] = [];

    // One parameter at a time.
    for (const p of op.params) {
      const schema = effectiveSchema(doc, p.schema);
      const values: Hostile[] = [
        ...hostileValues(rand),
        ...formatValues(schema.format as string | undefined, rand),
        ...(p.in === 'path' || p.in === 'query' ? encodedValues(p.in) : []),
        ...(p.name === 'cursor' ? cursorValues(ctx.cursor) : []),
        ...(p.required ? [{ cls: 'missing', note: 'left out', value: MISSING }] : []),
      ];
      for (const hostile of values) {
        const target = `${p.in}.${p.name}`;
        const build = make((parts, base) => {
          const orig =
            p.in === 'path'
              ? base.path?.[p.name]
              : p.in === 'query'
                ? base.query?.[p.name]
                : base.headers?.[p.name];
          const value = resolve(hostile, orig ?? sampleOf(doc, p.schema, rand, p.name));
          if (p.in === 'path') parts.path[p.name] = pathSegment(value) ?? '';
          else if (p.in === 'query') {
            const pairs = queryPairs(p.name, value);
            if (pairs === undefined || pairs === '') parts.query.delete(p.name);
            else parts.query.set(p.name, pairs);
          } else if (p.in === 'header') {
            const text = headerValue(value);
            if (text === undefined) delete parts.headers[p.name];
            else parts.headers[p.name] = text;
          }
        });
        // Values no client can put in a header are left out rather than sent as something else.
        if (p.in === 'header') {
          const probe = resolve(hostile, 'fuzz');
          if (probe !== MISSING && headerValue(probe) === undefined) continue;
        }
        fieldCases.push({
          target,
          cls: hostile.cls,
          note: hostile.note,
          build,
          schemaKey: `${p.in}${fingerprint(schema)}`,
        });
      }
    }

    // One body field at a time, recursively.
    if (op.body) {
      const bodySchema = op.body;
      for (const field of bodyFields(doc, bodySchema)) {
        const schema = effectiveSchema(doc, field.schema);
        const values: Hostile[] = [
          ...hostileValues(rand),
          ...formatValues(schema.format as string | undefined, rand),
          ...(field.required ? [{ cls: 'missing', note: 'left out', value: MISSING }] : []),
        ];
        if (schema.type === 'object' || schema.properties) {
          values.push(
            { cls: 'unknown-property', note: 'an unknown property', value: '__unknown__' },
            { cls: 'prototype', note: '"__proto__" property', value: '__proto__' },
          );
        }
        for (const hostile of values) {
          fieldCases.push({
            schemaKey: `body${fingerprint(schema)}`,
            target: `body/${pointerText(field.pointer)}`,
            cls: hostile.cls,
            note: hostile.note,
            build: make((parts) => {
              const body = parts.body === MISSING ? undefined : parts.body;
              if (hostile.cls === 'unknown-property' || hostile.cls === 'prototype') {
                const current = valueAt(body, field.pointer);
                const object =
                  current && typeof current === 'object' && !Array.isArray(current)
                    ? current
                    : sampleOf(doc, field.schema, rand);
                const marker = `__fuzz_key_${hostile.cls}__`;
                parts.body = setAt(
                  doc,
                  bodySchema,
                  body,
                  field.pointer,
                  { ...(object as object), [marker]: 1 },
                  rand,
                );
                parts.payload = toJson(parts.body).replace(
                  `"${marker}":1`,
                  hostile.cls === 'prototype'
                    ? '"__proto__":{"role":"admin","isAdmin":true}'
                    : '"fuzzUnknown":1',
                );
                return;
              }
              const value = resolve(hostile, valueAt(body, field.pointer));
              parts.body = setAt(doc, bodySchema, body, field.pointer, value, rand);
            }),
          });
        }
      }
    }

    const decided = new Set<string>();
    const distinct = fieldCases.filter((c) => {
      if (!SCHEMA_DECIDED.has(c.cls)) return true;
      const key = `${c.schemaKey}\u0001${c.note}`;
      if (decided.has(key)) return false;
      decided.add(key);
      return true;
    });
    for (const { schemaKey: _key, ...c } of sample(distinct, ctx.budget, rand)) add(c);

    // The whole body.
    const firstString = op.body
      ? bodyFields(doc, op.body).find(
          (f) =>
            effectiveSchema(doc, f.schema).type === 'string' && !f.pointer.some((k) => typeof k === 'number'),
        )
      : undefined;
    const withBytes = (bytes: number[]) =>
      make((parts) => {
        const marker = 'FUZZ_BYTES_MARKER';
        const body =
          firstString && parts.body !== MISSING
            ? setAt(doc, op.body!, parts.body, firstString.pointer, marker, rand)
            : { fuzz: marker };
        const [before, after] = toJson(body).split(marker) as [string, string];
        parts.payload = Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
      });
    const rawBodies: [string, string, string | Buffer][] = [
      ['invalid-json', 'truncated JSON "{"', '{'],
      ['invalid-json', 'empty body', ''],
      ['invalid-json', '{"a":}', '{"a":}'],
      ['invalid-json', 'trailing comma', '{"a":1,}'],
      ['invalid-json', 'single quotes', "{'a':1}"],
      ['invalid-json', 'a NUL byte', '\u0000'],
      ['invalid-json', 'trailing garbage', '{}}'],
      ['top-level-type', 'null', 'null'],
      ['top-level-type', '[]', '[]'],
      ['top-level-type', '1', '1'],
      ['top-level-type', '"x"', '"x"'],
      ['top-level-type', 'true', 'true'],
      ['top-level-type', 'raw 1e309', '1e309'],
      ['top-level-type', '"\\ud800"', '"\\ud800"'],
      ['deep-nesting', '5000 nested arrays', '['.repeat(5000) + ']'.repeat(5000)],
      ['deep-nesting', '5000 nested objects', '{"a":'.repeat(5000) + '1' + '}'.repeat(5000)],
      ['deep-nesting', '100000 nested arrays', '['.repeat(100_000) + ']'.repeat(100_000)],
    ];
    // (GET and HEAD bodies are not read: the unexpected-body cases below cover them.)
    const readsBody = Boolean(op.body) || !['GET', 'HEAD'].includes(op.method);
    for (const [cls, note, payload] of readsBody ? some(rawBodies, 9, (b) => b[0] === 'deep-nesting') : []) {
      add({
        target: 'body',
        cls,
        note,
        build: make((parts) => {
          parts.payload = payload;
          parts.contentType = 'application/json';
        }),
      });
    }
    if (op.body) {
      const spliced = (note: string, cls: string, insert: string) =>
        add({
          target: 'body',
          cls,
          note,
          build: make((parts) => {
            const json = toJson(parts.body);
            parts.payload =
              json.startsWith('{') && json !== '{}' ? `{${insert},${json.slice(1)}` : `{${insert}}`;
          }),
        });
      spliced('"__proto__" at the top', 'prototype', '"__proto__":{"role":"admin"}');
      spliced(
        '"constructor.prototype" at the top',
        'prototype',
        '"constructor":{"prototype":{"role":"admin"}}',
      );
      spliced('an unknown property at the top', 'unknown-property', '"fuzzUnknown":{"a":[1]}');
      const firstKey = Object.keys((effectiveSchema(doc, op.body).properties ?? {}) as object)[0];
      if (firstKey)
        spliced(`"${firstKey}" twice (duplicate key)`, 'duplicate-key', `"${firstKey}":{"dup":[1]}`);
      add({
        target: 'body',
        cls: 'bom',
        note: 'a UTF-8 BOM before the JSON',
        build: make((parts) => {
          parts.payload = `\ufeff${toJson(parts.body)}`;
        }),
      });
      add({
        target: 'body',
        cls: 'too-large',
        note: '1.5 MB body',
        build: make((parts) => {
          parts.body = setAt(
            doc,
            op.body!,
            parts.body,
            firstString?.pointer ?? ['fuzz'],
            'a'.repeat(1_500_000),
            rand,
          );
        }),
      });
      const invalidUtf8: [string, number[]][] = [
        ['bytes C3 28 (invalid UTF-8) in a string', [0xc3, 0x28]],
        ['bytes ED A0 80 (UTF-8 surrogate) in a string', [0xed, 0xa0, 0x80]],
        ['bytes C0 AF (overlong) in a string', [0xc0, 0xaf]],
        ['byte FF in a string', [0xff]],
        ['raw NUL byte in a string', [0x00]],
        ['raw control byte 0x01 in a string', [0x01]],
      ];
      for (const [note, bytes] of some(invalidUtf8, 3))
        add({ target: 'body', cls: 'invalid-utf8', note, build: withBytes(bytes) });
    }

    // Content types.
    if (op.body) {
      const types: [string, string | null, ((json: string) => string | Buffer) | undefined][] = [
        ['text/plain', 'text/plain', undefined],
        ['application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', () => 'a=1&b=%zz'],
        [
          'multipart/form-data',
          'multipart/form-data; boundary=x',
          () => '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--\r\n',
        ],
        ['application/xml', 'application/xml', () => '<a>1</a>'],
        ['utf-16 JSON', 'application/json; charset=utf-16le', (json) => Buffer.from(json, 'utf16le')],
        ['latin1 JSON', 'application/json; charset=iso-8859-1', undefined],
        ['upper-case type', 'APPLICATION/JSON', undefined],
        ['"application/json;"', 'application/json;', undefined],
        ['application/jsonx', 'application/jsonx', undefined],
        ['application/problem+json', 'application/problem+json', undefined],
        ['"*/*"', '*/*', undefined],
        ['malformed "application/"', 'application/', undefined],
        ['no content-type', null, undefined],
        ['empty content-type', '', undefined],
      ];
      for (const [note, type, payload] of some(types, 5)) {
        add({
          target: 'content-type',
          cls: 'content-type',
          note,
          build: make((parts) => {
            const json = toJson(parts.body);
            parts.payload = payload ? payload(json) : json;
            parts.contentType = type;
          }),
        });
      }
    } else {
      const unexpected: [string, string, string][] = [
        ['an unexpected JSON body', 'application/json', '{"a":1}'],
        ['an unexpected invalid JSON body', 'application/json', '{'],
        ['an unexpected text body', 'text/plain', 'hello'],
      ];
      for (const [note, type, payload] of unexpected) {
        add({
          target: 'body',
          cls: 'unexpected-body',
          note,
          build: make((parts) => {
            parts.payload = payload;
            parts.contentType = type;
          }),
        });
      }
    }

    // Credentials (all of them on secured operations, a few elsewhere).
    const credentials = op.secured
      ? some(ctx.credentials, 4, (c) => c.cls === 'anonymous' || c.cls === 'signed-claims')
      : ctx.credentials.slice(0, 4);
    for (const cred of credentials) {
      add({
        target: 'authorization',
        cls: cred.cls,
        note: cred.note,
        build: make((parts) => {
          if (cred.value === undefined) delete parts.headers.authorization;
          else parts.headers.authorization = cred.value;
        }),
      });
    }

    // Headers every request may carry.
    const ambient: [string, string, string, Record<string, string>][] = [
      [
        'header.cookie',
        'bad-percent',
        'refresh cookie "%zz"',
        { cookie: 'waymark_refresh=%zz; waymark_oauth=%' },
      ],
      [
        'header.cookie',
        'long-string',
        '8 KB refresh cookie, web client',
        { cookie: `waymark_refresh=${'a'.repeat(8000)}`, 'x-waymark-client': 'web' },
      ],
      [
        'header.cookie',
        'obs-text',
        'refresh cookie of bytes ff fe, web client',
        { cookie: 'waymark_refresh=\u00ff\u00fe', 'x-waymark-client': 'web' },
      ],
      ['header.x-request-id', 'injection', 'x-request-id "../\\u00ff"', { 'x-request-id': '../\u00ff' }],
      ['header.accept', 'content-negotiation', 'accept "application/xml"', { accept: 'application/xml' }],
      [
        'header.accept',
        'content-negotiation',
        'accept "*/*;q=abc, text/html"',
        { accept: '*/*;q=abc, text/html' },
      ],
      [
        'header.user-agent',
        'long-string',
        '8 KB user-agent of bytes 80-ff',
        { 'user-agent': '\u00e9\u00ff'.repeat(4000) },
      ],
      [
        'header.if-none-match',
        'wrong-type',
        'if-none-match "*, W/\\"x\\", \\""',
        { 'if-none-match': '*, W/"x", "' },
      ],
      [
        'header.x-forwarded-for',
        'injection',
        'x-forwarded-for garbage',
        { 'x-forwarded-for': '999.1.1.1, ::ffff:, \u00ff' },
      ],
      [
        'header.origin',
        'wrong-type',
        'origin "null" with sec-fetch-site cross-site',
        { origin: 'null', 'sec-fetch-site': 'cross-site' },
      ],
    ];
    for (const [target, cls, note, headers] of some(ambient, 3)) {
      add({
        target,
        cls,
        note,
        build: make((parts) => {
          Object.assign(parts.headers, headers);
        }),
      });
    }

    // The method and the path's shape.
    const shapes: [string, string, (r: Request) => Request][] = [
      ['method', 'HEAD', (r) => ({ ...r, method: 'HEAD' })],
      ['method', 'OPTIONS', (r) => ({ ...r, method: 'OPTIONS' })],
      ['method', 'an unsupported method (TRACE)', (r) => ({ ...r, method: 'TRACE' })],
      ['path', 'a trailing slash', (r) => ({ ...r, url: r.url.replace(/^([^?]*)/, '$1/') })],
      ['path', 'a doubled slash', (r) => ({ ...r, url: r.url.replace(/^(\/[^/?]+)\//, '$1//') })],
      ['path', 'upper case', (r) => ({ ...r, url: r.url.replace(/^([^?]*)/, (p) => p.toUpperCase()) })],
      [
        'path',
        'a query of 2000 parameters',
        (r) => ({
          ...r,
          url: `${r.url}${r.url.includes('?') ? '&' : '?'}${Array.from({ length: 2000 }, (_, i) => `p${i}=1`).join('&')}`,
        }),
      ],
      [
        'path',
        'a percent-encoded key "%zz=1"',
        (r) => ({ ...r, url: `${r.url}${r.url.includes('?') ? '&' : '?'}%zz=1&%=2` }),
      ],
    ];
    for (const [cls, note, change] of some(shapes, 3)) {
      const build = make(() => {});
      add({
        target: cls,
        cls: cls === 'method' ? 'method' : 'path-shape',
        note,
        build: (base) => change(build(base)),
      });
    }
  }
  return cases;
}

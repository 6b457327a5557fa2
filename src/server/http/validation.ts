// Request validation, the one place where the rules every client value must meet are applied —
// whatever the route, whatever the field (DESIGN.md, "Every string"):
//
// - JSON bodies are never coerced: `{"minutes": true}`, `"0x10"` and `[5]` are 400, not 1, 16
//   and 5. Query strings, path parameters and headers are text on the wire, so they are coerced
//   to the types their schemas declare (that is what `?limit=20` needs).
// - After a value passes its schema, it is walked once: a NUL or an unpaired surrogate in any
//   string, or a number that is not finite (`1e309` parses to Infinity and passes `integer`,
//   `minimum` and `maximum`), anywhere in it, is a 400 naming the field.
// - Formats: `line` (single-line text: no control characters, no line breaks) and `text`
//   (multi-line: no control characters but tab and line breaks) are the two kinds of free text;
//   every string field of a request declares one of them, another format, a pattern or an enum
//   (a test walks the OpenAPI document to hold us to it). `date` and `date-time` are the
//   calendar PostgreSQL accepts: years 0001 to 9999, real days only.
//
// Built from Fastify's own Ajv compiler (@fastify/ajv-compiler), twice: with and without coercion.
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifySchemaCompiler, FastifyServerOptions } from 'fastify';
import Format from 'typebox/format';
import { isCleanLine, isCleanText } from './text.ts';

/** YYYY-MM-DD, a day that exists, year 0001..9999. */
export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** RFC 3339 date-time whose date part is a calendar date as above. */
export function isTimestamp(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/.exec(
    value,
  );
  if (!match || !isCalendarDate(match[1]!)) return false;
  const [h, m, s] = [Number(match[2]), Number(match[3]), Number(match[4])];
  return h <= 23 && m <= 59 && s <= 60 && !Number.isNaN(Date.parse(value));
}

/** The formats of our own, shared by Ajv (requests) and TypeBox (content files, documents). */
export const FORMATS: Record<string, (value: string) => boolean> = {
  line: isCleanLine,
  text: isCleanText,
  date: isCalendarDate,
  'date-time': isTimestamp,
};

/** What a failed format means, in words, for the problem's `errors[].message`. */
export const FORMAT_MESSAGES: Record<string, string> = {
  line: 'must be one line of text, without control characters',
  text: 'must be text without control characters (tabs and line breaks are fine)',
  date: 'must be a date YYYY-MM-DD between 0001-01-01 and 9999-12-31',
  'date-time': 'must be an RFC 3339 date-time (e.g. 2026-03-01T09:30:00Z) in years 0001..9999',
  email: 'must be an email address',
  uuid: 'must be a UUID',
  uri: 'must be a URI',
};

for (const [name, check] of Object.entries(FORMATS)) Format.Set(name, check);

interface ValueProblem {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message: string;
}

const pointer = (path: (string | number)[]) =>
  path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The first value in `data` no request may carry, as an Ajv-style error; undefined if none. */
export function hostileValue(data: unknown): ValueProblem | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (!value.isWellFormed())
        return problem(path, 'must not contain an unpaired surrogate (not UTF-16 text)');
      if (value.includes('\u0000')) return problem(path, 'must not contain a NUL character');
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value)) return problem(path, 'must be a finite number');
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: [...path, i] }));
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (!key.isWellFormed() || key.includes('\u0000'))
          return problem(path, 'must not have a property name with NUL or an unpaired surrogate');
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;

  function problem(path: (string | number)[], message: string): ValueProblem {
    return { keyword: 'value', instancePath: pointer(path), schemaPath: '#', params: {}, message };
  }
}

type ValidateFunction = ((data: unknown) => boolean) & { errors?: unknown };

function guarded(validate: ValidateFunction): ValidateFunction {
  const check: ValidateFunction = (data: unknown) => {
    const valid = validate(data);
    check.errors = validate.errors;
    if (!valid) return false;
    const hostile = hostileValue(data);
    if (!hostile) return true;
    check.errors = [hostile];
    return false;
  };
  return check;
}

const AJV_OPTIONS = {
  // Report every invalid field at once, and refuse unknown ones instead of dropping them.
  allErrors: true,
  removeAdditional: false,
  useDefaults: true,
} as const;

type BuildValidator = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;

/** Fastify's `schemaController.compilersFactory.buildValidator`: the rules above. */
export function buildValidator(): BuildValidator {
  const pool = AjvCompiler() as unknown as (
    externalSchemas: unknown,
    options: object,
  ) => FastifySchemaCompiler<unknown>;
  const onCreate = (ajv: { addFormat(name: string, format: object): unknown }) => {
    for (const [name, check] of Object.entries(FORMATS))
      ajv.addFormat(name, { type: 'string', validate: check });
  };
  return (externalSchemas, options) => {
    const given = (options ?? {}) as { customOptions?: object };
    const make = (coerceTypes: false | 'array') =>
      pool(externalSchemas, {
        ...given,
        customOptions: { ...given.customOptions, ...AJV_OPTIONS, coerceTypes },
        onCreate,
      });
    const strict = make(false);
    const coercing = make('array');
    const compile = (route: Parameters<FastifySchemaCompiler<unknown>>[0]) =>
      guarded((route.httpPart === 'body' ? strict : coercing)(route) as ValidateFunction);
    return compile as unknown as ReturnType<BuildValidator>;
  };
}

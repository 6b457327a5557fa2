// The one rule for text a client sends (DESIGN.md: "Every string"), used by the schema layer
// (http/validation.ts registers these as the Ajv formats `line` and `text`) and by the few
// places where text arrives from elsewhere (an identity provider's claims).
//
// - Everywhere: no NUL, no unpaired surrogate (not UTF-16 text; PostgreSQL refuses both), no
//   other C0 control character but tab, line feed and carriage return, no DEL or C1 control.
// - Single-line fields (names, titles, handles, search terms): no line breaks or tabs either,
//   nor U+2028/U+2029.

// eslint-disable-next-line no-control-regex
const CONTROL_ANYWHERE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;

/** Multi-line text (Markdown, notes): well-formed, no control characters but \t \n \r. */
export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !CONTROL_ANYWHERE.test(value);
}

/** Single-line text: well-formed, no control characters at all, no line separators. */
export function isCleanLine(value: string): boolean {
  return value.isWellFormed() && !CONTROL_IN_LINE.test(value);
}

/**
 * Text from a third party made fit for a single-line field: lone surrogates replaced, control
 * characters and line breaks turned into spaces, runs of spaces collapsed, trimmed, and cut to
 * `maxLength` code points (never inside a surrogate pair). Empty when nothing is left.
 */
export function toCleanLine(value: string, maxLength: number): string {
  const spaced = value
    .toWellFormed()
    .replace(new RegExp(CONTROL_IN_LINE.source, 'g'), ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return Array.from(spaced).slice(0, maxLength).join('').trim();
}

/** The address shapes sign-up accepts (Ajv's `email` format, and at most 254 characters). */
const EMAIL =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;

export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

// The editor's building blocks: one labelled input per field, described by a table of field
// specs (label, path, how to read and write the value), so every part of the document is edited
// the same way and a problem from the server lands next to the input at its JSON pointer.
import { createContext, useContext, type ReactNode } from 'react';

/** The problems (in words) of the field at a document path, e.g. `/layers/0/title`. */
export type ProblemLookup = (path: string) => string[];
export const ProblemsContext = createContext<ProblemLookup>(() => []);

/** The id of the input that edits a document path; the problem summary links to it. */
export const fieldId = (path: string) => `f${path.replace(/\W/g, '-')}`;

interface Common {
  /** The field's key, appended to the owner's path: `title` → `/layers/0/title`. */
  key: string;
  label: string;
}
export type FieldSpec<T> =
  | (Common & {
      kind: 'text' | 'textarea' | 'number';
      get: (value: T) => string | number;
      set: (value: T, text: string) => T;
    })
  | (Common & { kind: 'checkbox'; get: (value: T) => boolean; set: (value: T, on: boolean) => T })
  | (Common & {
      kind: 'select';
      options: { value: string; label: string }[];
      get: (value: T) => string;
      set: (value: T, choice: string) => T;
    });

type StringKeys<T> = { [K in keyof T]: T[K] extends string ? K : never }[keyof T] & string;

/** A plain text field of `T[key]`. */
export const text = <T,>(
  key: StringKeys<T>,
  label: string,
  kind: 'text' | 'textarea' = 'text',
): FieldSpec<T> => ({
  kind,
  key,
  label,
  get: (v) => v[key] as string,
  set: (v, s) => ({ ...v, [key]: s }),
});

/** A field whose text is parsed into another shape (a list, a number). */
export const coded = <T, K extends keyof T & string>(
  key: K,
  label: string,
  codec: { format: (value: T[K]) => string | number; parse: (text: string) => T[K] },
  kind: 'text' | 'textarea' | 'number' = 'textarea',
): FieldSpec<T> => ({
  kind,
  key,
  label,
  get: (v) => codec.format(v[key]),
  set: (v, s) => ({ ...v, [key]: codec.parse(s) }),
});

function Input({
  spec,
  path,
  value,
  onChange,
}: {
  spec: FieldSpec<unknown>;
  path: string;
  value: unknown;
  onChange: (v: unknown) => void;
}) {
  const id = fieldId(path);
  const messages = useContext(ProblemsContext)(path);
  const invalid = messages.length > 0 ? true : undefined;
  const described = invalid ? `${id}-error` : undefined;
  let control: ReactNode;
  switch (spec.kind) {
    case 'checkbox':
      return (
        <label className="checkbox">
          <input
            type="checkbox"
            id={id}
            checked={spec.get(value)}
            onChange={(e) => onChange(spec.set(value, e.target.checked))}
          />{' '}
          {spec.label}
        </label>
      );
    case 'select':
      control = (
        <select
          id={id}
          value={spec.get(value)}
          onChange={(e) => onChange(spec.set(value, e.target.value))}
          aria-invalid={invalid}
          aria-describedby={described}
        >
          {spec.options.map((o, i) => (
            <option key={`${i}-${o.value}`} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
      break;
    case 'textarea':
      control = (
        <textarea
          id={id}
          rows={4}
          value={spec.get(value)}
          onChange={(e) => onChange(spec.set(value, e.target.value))}
          aria-invalid={invalid}
          aria-describedby={described}
        />
      );
      break;
    default:
      control = (
        <input
          id={id}
          type={spec.kind}
          value={spec.get(value)}
          onChange={(e) => onChange(spec.set(value, e.target.value))}
          aria-invalid={invalid}
          aria-describedby={described}
        />
      );
  }
  return (
    <div className="field">
      <label htmlFor={id}>{spec.label}</label>
      {control}
      {invalid ? (
        <p className="field-error" id={described}>
          {messages.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** The inputs of one object of the document, one per spec, at `path`. */
export function Fields<T>({
  specs,
  value,
  path,
  onChange,
}: {
  specs: FieldSpec<T>[];
  value: T;
  path: string;
  onChange: (next: T) => void;
}) {
  return (
    <>
      {specs.map((spec) => (
        <Input
          key={spec.key}
          spec={spec as FieldSpec<unknown>}
          path={`${path}/${spec.key}`}
          value={value}
          onChange={(next) => onChange(next as T)}
        />
      ))}
    </>
  );
}

const small = 'button secondary small';

/** Up, down and remove buttons for one item of a list. */
export function Mover({
  label,
  onUp,
  onDown,
  onRemove,
}: {
  label: string;
  onUp: () => void;
  onDown: () => void;
  onRemove: () => void;
}) {
  return (
    <div className="row">
      <button type="button" className={small} onClick={onUp} aria-label={`Move ${label} up`}>
        ↑
      </button>
      <button type="button" className={small} onClick={onDown} aria-label={`Move ${label} down`}>
        ↓
      </button>
      <button type="button" className={small} onClick={onRemove} aria-label={`Remove ${label}`}>
        Remove
      </button>
    </div>
  );
}

export function Group({ title, id, children }: { title: string; id?: string; children: ReactNode }) {
  return (
    <fieldset className="panel editor-group" id={id} tabIndex={id ? -1 : undefined}>
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

/** An item of a list inside a group: a step, a milestone, a table, a question. */
export function Item({ legend, id, children }: { legend: string; id: string; children: ReactNode }) {
  return (
    <fieldset className="editor-step" id={id} tabIndex={-1}>
      <legend>{legend}</legend>
      {children}
    </fieldset>
  );
}

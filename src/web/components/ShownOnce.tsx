// What the Settings sections that make secrets share: a secret shown this once, in a read-only
// field that selects itself, with a Copy button (and, where the clipboard is refused, the text
// selected to copy by hand); and how they say when something happened.
import { useState, type ReactNode } from 'react';

export const when = (iso: string) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

/** A secret to copy now: `noun` names it in the button and what is said ("the token"). */
export function ShownOnce({
  id,
  label,
  value,
  noun,
  hint,
}: {
  id: string;
  label: string;
  value: string;
  noun: string;
  hint: ReactNode;
}) {
  const [said, setSaid] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setSaid(`Copied ${noun}.`);
    } catch {
      const input = document.getElementById(id);
      if (input instanceof HTMLInputElement) input.select();
      setSaid(`${noun[0]!.toUpperCase()}${noun.slice(1)} is selected: copy it with Ctrl+C (⌘C on a Mac).`);
    }
  };
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          readOnly
          value={value}
          onFocus={(e) => e.currentTarget.select()}
          aria-describedby={`${id}-secret`}
          spellCheck={false}
          autoComplete="off"
        />
      </div>
      <p className="hint" id={`${id}-secret`}>
        {hint}
      </p>
      <div className="row">
        <button type="button" className="button" onClick={() => void copy()}>
          Copy {noun}
        </button>
      </div>
      {said ? <p role="status">{said}</p> : null}
    </>
  );
}

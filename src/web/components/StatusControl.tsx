// The status of one step, as four radio buttons (mouse, touch, arrow keys). On a focused step,
// single keys set it too: d done, l learning (in progress), s skipped, r reset to todo.
import type { StepStatus } from '../types.ts';

export const STATUS_LABELS: Record<StepStatus, string> = {
  todo: 'To do',
  in_progress: 'Learning',
  done: 'Done',
  skipped: 'Skipped',
};

export const STATUS_KEYS: Record<string, StepStatus> = {
  d: 'done',
  l: 'in_progress',
  s: 'skipped',
  r: 'todo',
};

export function StatusControl({
  name,
  label,
  status,
  onChange,
}: {
  name: string;
  label: string;
  status: StepStatus;
  onChange: (next: StepStatus) => void;
}) {
  return (
    <fieldset className="status-control">
      <legend className="visually-hidden">Status of {label}</legend>
      {(Object.keys(STATUS_LABELS) as StepStatus[]).map((value) => (
        <label key={value} className={`status-option status-${value}`}>
          <input
            type="radio"
            name={`status-${name}`}
            value={value}
            checked={status === value}
            onChange={() => onChange(value)}
          />
          <span>{STATUS_LABELS[value]}</span>
        </label>
      ))}
    </fieldset>
  );
}

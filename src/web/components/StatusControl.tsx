// A step's status: its own colour *and* its own icon for each of the four (never colour alone,
// WCAG 1.4.1), and a compact segmented control to change it — radio buttons underneath (mouse,
// touch, arrow keys), 44 px targets on phones. On a focused step, single keys set it too:
// d done, l learning (in progress), s skipped, r reset to todo.
import { Circle, CircleCheck, CircleDot, CircleMinus, type LucideIcon } from 'lucide-react';
import type { StepStatus } from '../api.ts';

export const STATUS_LABELS: Record<StepStatus, string> = {
  todo: 'To do',
  in_progress: 'Learning',
  done: 'Done',
  skipped: 'Skipped',
};

export const STATUS_ORDER: StepStatus[] = ['todo', 'in_progress', 'done', 'skipped'];

const STATUS_ICONS: Record<StepStatus, LucideIcon> = {
  todo: Circle,
  in_progress: CircleDot,
  done: CircleCheck,
  skipped: CircleMinus,
};

export const STATUS_KEYS: Record<string, StepStatus> = {
  d: 'done',
  l: 'in_progress',
  s: 'skipped',
  r: 'todo',
};

/** The status's icon, coloured by its status class; decorative (the text says the status). */
export function StatusIcon({ status, size = 18 }: { status: StepStatus; size?: number }) {
  const Icon = STATUS_ICONS[status];
  return <Icon className={`status-icon status-${status}`} size={size} aria-hidden="true" focusable="false" />;
}

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
      {STATUS_ORDER.map((value) => (
        <label key={value} className={`status-option status-${value}`}>
          <input
            type="radio"
            name={`status-${name}`}
            value={value}
            checked={status === value}
            onChange={() => onChange(value)}
          />
          <span>
            <StatusIcon status={value} size={16} />
            {STATUS_LABELS[value]}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

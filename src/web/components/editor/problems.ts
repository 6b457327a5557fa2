// Problems from the server (problem+json, each naming its field by a JSON pointer) in words a
// person understands, each tied to the input that edits its field: the input at the longest
// pointer that is a prefix of the problem's (a resource's URL belongs to the resources box).
import type { FieldError } from '../../api.ts';
import type { Source } from './model.ts';

export interface Problem {
  /** The pointer in the document (without the request's `/body`). */
  path: string;
  /** The sentence shown next to the field, e.g. "Resource URL must start with https://". */
  text: string;
  /** Where in the roadmap, for the summary: "Step “Run it in CI”". */
  where: string;
}

const NAMES: Record<string, string> = {
  title: 'title',
  slug: 'slug',
  summary: 'summary',
  intro: 'introduction',
  body: 'body',
  estimatedHours: 'hours',
  url: 'URL',
  kind: 'kind',
  description: 'description',
  afterStep: '“after the step”',
  columns: 'columns',
  rows: 'rows',
  question: 'question',
  answer: 'answer',
  text: 'text',
  id: 'id',
  steps: 'steps',
};
const OWNERS: Record<string, string> = {
  layers: 'Layer',
  steps: 'Step',
  resources: 'Resource',
  milestones: 'Milestone',
  comparisons: 'Table',
  faq: 'Question',
  checks: 'Check',
  callToAction: 'Call to action',
  rows: 'Row',
  columns: 'Column',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The field's name from its pointer: `/layers/0/steps/1/resources/0/url` → "Resource URL". */
function fieldName(segments: string[]): string {
  const last = segments.at(-1) ?? '';
  if (/^\d+$/.test(last)) {
    const owner = segments.at(-2) ?? '';
    return `${OWNERS[owner] ?? capital(owner)} ${Number(last) + 1}`;
  }
  const owner =
    segments.length >= 3 ? OWNERS[segments.at(-3) ?? ''] : segments.length === 2 ? OWNERS[segments[0]!] : '';
  const name = NAMES[last] ?? last;
  return owner ? `${owner} ${name}` : capital(name);
}

/** The validator's wording, as a person would say it. */
function plain(message: string, last: string): string {
  if (/pattern "\^https\?:\/\/"/.test(message)) return 'must start with https:// (or http://)';
  if (/pattern/.test(message) && /slug|afterStep/i.test(last))
    return 'may use only lower-case letters, digits and single hyphens between them, e.g. "first-steps"';
  if (/fewer than 1 characters/.test(message)) return 'cannot be empty';
  if (/fewer than 1 items/.test(message))
    return last === 'steps' ? 'need at least one step' : 'need at least one entry';
  let m = /more than (\d+) characters/.exec(message);
  if (m) return `is too long: at most ${m[1]} characters`;
  m = /must be >= (\S+)/.exec(message);
  if (m) return `must be at least ${m[1]}`;
  m = /must be <= (\S+)/.exec(message);
  if (m) return `must be at most ${m[1]}`;
  if (/format "line"/.test(message)) return 'must be one line of text';
  if (/format "text"/.test(message)) return 'has characters that are not text';
  if (/must be (number|integer)/.test(message)) return 'must be a number';
  return message;
}

function where(doc: Source, segments: string[]): string {
  const [top, a, b, c] = segments;
  const n = Number(a);
  if (top === 'layers') {
    const layer = doc.layers[n];
    const step = b === 'steps' && c !== undefined ? layer?.steps[Number(c)] : undefined;
    if (step) return `Step “${step.title}”`;
    return layer ? `Layer “${layer.title}”` : `Layer ${n + 1}`;
  }
  if (top === 'milestones') return `Milestone ${n + 1}`;
  if (top === 'comparisons') return `Table ${n + 1}`;
  if (top === 'faq') return `Question ${n + 1}`;
  if (top === 'callToAction') return 'Call to action';
  return 'Roadmap';
}

export function describeProblems(errors: FieldError[], doc: Source): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  for (const e of errors) {
    const path = e.path.replace(/^\/body/, '');
    const segments = path.split('/').slice(1);
    const text = `${fieldName(segments)} ${plain(e.message, segments.at(-1) ?? '')}`;
    if (seen.has(`${path}\u0000${text}`)) continue;
    seen.add(`${path}\u0000${text}`);
    out.push({ path, text, where: where(doc, segments) });
  }
  return out;
}

/** The problems an input at `path` shows: its own and those of the values inside it. */
export const problemsAt = (problems: Problem[], path: string) =>
  problems.filter((p) => p.path === path || p.path.startsWith(`${path}/`));

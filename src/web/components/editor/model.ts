// The editor's document model: the roadmap source as the API takes it, new parts with sensible
// starting text, and the text codecs of the fields that edit a list in one textarea.
import type { RoadmapSource } from '../../api.ts';

export type Source = RoadmapSource;
export type Layer = Source['layers'][number];
export type SourceStep = Layer['steps'][number];
export type Resource = SourceStep['resources'][number];
export type Check = NonNullable<SourceStep['checks']>[number];
export type Milestone = Source['milestones'][number];
export type Comparison = Source['comparisons'][number];
export type Question = Source['faq'][number];

export const KINDS: Resource['kind'][] = ['docs', 'article', 'video', 'course', 'book', 'tool', 'practice'];

/** A new permanent step id: 10 random lower-case letters and digits. */
export function newStepId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => alphabet[b % alphabet.length]).join(
    '',
  );
}

export const slugify = (text: string) =>
  text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60) || 'untitled';

export function newStep(title = 'New step'): SourceStep {
  return {
    id: newStepId(),
    slug: `${slugify(title)}-${newStepId().slice(0, 4)}`,
    title,
    summary: 'What this step is about.',
    required: true,
    estimatedHours: 5,
    body: 'What to learn, and why it matters.',
    resources: [{ title: 'Documentation', url: 'https://developer.mozilla.org/', kind: 'docs' }],
  };
}

export const newLayer = (count: number): Layer => ({
  slug: `layer-${count + 1}`,
  title: 'New layer',
  summary: 'What this layer covers.',
  steps: [newStep()],
});

export const newMilestone = (count: number, afterStep: string): Milestone => ({
  slug: `milestone-${count + 1}`,
  title: 'A milestone',
  description: 'What you can do now.',
  afterStep,
});

export const newComparison = (count: number): Comparison => ({
  slug: `table-${count + 1}`,
  title: 'A or B',
  columns: ['Aspect', 'A', 'B'],
  rows: [['Speed', 'fast', 'slow']],
});

export const newQuestion = (): Question => ({ question: 'A question?', answer: 'Its answer.' });

export function template(slug: string, title: string): Source {
  return {
    slug,
    title,
    summary: 'One sentence on where this roadmap leads.',
    intro: 'Why this path matters, in a paragraph or two.',
    layers: [{ slug: 'basics', title: 'Basics', summary: 'Where to start.', steps: [newStep('First step')] }],
    milestones: [],
    comparisons: [],
    faq: [],
    callToAction: { title: 'Ready to start?', text: 'Begin with the first step.' },
  };
}

/** The list with the item at `index` swapped with its neighbour `by` places away (if any). */
export function move<T>(list: T[], index: number, by: number): T[] {
  const target = index + by;
  if (target < 0 || target >= list.length) return list;
  const copy = [...list];
  [copy[index], copy[target]] = [copy[target]!, copy[index]!];
  return copy;
}

export const replaceAt = <T>(list: T[], index: number, item: T): T[] =>
  list.map((x, i) => (i === index ? item : x));

export const removeAt = <T>(list: T[], index: number): T[] => list.filter((_, i) => i !== index);

const lines = (text: string) => text.split('\n').filter((line) => line.trim());
const cells = (line: string) => line.split('|').map((p) => p.trim());

/** Resources as one line each: `kind | title | url`. */
export const resourcesText = {
  format: (resources: Resource[]) => resources.map((r) => `${r.kind} | ${r.title} | ${r.url}`).join('\n'),
  parse: (text: string): Resource[] =>
    lines(text).map((line) => {
      const [kind = '', title = '', url = ''] = cells(line);
      // An unknown kind shows as `docs` at once, in the text the author edits.
      return { kind: KINDS.find((k) => k === kind) ?? 'docs', title, url };
    }),
};

/** A table's columns as `a | b | c`, its rows one a line. */
export const columnsText = { format: (c: string[]) => c.join(' | '), parse: cells };
export const rowsText = {
  format: (rows: string[][]) => rows.map((r) => r.join(' | ')).join('\n'),
  parse: (text: string) => lines(text).map(cells),
};

/**
 * Check questions as blocks: a line `Q: question`, then `A: answer` (Markdown, which may go on
 * over the following lines), a blank line between blocks.
 */
export const checksText = {
  format: (checks: Check[] | undefined) =>
    (checks ?? []).map((c) => `Q: ${c.question}\nA: ${c.answer}`).join('\n\n'),
  parse: (text: string): Check[] =>
    text
      .split(/^(?=Q:)/m)
      .filter((block) => block.trim())
      .map((block) => {
        const [question = '', ...answer] = block.replace(/^Q:\s*/, '').split(/^A:\s*/m);
        return { question: question.trim(), answer: answer.join('A: ').trim() };
      }),
};

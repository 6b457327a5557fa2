// The field tables: which inputs edit each part of a roadmap, in the order the author sees them.
import { coded, text, type FieldSpec } from './fields.tsx';
import {
  checksText,
  columnsText,
  resourcesText,
  rowsText,
  slugify,
  type Comparison,
  type Layer,
  type Milestone,
  type Question,
  type Source,
  type SourceStep,
} from './model.ts';

export const roadmapFields: FieldSpec<Source>[] = [
  text('title', 'Title'),
  text('summary', 'Summary'),
  text('intro', 'Introduction (Markdown)', 'textarea'),
];

export const layerFields: FieldSpec<Layer>[] = [
  text('title', 'Layer title'),
  text('slug', 'Layer slug'),
  text('summary', 'Layer summary'),
];

const hours = { format: (n: number) => n, parse: (s: string) => Number(s) };

export const stepFields: FieldSpec<SourceStep>[] = [
  text('title', 'Step title'),
  text('slug', 'Step slug'),
  text('summary', 'Step summary'),
  {
    kind: 'checkbox',
    key: 'required',
    label: 'Required step',
    get: (s) => s.required,
    set: (s, on) => ({ ...s, required: on }),
  },
  coded('estimatedHours', 'Hours', hours, 'number'),
  text('body', 'Body (Markdown)', 'textarea'),
  coded('resources', 'Resources (one per line: kind | title | https://…)', resourcesText),
  coded(
    'checks',
    'Check questions for review (Q: question, then A: answer; a blank line between)',
    checksText,
  ),
];

/** A title whose slug follows it (milestones and tables are not linked to by slug). */
const titleWithSlug = <T extends { title: string; slug: string }>(label: string): FieldSpec<T> => ({
  kind: 'text',
  key: 'title',
  label,
  get: (v) => v.title,
  set: (v, title) => ({ ...v, title, slug: slugify(title) }),
});

export const milestoneFields = (steps: SourceStep[]): FieldSpec<Milestone>[] => [
  titleWithSlug('Milestone title'),
  text('description', 'What the learner can do (Markdown)', 'textarea'),
  {
    kind: 'select',
    key: 'afterStep',
    label: 'After the step',
    options: steps.map((s) => ({ value: s.slug, label: s.title })),
    get: (m) => m.afterStep,
    set: (m, afterStep) => ({ ...m, afterStep }),
  },
];

export const comparisonFields: FieldSpec<Comparison>[] = [
  titleWithSlug('Table title'),
  coded('columns', 'Columns (separated by |)', columnsText, 'text'),
  coded('rows', 'Rows (one per line, cells separated by |)', rowsText),
];

export const questionFields: FieldSpec<Question>[] = [
  text('question', 'Question'),
  text('answer', 'Answer (Markdown)', 'textarea'),
];

export const callToActionFields: FieldSpec<Source['callToAction']>[] = [
  text('title', 'Heading'),
  text('text', 'Text'),
];

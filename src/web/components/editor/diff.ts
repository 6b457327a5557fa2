// What changed between two versions of a roadmap, as a reader would say it: steps added,
// removed, moved (to another layer or in the order) or given a new address, and each changed
// field with its old and new text; likewise layers, milestones, tables, FAQ and the roadmap's
// own fields. Steps are matched by their permanent id, layers, milestones and tables by slug,
// questions by their wording. Pure, so it is tested on its own (diff.test.ts); a general JSON
// diff library would report array indexes, not "moved".
import type { Source, SourceStep } from './model.ts';

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  /** What changed, e.g. `Step “Install Node”`. */
  what: string;
  /** Moves and new addresses, in words. */
  notes: string[];
  fields: FieldChange[];
}

export interface Section {
  title: string;
  changes: Change[];
}

type Fields<T> = [label: string, read: (item: T) => string][];

const yesNo = (b: boolean) => (b ? 'yes' : 'no');

const STEP_FIELDS: Fields<SourceStep> = [
  ['Title', (s) => s.title],
  ['Summary', (s) => s.summary],
  ['Required', (s) => yesNo(s.required)],
  ['Estimate', (s) => `${s.estimatedHours} h`],
  ['Body', (s) => s.body],
  ['Resources', (s) => s.resources.map((r) => `${r.title} — ${r.url} (${r.kind})`).join('\n')],
];

function fieldChanges<T>(fields: Fields<T>, before: T, after: T): FieldChange[] {
  return fields.flatMap(([field, read]) => {
    const [a, b] = [read(before), read(after)];
    return a === b ? [] : [{ field, before: a, after: b }];
  });
}

/** The items of `after` that keep their relative order from `before` (a longest common subsequence). */
export function inOrder(before: string[], after: string[]): Set<string> {
  const shared = new Set(before.filter((k) => after.includes(k)));
  const a = before.filter((k) => shared.has(k));
  const b = after.filter((k) => shared.has(k));
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      table[i]![j] =
        a[i] === b[j] ? table[i + 1]![j + 1]! + 1 : Math.max(table[i + 1]![j]!, table[i]![j + 1]!);
  const kept = new Set<string>();
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] === b[j]) {
      kept.add(a[i]!);
      i++;
      j++;
    } else if (table[i + 1]![j]! >= table[i]![j + 1]!) i++;
    else j++;
  }
  return kept;
}

/** Matches two lists by key: added, removed and changed items, with moves in the order noted. */
function diffList<T>(
  before: T[],
  after: T[],
  key: (item: T) => string,
  name: (item: T) => string,
  fields: Fields<T>,
): Change[] {
  const old = new Map(before.map((item) => [key(item), item]));
  const now = new Map(after.map((item) => [key(item), item]));
  const kept = inOrder(before.map(key), after.map(key));
  const changes: Change[] = [];
  for (const item of after) {
    const was = old.get(key(item));
    if (!was) {
      changes.push({ kind: 'added', what: name(item), notes: [], fields: [] });
      continue;
    }
    const notes = kept.has(key(item)) ? [] : ['moved in the order'];
    const changed = fieldChanges(fields, was, item);
    if (notes.length || changed.length)
      changes.push({ kind: 'changed', what: name(item), notes, fields: changed });
  }
  for (const item of before)
    if (!now.has(key(item))) changes.push({ kind: 'removed', what: name(item), notes: [], fields: [] });
  return changes;
}

interface PlacedStep {
  step: SourceStep;
  /** The layer's title, for the words; its slug, to tell a move to another layer from a renamed one. */
  layer: string;
  layerSlug: string;
}

const placed = (doc: Source): PlacedStep[] =>
  doc.layers.flatMap((l) => l.steps.map((step) => ({ step, layer: l.title, layerSlug: l.slug })));

function diffSteps(before: Source, after: Source): Change[] {
  const old = new Map(placed(before).map((p) => [p.step.id, p]));
  const now = new Map(placed(after).map((p) => [p.step.id, p]));
  const kept = inOrder([...old.keys()], [...now.keys()]);
  const stepName = (s: SourceStep) => `Step “${s.title}”`;
  const changes: Change[] = [];
  for (const { step, layer, layerSlug } of now.values()) {
    const was = old.get(step.id);
    if (!was) {
      changes.push({ kind: 'added', what: stepName(step), notes: [`in layer “${layer}”`], fields: [] });
      continue;
    }
    const notes: string[] = [];
    if (was.layerSlug !== layerSlug) notes.push(`moved from layer “${was.layer}” to “${layer}”`);
    else if (!kept.has(step.id)) notes.push('moved in the order');
    if (was.step.slug !== step.slug) notes.push(`new address: ${was.step.slug} → ${step.slug}`);
    const fields = fieldChanges(STEP_FIELDS, was.step, step);
    if (notes.length || fields.length) changes.push({ kind: 'changed', what: stepName(step), notes, fields });
  }
  for (const { step, layer } of old.values())
    if (!now.has(step.id))
      changes.push({ kind: 'removed', what: stepName(step), notes: [`was in layer “${layer}”`], fields: [] });
  return changes;
}

/** Every difference between two sources, in sections; an empty list when they are the same. */
export function diffSources(before: Source, after: Source): Section[] {
  const roadmap = fieldChanges<Source>(
    [
      ['Title', (d) => d.title],
      ['Summary', (d) => d.summary],
      ['Introduction', (d) => d.intro],
      ['Call to action title', (d) => d.callToAction.title],
      ['Call to action text', (d) => d.callToAction.text],
    ],
    before,
    after,
  );
  const sections: Section[] = [
    {
      title: 'Roadmap',
      changes: roadmap.length ? [{ kind: 'changed', what: 'The roadmap', notes: [], fields: roadmap }] : [],
    },
    {
      title: 'Layers',
      changes: diffList(
        before.layers,
        after.layers,
        (l) => l.slug,
        (l) => `Layer “${l.title}”`,
        [
          ['Title', (l) => l.title],
          ['Summary', (l) => l.summary],
        ],
      ),
    },
    { title: 'Steps', changes: diffSteps(before, after) },
    {
      title: 'Milestones',
      changes: diffList(
        before.milestones,
        after.milestones,
        (m) => m.slug,
        (m) => `Milestone “${m.title}”`,
        [
          ['Title', (m) => m.title],
          ['Description', (m) => m.description],
          ['After step', (m) => m.afterStep],
        ],
      ),
    },
    {
      title: 'Comparison tables',
      changes: diffList(
        before.comparisons,
        after.comparisons,
        (c) => c.slug,
        (c) => `Table “${c.title}”`,
        [
          ['Title', (c) => c.title],
          ['Columns', (c) => c.columns.join(' | ')],
          ['Rows', (c) => c.rows.map((r) => r.join(' | ')).join('\n')],
        ],
      ),
    },
    {
      title: 'FAQ',
      changes: diffList(
        before.faq,
        after.faq,
        (q) => q.question,
        (q) => `Question “${q.question}”`,
        [['Answer', (q) => q.answer]],
      ),
    },
  ];
  return sections.filter((s) => s.changes.length > 0);
}

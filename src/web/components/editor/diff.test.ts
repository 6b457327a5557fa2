import { describe, expect, it } from 'vitest';
import { diffSources, inOrder } from './diff.ts';
import type { Source, SourceStep } from './model.ts';

const step = (id: string, overrides: Partial<SourceStep> = {}): SourceStep => ({
  id,
  slug: `step-${id}`,
  title: `Step ${id}`,
  summary: 'About it.',
  required: true,
  estimatedHours: 2,
  body: 'Read.',
  resources: [{ title: 'MDN', url: 'https://developer.mozilla.org/', kind: 'docs' }],
  ...overrides,
});

const base = (): Source => ({
  slug: 'sample',
  title: 'Sample',
  summary: 'A sample.',
  intro: 'Why.',
  layers: [
    { slug: 'one', title: 'One', summary: 'First.', steps: [step('aaaaaa'), step('bbbbbb'), step('cccccc')] },
    { slug: 'two', title: 'Two', summary: 'Second.', steps: [step('dddddd')] },
  ],
  milestones: [{ slug: 'half', title: 'Half', description: 'Halfway.', afterStep: 'step-bbbbbb' }],
  comparisons: [
    { slug: 'x-y', title: 'X or Y', columns: ['Aspect', 'X', 'Y'], rows: [['Speed', 'fast', 'slow']] },
  ],
  faq: [{ question: 'Hard?', answer: 'No.' }],
  callToAction: { title: 'Go', text: 'Begin.' },
});

const steps = (doc: Source) => doc.layers.flatMap((l) => l.steps);

describe('diffSources', () => {
  it('finds nothing between a version and itself', () => {
    expect(diffSources(base(), base())).toEqual([]);
  });

  it('names added and removed steps with their layer', () => {
    const after = base();
    after.layers[0]!.steps.splice(1, 1);
    after.layers[1]!.steps.push(step('eeeeee', { title: 'Deploy' }));
    const [section] = diffSources(base(), after);
    expect(section).toEqual({
      title: 'Steps',
      changes: [
        { kind: 'added', what: 'Step “Deploy”', notes: ['in layer “Two”'], fields: [] },
        { kind: 'removed', what: 'Step “Step bbbbbb”', notes: ['was in layer “One”'], fields: [] },
      ],
    });
  });

  it('tells a step moved in the order from the ones merely shifted by it, and a move to another layer', () => {
    const after = base();
    const [a, b, c] = after.layers[0]!.steps as [SourceStep, SourceStep, SourceStep];
    after.layers[0]!.steps = [c, a];
    after.layers[1]!.steps.unshift(b);
    const changes = diffSources(base(), after)[0]!.changes;
    expect(changes.map((ch) => [ch.what, ch.notes])).toEqual([
      ['Step “Step cccccc”', ['moved in the order']],
      ['Step “Step bbbbbb”', ['moved from layer “One” to “Two”']],
    ]);
  });

  it('lists every changed field of a step, a new address and the same step id kept', () => {
    const after = base();
    after.layers[0]!.steps[0] = step('aaaaaa', {
      slug: 'getting-started',
      title: 'Getting started',
      required: false,
      estimatedHours: 3.5,
      body: 'Read more.',
      resources: [{ title: 'Guide', url: 'https://example.com/guide', kind: 'article' }],
    });
    const [change] = diffSources(base(), after)[0]!.changes;
    expect(change).toEqual({
      kind: 'changed',
      what: 'Step “Getting started”',
      notes: ['new address: step-aaaaaa → getting-started'],
      fields: [
        { field: 'Title', before: 'Step aaaaaa', after: 'Getting started' },
        { field: 'Required', before: 'yes', after: 'no' },
        { field: 'Estimate', before: '2 h', after: '3.5 h' },
        { field: 'Body', before: 'Read.', after: 'Read more.' },
        {
          field: 'Resources',
          before: 'MDN — https://developer.mozilla.org/ (docs)',
          after: 'Guide — https://example.com/guide (article)',
        },
      ],
    });
  });

  it('covers the roadmap fields, layers, milestones, tables and FAQ', () => {
    const after = base();
    after.title = 'Sample, revised';
    after.callToAction.text = 'Start now.';
    after.layers[1]!.title = 'Second layer';
    after.layers.reverse();
    after.milestones[0]!.afterStep = 'step-cccccc';
    after.milestones.push({
      slug: 'done',
      title: 'Done',
      description: 'All of it.',
      afterStep: 'step-dddddd',
    });
    after.comparisons[0]!.rows.push(['Cost', 'low', 'high']);
    after.faq = [{ question: 'Long?', answer: 'A week.' }];
    const sections = diffSources(base(), after);
    expect(sections.map((s) => s.title)).toEqual([
      'Roadmap',
      'Layers',
      'Steps',
      'Milestones',
      'Comparison tables',
      'FAQ',
    ]);
    const [roadmap, layers, moved, milestones, tables, faq] = sections;
    expect(roadmap!.changes[0]!.fields.map((f) => f.field)).toEqual(['Title', 'Call to action text']);
    expect(layers!.changes).toEqual([
      {
        kind: 'changed',
        what: 'Layer “Second layer”',
        notes: [],
        fields: [{ field: 'Title', before: 'Two', after: 'Second layer' }],
      },
      { kind: 'changed', what: 'Layer “One”', notes: ['moved in the order'], fields: [] },
    ]);
    // Reversing the layers moves step d ahead of the others, within its own layer.
    // (the renamed layer is the same layer: its step did not move to another one).
    expect(moved!.changes.map((c) => [c.what, c.notes])).toEqual([
      ['Step “Step dddddd”', ['moved in the order']],
    ]);
    expect(milestones!.changes.map((c) => [c.kind, c.what])).toEqual([
      ['changed', 'Milestone “Half”'],
      ['added', 'Milestone “Done”'],
    ]);
    expect(tables!.changes[0]!.fields).toEqual([
      { field: 'Rows', before: 'Speed | fast | slow', after: 'Speed | fast | slow\nCost | low | high' },
    ]);
    expect(faq!.changes.map((c) => [c.kind, c.what])).toEqual([
      ['added', 'Question “Long?”'],
      ['removed', 'Question “Hard?”'],
    ]);
  });

  it('leaves the compared documents as they were', () => {
    const before = base();
    const after = base();
    steps(after)[0]!.title = 'Changed';
    const copy = structuredClone(before);
    diffSources(before, after);
    expect(before).toEqual(copy);
  });
});

describe('inOrder', () => {
  it('keeps the longest run in the same order; the rest moved', () => {
    expect([...inOrder(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a'])]).toEqual(['b', 'c', 'd']);
    expect([...inOrder(['a', 'b'], ['b', 'a'])]).toHaveLength(1);
    expect([...inOrder(['a', 'b', 'x'], ['y', 'a', 'b'])]).toEqual(['a', 'b']);
  });
});

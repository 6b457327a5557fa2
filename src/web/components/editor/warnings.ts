// What to look at before publishing: text that is still a placeholder (TODO, TBD, lorem ipsum,
// or the editor's own starting text), steps with no resources, steps with no estimate. None of
// them stops a publish; the author confirms having seen them.
import { newComparison, newMilestone, newQuestion, newStep, template, type Source } from './model.ts';

const PLACEHOLDER = /\b(TODO|TBD|FIXME|XXX)\b|lorem ipsum/i;

/** The starting texts the editor fills in (a new step's summary, a new table's rows…). */
const STARTING = new Set(
  (() => {
    const t = template('x', 'x');
    const step = newStep();
    const texts = [
      t.summary,
      t.intro,
      t.layers[0]!.summary,
      'What this layer covers.',
      step.summary,
      step.body,
      newMilestone(0, '').description,
      newQuestion().question,
      newQuestion().answer,
      newComparison(0).title,
    ];
    return texts;
  })(),
);

export interface Warning {
  where: string;
  text: string;
}

export function publishWarnings(doc: Source): Warning[] {
  const out: Warning[] = [];
  const check = (where: string, field: string, value: string) => {
    const found = PLACEHOLDER.exec(value);
    if (found) out.push({ where, text: `${field} still says “${found[0]}”` });
    else if (STARTING.has(value.trim()))
      out.push({ where, text: `${field} is still the editor's starting text` });
  };
  check('Roadmap', 'Title', doc.title);
  check('Roadmap', 'Summary', doc.summary);
  check('Roadmap', 'Introduction', doc.intro);
  for (const layer of doc.layers) {
    const where = `Layer “${layer.title}”`;
    check(where, 'Title', layer.title);
    check(where, 'Summary', layer.summary);
    for (const step of layer.steps) {
      const at = `Step “${step.title}”`;
      check(at, 'Title', step.title);
      check(at, 'Summary', step.summary);
      check(at, 'Body', step.body);
      for (const r of step.resources) check(at, 'A resource title', r.title);
      if (step.resources.length === 0) out.push({ where: at, text: 'has no resources to learn from' });
      if (!(step.estimatedHours > 0)) out.push({ where: at, text: 'has no estimate of the hours it takes' });
    }
  }
  doc.milestones.forEach((m, i) => {
    check(`Milestone ${i + 1}`, 'Title', m.title);
    check(`Milestone ${i + 1}`, 'Description', m.description);
  });
  doc.faq.forEach((f, i) => {
    check(`Question ${i + 1}`, 'Question', f.question);
    check(`Question ${i + 1}`, 'Answer', f.answer);
  });
  check('Call to action', 'Heading', doc.callToAction.title);
  check('Call to action', 'Text', doc.callToAction.text);
  return out;
}

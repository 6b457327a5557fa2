// Validation of an authored roadmap: the TypeBox shape first, then the rules a schema cannot
// express. Every problem is reported at once, each with a JSON Pointer into the document, so
// an author fixes a file (or a request body) in one pass.
import { randomInt } from 'node:crypto';
import { Value } from 'typebox/value';
import type { FieldError } from '../../http/errors.ts';
import { markdownProblem } from './markdown.ts';
import { RoadmapSource } from './schemas.ts';

interface TypeBoxError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Turns TypeBox/Ajv-style errors into `{path, message}`, naming unknown and missing fields. */
export function describeSchemaErrors(raw: Iterable<TypeBoxError>, prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of raw) {
    // `additionalProperties: false` is reported twice: once as the parent's keyword (with the
    // names) and once per property as "schema is false". Keep the first, it names the field.
    if (e.keyword === 'boolean' && e.schemaPath.endsWith('/additionalProperties')) continue;
    if (e.keyword === 'additionalProperties') {
      const names = (e.params.additionalProperties as string[] | undefined) ?? [];
      for (const name of names)
        out.push({ path: `${prefix}${e.instancePath}/${name}`, message: 'is not a known property' });
      continue;
    }
    if (e.keyword === 'required') {
      const names = (e.params.requiredProperties as string[] | undefined) ?? [];
      for (const name of names)
        out.push({ path: `${prefix}${e.instancePath}/${name}`, message: 'is required' });
      continue;
    }
    out.push({ path: `${prefix}${e.instancePath}`, message: e.message });
  }
  return dedupe(out);
}

function dedupe(errors: FieldError[]): FieldError[] {
  const seen = new Set<string>();
  return errors.filter((e) => {
    const key = `${e.path}\u0000${e.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

/**
 * Rules across fields. Runs on whatever parts are well-formed, so a document with a bad type
 * in one step still gets its duplicate slugs reported.
 */
function checkRules(doc: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const firstSeen = (kind: string) => {
    const seen = new Map<string, string>();
    return (value: unknown, path: string) => {
      if (typeof value !== 'string') return;
      const earlier = seen.get(value);
      if (earlier) errors.push({ path, message: `duplicate ${kind} "${value}" (first used at ${earlier})` });
      else seen.set(value, path);
    };
  };

  const layerSlug = firstSeen('layer slug');
  const stepSlug = firstSeen('step slug');
  const stepId = firstSeen('step id');
  const stepSlugs = new Set<string>();
  asArray(field(doc, 'layers')).forEach((layer, li) => {
    layerSlug(field(layer, 'slug'), `/layers/${li}/slug`);
    asArray(field(layer, 'steps')).forEach((step, si) => {
      const slug = field(step, 'slug');
      stepSlug(slug, `/layers/${li}/steps/${si}/slug`);
      stepId(field(step, 'id'), `/layers/${li}/steps/${si}/id`);
      if (typeof slug === 'string') stepSlugs.add(slug);
    });
  });

  const milestoneSlug = firstSeen('milestone slug');
  asArray(field(doc, 'milestones')).forEach((milestone, mi) => {
    milestoneSlug(field(milestone, 'slug'), `/milestones/${mi}/slug`);
    const after = field(milestone, 'afterStep');
    if (typeof after === 'string' && !stepSlugs.has(after)) {
      errors.push({
        path: `/milestones/${mi}/afterStep`,
        message: `names no step of this roadmap ("${after}")`,
      });
    }
  });

  // Markdown fields: each must render (no nesting deep enough to break the renderer).
  const markdown = (value: unknown, path: string) => {
    const problem = typeof value === 'string' ? markdownProblem(value) : undefined;
    if (problem) errors.push({ path, message: problem });
  };
  markdown(field(doc, 'intro'), '/intro');
  asArray(field(doc, 'layers')).forEach((layer, li) =>
    asArray(field(layer, 'steps')).forEach((step, si) => {
      markdown(field(step, 'body'), `/layers/${li}/steps/${si}/body`);
    }),
  );
  asArray(field(doc, 'milestones')).forEach((m, mi) =>
    markdown(field(m, 'description'), `/milestones/${mi}/description`),
  );
  asArray(field(doc, 'faq')).forEach((f, fi) => markdown(field(f, 'answer'), `/faq/${fi}/answer`));

  const comparisonSlug = firstSeen('comparison slug');
  asArray(field(doc, 'comparisons')).forEach((table, ti) => {
    comparisonSlug(field(table, 'slug'), `/comparisons/${ti}/slug`);
    const columns = asArray(field(table, 'columns')).length;
    asArray(field(table, 'rows')).forEach((row, ri) => {
      if (Array.isArray(row) && row.length !== columns) {
        errors.push({
          path: `/comparisons/${ti}/rows/${ri}`,
          message: `has ${row.length} cells but the table has ${columns} columns`,
        });
      }
    });
  });
  return errors;
}

/** All problems of an authored roadmap; empty when it is valid. */
export function validateRoadmapSource(doc: unknown): FieldError[] {
  const shape = describeSchemaErrors([...Value.Errors(RoadmapSource, doc)] as TypeBoxError[]).map((e) =>
    /^\/layers\/\d+\/steps\/\d+\/id$/.test(e.path) && e.message === 'is required'
      ? { ...e, message: `is required: give the step a stable id once, e.g. "${newStepId()}"` }
      : e,
  );
  return [...shape, ...checkRules(doc)];
}

/** A fresh step id, offered to authors in the "missing id" message. */
export function newStepId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let id = '';
  for (let i = 0; i < 10; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

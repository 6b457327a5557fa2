import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDirs } from '../../../../test/helpers/temp.ts';
import { readContentDir } from './files.ts';
import type { RoadmapSource } from './schemas.ts';
import { validateRoadmapSource } from './validate.ts';

let valid: RoadmapSource;
beforeAll(async () => {
  valid = parse(await readFile('content/roadmaps/git-essentials.yaml', 'utf8')) as RoadmapSource;
});
const copy = () => structuredClone(valid);
const paths = (doc: unknown) => validateRoadmapSource(doc).map((e) => e.path);

describe('validateRoadmapSource', () => {
  it('accepts every bundled roadmap', async () => {
    const { files, problems } = await readContentDir('content/roadmaps');
    expect(problems).toEqual([]);
    expect(files.map((f) => f.source.slug)).toEqual([
      'backend-developer',
      'git-essentials',
      'linux-command-line',
    ]);
  });

  it('reports every problem at once with its JSON pointer', () => {
    const doc = copy() as unknown as Record<string, unknown> & RoadmapSource;
    doc.layers[0]!.steps[1]!.slug = doc.layers[0]!.steps[0]!.slug; // duplicate step slug
    doc.layers[1]!.steps[0]!.id = doc.layers[0]!.steps[0]!.id; // duplicate step id
    doc.milestones[0]!.afterStep = 'no-such-step';
    doc.layers[1]!.steps[1]!.resources[0]!.url = 'javascript:alert(1)';
    doc.layers.push({ slug: 'empty', title: 'Empty', summary: 'Nothing', steps: [] });
    doc.comparisons.push({ slug: 't', title: 'T', columns: ['a', 'b', 'c'], rows: [['1', '2']] });
    doc.role = 'admin'; // unknown property
    const errors = validateRoadmapSource(doc);
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.message]));
    expect(byPath['/layers/0/steps/1/slug']).toMatch(
      /duplicate step slug "commits-and-history" \(first used at \/layers\/0\/steps\/0\/slug\)/,
    );
    expect(byPath['/layers/1/steps/0/id']).toMatch(/duplicate step id/);
    expect(byPath['/milestones/0/afterStep']).toMatch(/names no step of this roadmap \("no-such-step"\)/);
    expect(byPath['/layers/1/steps/1/resources/0/url']).toBeDefined();
    expect(byPath['/layers/2/steps']).toMatch(/fewer than 1/);
    expect(byPath['/comparisons/0/rows/0']).toMatch(/has 2 cells but the table has 3 columns/);
    expect(byPath['/role']).toBe('is not a known property');
  });

  it('names missing fields and offers a fresh id for a step without one', () => {
    const doc = copy();
    delete (doc.layers[0]!.steps[0] as Partial<RoadmapSource['layers'][0]['steps'][0]>).id;
    delete (doc as Partial<RoadmapSource>).callToAction;
    const errors = validateRoadmapSource(doc);
    expect(errors).toContainEqual({ path: '/callToAction', message: 'is required' });
    const idError = errors.find((e) => e.path === '/layers/0/steps/0/id');
    expect(idError?.message).toMatch(/is required: give the step a stable id once, e\.g\. "[a-z0-9]{10}"/);
  });

  it('rejects bad slugs, non-http URLs, unknown resource kinds and out-of-range hours', () => {
    const doc = copy();
    doc.slug = 'Not A Slug';
    doc.layers[0]!.steps[0]!.resources[0]!.url = 'ftp://example.org/file';
    (doc.layers[0]!.steps[0]!.resources[1] as { kind: string }).kind = 'podcast';
    doc.layers[0]!.steps[0]!.estimatedHours = 0;
    expect(paths(doc)).toEqual(
      expect.arrayContaining([
        '/slug',
        '/layers/0/steps/0/resources/0/url',
        '/layers/0/steps/0/resources/1/kind',
        '/layers/0/steps/0/estimatedHours',
      ]),
    );
  });

  it('still checks the rules where another part has the wrong type', () => {
    const doc = copy() as unknown as { layers: { steps: unknown[] }[]; title: unknown };
    doc.title = 42;
    doc.layers[1]!.steps.push(structuredClone(doc.layers[0]!.steps[0]));
    expect(paths(doc)).toEqual(
      expect.arrayContaining(['/title', '/layers/1/steps/2/slug', '/layers/1/steps/2/id']),
    );
  });

  it('rejects things that are not roadmaps at all', () => {
    expect(paths(null).length).toBeGreaterThan(0);
    expect(paths('text').length).toBeGreaterThan(0);
    expect(paths([]).length).toBeGreaterThan(0);
  });
});

describe('readContentDir', () => {
  const tempDir = tempDirs('waymark-content-');
  async function dirWith(files: Record<string, string>) {
    const dir = await tempDir();
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }

  it('reports YAML syntax errors with their line', async () => {
    const dir = await dirWith({ 'broken.yaml': 'slug: broken\ntitle: [unclosed\n' });
    const { files, problems } = await readContentDir(dir);
    expect(files).toEqual([]);
    expect(problems[0]).toMatchObject({
      file: path.join(dir, 'broken.yaml'),
      message: expect.stringMatching(/^YAML:/),
    });
    expect(problems[0]!.path).toMatch(/^line \d+, column \d+$/);
  });

  it('requires the file name to match the slug', async () => {
    const text = await readFile('content/roadmaps/git-essentials.yaml', 'utf8');
    const { problems } = await readContentDir(await dirWith({ 'git.yaml': text }));
    expect(problems).toEqual([
      expect.objectContaining({ path: '/slug', message: expect.stringMatching(/file is named "git"/) }),
    ]);
  });

  it('refuses a step id used by two roadmaps', async () => {
    const text = await readFile('content/roadmaps/git-essentials.yaml', 'utf8');
    const twin = text.replace('slug: git-essentials', 'slug: git-twin');
    const { problems } = await readContentDir(
      await dirWith({ 'git-essentials.yaml': text, 'git-twin.yaml': twin }),
    );
    expect(problems.length).toBe(4);
    expect(problems[0]).toMatchObject({
      file: expect.stringMatching(/git-twin\.yaml$/),
      message: expect.stringMatching(/already used in git-essentials\.yaml/),
    });
  });

  it('reports a missing directory instead of throwing', async () => {
    const { problems } = await readContentDir('/nonexistent/waymark');
    expect(problems).toEqual([{ file: '/nonexistent/waymark', path: '', message: 'no such directory' }]);
  });
});

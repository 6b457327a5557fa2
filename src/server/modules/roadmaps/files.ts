// Reading roadmap files (content/roadmaps/*.yaml). A file holds one RoadmapSource in YAML and
// is named after its slug. Problems come back as data — file, JSON Pointer, reason — for the
// CLI to print and for start-up to refuse with; nothing here throws on bad content.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { RoadmapSource } from './schemas.ts';
import type { ImportResult, RoadmapService } from './service.ts';
import { validateRoadmapSource } from './validate.ts';

export interface ContentProblem {
  file: string;
  path: string;
  message: string;
}

export interface ContentFile {
  file: string;
  source: RoadmapSource;
}

export interface ContentLoad {
  files: ContentFile[];
  problems: ContentProblem[];
}

const EXTENSIONS = new Set(['.yaml', '.yml']);

export async function readContentDir(dir: string): Promise<ContentLoad> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => EXTENSIONS.has(path.extname(n))).sort();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : String(err);
    return { files: [], problems: [{ file: dir, path: '', message: reason }] };
  }
  const files: ContentFile[] = [];
  const problems: ContentProblem[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const result = parseContentFile(file, await readFile(file, 'utf8'));
    problems.push(...result.problems);
    if (result.source) files.push({ file, source: result.source });
  }
  problems.push(...crossFileProblems(files));
  return { files, problems };
}

export function parseContentFile(
  file: string,
  text: string,
): { source?: RoadmapSource; problems: ContentProblem[] } {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map((e) => ({
        file,
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: `YAML: ${e.message.split('\n')[0]}`,
      })),
    };
  }
  const value: unknown = doc.toJS();
  const problems = validateRoadmapSource(value).map((e) => ({ file, path: e.path, message: e.message }));
  const slug = (value as { slug?: unknown } | null)?.slug;
  const expected = path.basename(file, path.extname(file));
  if (typeof slug === 'string' && slug !== expected) {
    problems.push({
      file,
      path: '/slug',
      message: `is "${slug}" but the file is named "${expected}": rename one`,
    });
  }
  return problems.length > 0 ? { problems } : { source: value as RoadmapSource, problems };
}

/** Step ids are unique across all roadmaps, not only within one. */
function crossFileProblems(files: ContentFile[]): ContentProblem[] {
  const owner = new Map<string, string>();
  const problems: ContentProblem[] = [];
  for (const { file, source } of files) {
    source.layers.forEach((layer, li) =>
      layer.steps.forEach((step, si) => {
        const other = owner.get(step.id);
        if (other) {
          problems.push({
            file,
            path: `/layers/${li}/steps/${si}/id`,
            message: `step id "${step.id}" is already used in ${path.basename(other)}`,
          });
        } else owner.set(step.id, file);
      }),
    );
  }
  return problems;
}

export interface ContentImport {
  results: ImportResult[];
  problems: ContentProblem[];
}

/**
 * Validates every file of `dir` and, only when all are valid, imports each through the same
 * service the API uses. Each roadmap is upgraded in its own transaction.
 */
export async function importContentDir(
  service: Pick<RoadmapService, 'importSource'>,
  dir: string,
): Promise<ContentImport> {
  const { files, problems } = await readContentDir(dir);
  if (problems.length > 0) return { results: [], problems };
  const results = [];
  for (const { source } of files) results.push(await service.importSource(source));
  return { results, problems };
}

// Temporary directories that a test file removes when it is done. A PGlite data dir is ~40 MB;
// left behind by every run, they fill the system temp directory.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/**
 * Call at the top of a test file (or a describe block): returns a maker of directories named
 * `<prefix>…` in the system temp directory, all removed by an afterAll of that scope. Stop the
 * processes that use them before then (an inner describe's afterAll runs first).
 */
export function tempDirs(prefix: string): () => Promise<string> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.splice(0).map((dir) => removeDir(dir)));
  });
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
}

/** rm -rf, for the helpers that manage a directory's lifetime themselves. */
export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

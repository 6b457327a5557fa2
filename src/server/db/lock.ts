// An exclusive lock on a data directory: a file holding the owner's pid, created with O_EXCL.
// A lock whose process is gone is stale and taken over; a live one is refused with a message
// that says who holds it and what to do.
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export interface DirLock {
  readonly file: string;
  release(): Promise<void>;
}

export class DirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by process ${pid} (a Waymark server or CLI). ` +
        'PGlite allows one process per directory: stop that process first, or set WAYMARK_DATA_DIR ' +
        'to another directory, or use DATABASE_URL to share a PostgreSQL server.',
    );
    this.name = 'DirLockedError';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function acquireDirLock(dir: string): Promise<DirLock> {
  const file = path.join(dir, 'waymark.lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await rm(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(pid) && pid !== process.pid && isAlive(pid)) throw new DirLockedError(dir, pid);
      if (pid === process.pid) throw new DirLockedError(dir, pid);
      await rm(file, { force: true }); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${file}`);
}

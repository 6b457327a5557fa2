// Running the real server and CLI as child processes, on a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export const ROOT = new URL('../../', import.meta.url).pathname;

/** How `npm start` runs the server (package.json), for tests that start it the same way. */
export const SERVER = ['--import', './src/server/preload.ts', 'src/server/main.ts'];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Environment for a child: ours minus database settings, plus `extra`. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.DATABASE_READ_URL;
  delete env.REDIS_URL;
  return { ...env, LOG_LEVEL: 'warn', ...extra };
}

export interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * How long one child process — a CLI command, a server coming up — may take before a test calls it
 * hung. Generous: a command that opens PGlite takes 1–4 s on an idle machine and many times that on
 * a loaded one. Tests are bounded by what they wait for, each wait by this.
 */
export const PROCESS_TIMEOUT_MS = 180_000;

/** A test timeout for a test that runs `count` child processes one after the other. */
export const processes = (count: number) => count * PROCESS_TIMEOUT_MS;

export function run(args: string[], env: NodeJS.ProcessEnv): Running {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Runs a child to its end; one still running after `timeoutMs` is killed and the call fails. */
export async function runToEnd(args: string[], env: NodeJS.ProcessEnv, timeoutMs = PROCESS_TIMEOUT_MS) {
  const r = run(args, env);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const code = await Promise.race([r.exited, timedOut]);
  clearTimeout(timer);
  if (code === 'timed out') {
    r.child.kill('SIGKILL');
    await r.exited;
    throw new Error(`\`${args.join(' ')}\` still ran after ${timeoutMs} ms:\n${r.output()}`);
  }
  return { code, output: r.output() };
}

/** Polls `url` until it answers 200, the process dies, or `timeoutMs` passes. */
export async function waitForOk(url: string, proc: Running, timeoutMs = PROCESS_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void proc.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited before answering:\n${proc.output()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no 200 from ${url} within ${timeoutMs} ms:\n${proc.output()}`);
}

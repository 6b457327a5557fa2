// What the bench scripts share: starting the server as `npm start` does, waiting for it, and
// running autocannon for a bounded time against 127.0.0.1.
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { ROOT } from '../helpers/process.ts';

export function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', './src/server/preload.ts', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export async function timeToFirst200(url: string, child: ChildProcess, started: number): Promise<number> {
  let exited = false;
  child.once('exit', () => (exited = true));
  for (;;) {
    if (exited) throw new Error('server exited during start-up');
    try {
      const res = await fetch(url);
      if (res.status === 200) return performance.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export interface Load {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  failed: number;
}

export type Target = Omit<autocannon.Options, 'duration'>;

/** A response: when it came (ms after the run started) and how long it took. */
export interface Sample {
  at: number;
  ms: number;
}

/** Throughput and latency of the requests sent from `fromMs` to `toMs` of a run. */
export function window(samples: Sample[], fromMs: number, toMs: number): Omit<Load, 'failed'> {
  const ms = samples
    .filter((s) => s.at - s.ms >= fromMs && s.at - s.ms < toMs)
    .map((s) => s.ms)
    .sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? NaN;
  return { rps: (ms.length * 1000) / (toMs - fromMs), p50: at(0.5), p99: at(0.99), max: ms.at(-1) ?? NaN };
}

export async function load(target: Target, seconds: number, samples?: Sample[]): Promise<Load> {
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const started = performance.now();
    const run = autocannon(
      { pipelining: 1, ...target, duration: Math.max(1, Math.round(seconds)) },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    if (samples) {
      run.on('response', (_client, _status, _bytes, responseTime) =>
        samples.push({ at: performance.now() - started, ms: responseTime }),
      );
    }
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

/** The run with the median throughput (its latencies come with it). */
export function median(runs: Load[]): Load {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

/**
 * Warms both targets, then alternates `rounds` short runs of each so that a noisy neighbour hurts
 * both alike; answers the median run of each (`seconds` in all per target, `connections` each).
 */
export async function alternate(
  subject: Target,
  baseline: Target,
  seconds: number,
  rounds = 3,
): Promise<{ subject: Load; baseline: Load; ratio: number }> {
  await load(subject, 2);
  await load(baseline, 2);
  const subjectRuns: Load[] = [];
  const baselineRuns: Load[] = [];
  for (let round = 0; round < rounds; round++) {
    subjectRuns.push(await load(subject, seconds / rounds));
    baselineRuns.push(await load(baseline, seconds / rounds));
  }
  const s = median(subjectRuns);
  const b = median(baselineRuns);
  return { subject: s, baseline: b, ratio: Number((s.rps / b.rps).toFixed(2)) };
}

/**
 * The results table every bench prints: a header, a row per run (label, req/s, p50, p99, failed
 * requests), and the failed requests counted over every row.
 */
export function resultTable(labelWidth: number) {
  let failed = 0;
  return {
    header() {
      console.log(
        `${'scenario'.padEnd(labelWidth)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'failed'.padStart(7)}`,
      );
    },
    row(label: string, r: Load) {
      failed += r.failed;
      console.log(
        `${label.padEnd(labelWidth)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.failed).padStart(7)}`,
      );
    },
    /** Failed requests over every row printed so far. */
    get failed() {
      return failed;
    },
  };
}

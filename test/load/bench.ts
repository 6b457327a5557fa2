// `npm run bench`: measures the cached read path against a baseline in the same run, and
// start-up times. Traffic goes to 127.0.0.1 only, for a bounded time.
//
//   npm run bench                      PGlite in a fresh temp data dir
//   DATABASE_URL=… npm run bench       the same server on PostgreSQL (start-up then includes pool + migrate)
//   npm run bench -- --duration 3      shorter runs (CI smoke)
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT } from '../helpers/process.ts';
import { hashPassword } from '../../src/server/modules/auth/passwords.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string', default: '50' },
  },
});
const DURATION = Number(values.duration);
const ROUNDS = 3;
const CONNECTIONS = Number(values.connections);
const DOC = '/api/v1/roadmaps/backend-developer';

function spawnNode(script: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', './src/server/preload.ts', script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function timeToFirst200(url: string, child: ChildProcess, started: number): Promise<number> {
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

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/** The run with the median throughput (its latencies come with it). */
function median(runs: Load[]): Load {
  return [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
}

async function load(url: string, seconds: number): Promise<Load> {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: Math.max(1, Math.round(seconds)),
    pipelining: 1,
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

const row = (name: string, r: Load) =>
  `${name.padEnd(34)} ${r.rps.toFixed(0).padStart(8)} ${r.p50.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)} ${String(r.errors + r.non2xx).padStart(7)}`;

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const keys = generateKeyPair();
const serverEnv = {
  PORT: String(port),
  WAYMARK_DATA_DIR: dataDir,
  RATE_LIMIT_PER_MINUTE: '0',
  AUTH_RATE_LIMIT_PER_MINUTE: '0',
  NODE_ENV: 'production',
  JWT_PRIVATE_KEY: keys.privateKeyPem,
  JWT_PUBLIC_KEY: keys.publicKeyPem,
};
const database = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite';

let started = performance.now();
let server = spawnNode('src/server/main.ts', serverEnv);
const coldStart = await timeToFirst200(`${base}${DOC}`, server, started);

const first = await fetch(`${base}${DOC}`);
const body = Buffer.from(await first.arrayBuffer());
const bodyFile = path.join(dataDir, 'document.json');
await writeFile(bodyFile, body);

const barePort = await freePort();
const bare = spawnNode('test/load/bare-server.ts', {
  PORT: String(barePort),
  BODY_FILE: bodyFile,
  HEADERS: JSON.stringify(
    Object.fromEntries(
      [...first.headers].filter(
        ([name]) => !['date', 'connection', 'keep-alive', 'content-length', 'x-request-id'].includes(name),
      ),
    ),
  ),
});
await timeToFirst200(`http://127.0.0.1:${barePort}/`, bare, performance.now());

console.log(
  `\nWaymark bench — ${database}, ${CONNECTIONS} connections, ${DURATION} s per server in ${ROUNDS} alternating runs, ${body.length} B document`,
);
console.log(`node ${process.version}, ${os.cpus().length} cores\n`);

// Warm both (JIT, caches), then alternate short runs of each so that a noisy neighbour hurts
// both alike; each figure is the median run.
await load(`${base}${DOC}`, 2);
await load(`http://127.0.0.1:${barePort}/`, 2);
const waymarkRuns: Load[] = [];
const baselineRuns: Load[] = [];
for (let round = 0; round < ROUNDS; round++) {
  waymarkRuns.push(await load(`${base}${DOC}`, DURATION / ROUNDS));
  baselineRuns.push(await load(`http://127.0.0.1:${barePort}/`, DURATION / ROUNDS));
}
const waymark = median(waymarkRuns);
const baseline = median(baselineRuns);
await stop(bare);

console.log(
  `${'scenario'.padEnd(34)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'failed'.padStart(7)}`,
);
console.log(row('bare node:http, same bytes', baseline));
console.log(row(`GET ${DOC.replace('/api/v1', '')}`, waymark));
const ratio = waymark.rps / baseline.rps;
console.log(
  `\nratio (Waymark / bare): ${ratio.toFixed(2)}   target ≥ 0.80 ${ratio >= 0.8 ? 'met' : 'NOT met'}`,
);
console.log(
  `Waymark p99: ${waymark.p99.toFixed(1)} ms   target ≤ 5 ms ${waymark.p99 <= 5 ? 'met' : 'NOT met'}`,
);

// Sign-in: argon2id dominates it by design. One hash, timed here, then logins under load.
const hashes = 20;
const hashStarted = performance.now();
for (let i = 0; i < hashes; i++) await hashPassword(`bench password number ${i}`);
const hashMs = (performance.now() - hashStarted) / hashes;
const credentials = { email: 'bench@example.com', password: 'a benchmark passphrase' };
const signup = await fetch(`${base}/api/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ...credentials, displayName: 'Bench' }),
});
if (signup.status !== 201) throw new Error(`bench signup failed: ${signup.status}`);
const loginResult = await autocannon({
  url: `${base}/api/v1/auth/login`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(credentials),
  connections: 10,
  duration: Math.max(1, Math.round(DURATION / ROUNDS)),
});
const login: Load = {
  rps: loginResult.requests.average,
  p50: loginResult.latency.p50,
  p99: loginResult.latency.p99,
  errors: loginResult.errors + loginResult.timeouts,
  non2xx: loginResult.non2xx,
};
console.log(
  `\nargon2id (m=19456 KiB, t=2, p=1): ${hashMs.toFixed(1)} ms per hash (mean of ${hashes}, one at a time)`,
);
console.log(row('POST /auth/login (10 connections)', login));

await stop(server);
started = performance.now();
server = spawnNode('src/server/main.ts', serverEnv);
const restart = await timeToFirst200(`${base}${DOC}`, server, started);
await stop(server);
await rm(dataDir, { recursive: true, force: true });

console.log(
  `\ncold start (fresh data dir → first 200): ${coldStart.toFixed(0)} ms   target ≤ 2500 ${coldStart <= 2500 ? 'met' : 'NOT met'}`,
);
console.log(
  `restart (existing data dir → first 200): ${restart.toFixed(0)} ms   target ≤ 1000 ${restart <= 1000 ? 'met' : 'NOT met'}`,
);

const failed =
  waymark.errors + waymark.non2xx + baseline.errors + baseline.non2xx + login.errors + login.non2xx;
if (failed > 0) {
  console.error(`\n${failed} failed requests`);
  process.exitCode = 1;
}

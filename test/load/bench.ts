// `npm run bench`: each figure against a baseline measured in the same run, since these machines
// are noisy. Traffic goes to 127.0.0.1 only, for a bounded time.
//
//   npm run bench                      PGlite in a fresh temp data dir
//   DATABASE_URL=… npm run bench       on PostgreSQL (a database the bench may create tables in)
//   npm run bench -- --duration 6      shorter runs
//   DATABASE_URL=… npm run bench -- --redis
//                                      the same on PostgreSQL and Redis, plus the read path through
//                                      nginx with one and with two instances, and nginx's cache vs a static file
//   npm run bench -- --check           only the read scenario, short (3 s per side, 3 alternations): exits 1
//                                      when the cached read is below 0.7 × the bare server (CI runs it)
//   DATABASE_URL=… npm run bench -- --reminders
//                                      only this: 10,000 reminders due in the same minute, enqueue
//                                      throughput and due → sent latency (test/load/reminders-bench.ts)
//   DATABASE_URL=… npm run bench -- --cohort
//                                      only this: the cohort mentor view (500 members × 3 roadmaps, one
//                                      SQL statement per page) vs a bare route calling the same repo
//                                      function, 4 connections unless --connections; in a database of
//                                      its own (test/load/cohort-bench.ts)
//   npm run bench -- --freeze          only this: the cached read and login before, during and after
//                                      a 10 s SIGSTOP of a Redis of the bench's own (test/load/freeze.ts)
//
// Scenarios:
//   read       the cached roadmap document vs a bare node:http server sending the same bytes
//   sign-in    argon2id time per hash, and logins under load
//   progress   the progress summary, a progress PUT, the pace forecast and the due reviews
//              (authenticated) vs a bare Fastify route running the same SQL on the same database
//              (test/load/bench-server.ts); the summary with a personal access token vs a JWT
//   start-up   cold start (fresh data dir) and restart, to the first 200 of the document
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, ROOT } from '../helpers/process.ts';
import {
  load as loadFor,
  alternate,
  resultTable,
  spawnNode,
  stop,
  timeToFirst200,
  type Target,
} from './harness.ts';
import { hashPassword } from '../../src/server/modules/auth/passwords.ts';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '15' },
    connections: { type: 'string' },
    redis: { type: 'boolean', default: false },
    freeze: { type: 'boolean', default: false },
    reminders: { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
    cohort: { type: 'boolean', default: false },
  },
});
/** The regression check's floor: the cached read against the bare server, in the same run. */
const CHECK_RATIO = 0.7;
if (values.reminders) {
  const { remindersBench } = await import('./reminders-bench.ts');
  await remindersBench();
  process.exit(0);
}
if (values.cohort) {
  const { cohortBench } = await import('./cohort-bench.ts');
  // Fewer connections than the read path's 50: a handful of mentors at once (enough to keep both
  // the database and the server busy), not a crowd queueing for the pool.
  const failed = await cohortBench({
    duration: Number(values.duration),
    connections: Number(values.connections ?? 4),
  });
  if (failed > 0) console.error(`\n${failed} failed requests`);
  process.exit(failed > 0 ? 1 : 0);
}
if (values.freeze) {
  const { freezeBench } = await import('./freeze.ts');
  const failed = await freezeBench();
  if (failed > 0) console.error(`\n${failed} failed requests`);
  process.exit(failed > 0 ? 1 : 0);
}
if (values.redis && !process.env.DATABASE_URL) {
  throw new Error(
    '--redis runs on PostgreSQL and Redis: set DATABASE_URL (and REDIS_URL, default redis://127.0.0.1:6379/0).',
  );
}
const REDIS_URL = values.redis ? (process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0') : undefined;
const DURATION = values.check ? 9 : Number(values.duration);
const ROUNDS = 3;
const CONNECTIONS = Number(values.connections ?? 50);
const DOC = '/api/v1/roadmaps/backend-developer';
const database = `${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}${values.redis ? ' + Redis' : ''}`;
const keys = generateKeyPair();
const table = resultTable(52);
const { header, row } = table; // closures over the table's count: safe to take apart

const load = (target: Target, seconds: number) => loadFor({ connections: CONNECTIONS, ...target }, seconds);

const verdict = (label: string, value: number, target: number, atLeast = true) =>
  `${label}   target ${atLeast ? '≥' : '≤'} ${target} ${(atLeast ? value >= target : value <= target) ? 'met' : 'NOT met'}`;

/** The subject against its baseline, in alternating runs (harness `alternate`), with the ratio. */
async function compare(
  name: string,
  subject: Target,
  baselineName: string,
  baseline: Target,
  target?: number,
) {
  const connections = { connections: CONNECTIONS };
  const r = await alternate(
    { ...connections, ...subject },
    { ...connections, ...baseline },
    DURATION,
    ROUNDS,
  );
  row(baselineName, r.baseline);
  row(name, r.subject);
  console.log(target === undefined ? `ratio ${r.ratio}` : verdict(`ratio ${r.ratio}`, r.ratio, target));
  return { ...r.subject, ratio: r.ratio };
}

console.log(
  `\nWaymark bench — ${database}, ${CONNECTIONS} connections, ${DURATION} s per server per scenario in ${ROUNDS} alternating runs`,
);
console.log(`node ${process.version}, ${os.cpus().length} cores`);

// ---------------------------------------------------------------------------------------------
// Read path and start-up: the real server, as npm start runs it.

const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const serverEnv = {
  PORT: String(port),
  WAYMARK_DATA_DIR: dataDir,
  RATE_LIMIT_PER_MINUTE: '0',
  AUTH_RATE_LIMIT_PER_MINUTE: '0',
  NODE_ENV: 'production',
  JWT_PRIVATE_KEY: keys.privateKeyPem,
  JWT_PUBLIC_KEY: keys.publicKeyPem,
  ...(REDIS_URL ? { REDIS_URL } : {}),
};

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

console.log(`\n— read: the cached document (${body.length} B)`);
header();
const read = await compare(
  `GET ${DOC.replace('/api/v1', '')}`,
  { url: `${base}${DOC}` },
  'bare node:http, same bytes and headers',
  { url: `http://127.0.0.1:${barePort}/` },
  0.8,
);
console.log(verdict(`p99 ${read.p99.toFixed(1)} ms`, read.p99, 5, false));
await stop(bare);
if (values.check) {
  await stop(server);
  await rm(dataDir, { recursive: true, force: true });
  const held = read.ratio >= CHECK_RATIO && table.failed === 0;
  console.log(
    held
      ? `regression check: ratio ${read.ratio} ≥ ${CHECK_RATIO}, held`
      : `regression check FAILED: the cached read is ${read.ratio} × the bare server (floor ${CHECK_RATIO}), ${table.failed} failed requests`,
  );
  process.exit(held ? 0 : 1);
}

console.log('\n— sign-in: argon2id dominates it by design');
const hashes = 20;
const hashStarted = performance.now();
for (let i = 0; i < hashes; i++) await hashPassword(`bench password number ${i}`);
console.log(
  `argon2id (m=19456 KiB, t=2, p=1): ${((performance.now() - hashStarted) / hashes).toFixed(1)} ms per hash (mean of ${hashes}, one at a time)`,
);
const credentials = {
  email: `bench-${randomBytes(4).toString('hex')}@example.com`,
  password: 'a benchmark passphrase',
};
const signup = await fetch(`${base}/api/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ...credentials, displayName: 'Bench' }),
});
if (signup.status !== 201) throw new Error(`bench signup failed: ${signup.status}`);
header();
row(
  'POST /auth/login (10 connections)',
  await load(
    {
      url: `${base}/api/v1/auth/login`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(credentials),
      connections: 10,
    },
    DURATION / ROUNDS,
  ),
);

await stop(server);
started = performance.now();
server = spawnNode('src/server/main.ts', serverEnv);
const restart = await timeToFirst200(`${base}${DOC}`, server, started);
await stop(server);

// ---------------------------------------------------------------------------------------------
// Progress: Waymark and the bare baseline in one process, on one database.

const progressPort = await freePort();
const progressBarePort = await freePort();
const progressDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-'));
const benchServer = spawn(
  process.execPath,
  ['--import', './src/server/preload.ts', 'test/load/bench-server.ts'],
  {
    cwd: ROOT,
    env: {
      ...process.env,
      ...serverEnv,
      PORT: String(progressPort),
      BARE_PORT: String(progressBarePort),
      WAYMARK_DATA_DIR: progressDir,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const progressBase = `http://127.0.0.1:${progressPort}`;
await timeToFirst200(`${progressBase}/healthz`, benchServer, performance.now());
const learner = await fetch(`${progressBase}/api/v1/auth/signup`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ...credentials, email: `progress-${credentials.email}`, displayName: 'Bench' }),
}).then(async (r) => {
  if (r.status !== 201) throw new Error(`bench signup failed: ${r.status} ${await r.text()}`);
  return r.json() as Promise<{ user: { id: string }; accessToken: string }>;
});
const auth = { authorization: `Bearer ${learner.accessToken}`, 'content-type': 'application/json' };
const toggling = (url: string, headers: Record<string, string>) => ({
  url,
  method: 'PUT' as const,
  headers,
  requests: [
    { method: 'PUT' as const, body: JSON.stringify({ status: 'done' }) },
    { method: 'PUT' as const, body: JSON.stringify({ status: 'in_progress' }) },
  ],
});

console.log(`\n— progress (${database}): authenticated, validated, logged vs the same SQL alone`);
header();
await compare(
  'GET /me/roadmaps/…/progress',
  { url: `${progressBase}/api/v1/me/roadmaps/backend-developer/progress`, headers: auth },
  'bare Fastify: the summary query',
  { url: `http://127.0.0.1:${progressBarePort}/summary/${learner.user.id}` },
  0.8,
);
await compare(
  'PUT /me/roadmaps/…/steps/postgresql',
  toggling(`${progressBase}/api/v1/me/roadmaps/backend-developer/steps/postgresql`, auth),
  'bare Fastify: the upsert',
  toggling(`http://127.0.0.1:${progressBarePort}/progress/${learner.user.id}`, {
    'content-type': 'application/json',
  }),
  0.8,
);
// The learner has done a few steps: each is a review card, due now.
for (const step of ['language-fundamentals', 'oop-and-design-patterns', 'rest-apis']) {
  const res = await fetch(`${progressBase}/api/v1/me/roadmaps/backend-developer/steps/${step}`, {
    method: 'PUT',
    headers: auth,
    body: JSON.stringify({ status: 'done' }),
  });
  if (res.status !== 200) throw new Error(`bench progress failed: ${res.status} ${await res.text()}`);
}
await compare(
  'GET /me/roadmaps/…/forecast',
  { url: `${progressBase}/api/v1/me/roadmaps/backend-developer/forecast`, headers: auth },
  'bare Fastify: the same service call',
  { url: `http://127.0.0.1:${progressBarePort}/forecast/${learner.user.id}` },
  0.8,
);
await compare(
  'GET /me/reviews (3 due)',
  { url: `${progressBase}/api/v1/me/reviews?limit=20`, headers: auth },
  'bare Fastify: the same service call',
  { url: `http://127.0.0.1:${progressBarePort}/reviews/${learner.user.id}` },
  0.8,
);
// Issue 16: a request with a personal access token costs at most 1.1 × the same request with an
// access token (JWT): requests/s at least 1 / 1.1 = 0.91 of the JWT's. The token's lookup is one
// indexed statement, remembered for a few seconds like a session's.
const pat = await fetch(`${progressBase}/api/v1/me/tokens`, {
  method: 'POST',
  headers: auth,
  body: JSON.stringify({ name: 'bench', scopes: ['progress:read'] }),
}).then(async (r) => {
  if (r.status !== 201) throw new Error(`bench token failed: ${r.status} ${await r.text()}`);
  return r.json() as Promise<{ token: string }>;
});
await compare(
  'GET /me/roadmaps/…/progress, personal access token',
  {
    url: `${progressBase}/api/v1/me/roadmaps/backend-developer/progress`,
    headers: { authorization: `Bearer ${pat.token}` },
  },
  'GET /me/roadmaps/…/progress, access token (JWT)',
  { url: `${progressBase}/api/v1/me/roadmaps/backend-developer/progress`, headers: auth },
  0.91,
);
await stop(benchServer);
await rm(dataDir, { recursive: true, force: true });
await rm(progressDir, { recursive: true, force: true });

if (values.redis) {
  // ---------------------------------------------------------------------------------------------
  // Scale-out: the read path through nginx, with one instance and with two.
  const ports = [await freePort(), await freePort()];
  const instances = ports.map((p) =>
    spawnNode('src/server/main.ts', { ...serverEnv, PORT: String(p), LOG_LEVEL: 'warn' }),
  );
  await Promise.all(
    instances.map((child, i) =>
      timeToFirst200(`http://127.0.0.1:${ports[i]}/readyz`, child, performance.now()),
    ),
  );
  const template = await readFile(path.join(ROOT, 'test/scale/nginx.conf.template'), 'utf8');
  const throughNginx = async (upstreams: [string, string]) => {
    const prefix = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-nginx-'));
    await chmod(prefix, 0o755); // nginx's workers (nobody, under root) use the cache directory in it
    const nginxPort = await freePort();
    // The document's bytes as a static file too: what nginx's cache is measured against.
    await mkdir(path.join(prefix, 'static'));
    await writeFile(
      path.join(prefix, 'static', 'document.json'),
      Buffer.from(await (await fetch(`http://127.0.0.1:${ports[0]}${DOC}`)).arrayBuffer()),
    );
    const conf = template
      .replaceAll('{{PREFIX}}', prefix)
      .replace('{{PORT}}', String(nginxPort))
      .replace('{{UPSTREAM_A}}', upstreams[0])
      .replace('{{UPSTREAM_B}}', upstreams[1])
      .replace(
        '    location / {',
        `    location = /static/document.json {\n      root ${prefix};\n      default_type application/json;\n    }\n\n    location / {`,
      );
    await writeFile(path.join(prefix, 'nginx.conf'), conf);
    const nginx = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-g', 'daemon off;'], {
      stdio: 'ignore',
    });
    await timeToFirst200(`http://127.0.0.1:${nginxPort}/readyz`, nginx, performance.now());
    return {
      url: `http://127.0.0.1:${nginxPort}${DOC}`,
      static: `http://127.0.0.1:${nginxPort}/static/document.json`,
      nginx,
      prefix,
    };
  };
  const one = await throughNginx([`127.0.0.1:${ports[0]}`, `127.0.0.1:${ports[0]}`]);
  const two = await throughNginx([`127.0.0.1:${ports[0]}`, `127.0.0.1:${ports[1]}`]);
  console.log(
    `\n— scale-out (${database}): the cached document through nginx, ${os.cpus().length} cores for everything`,
  );
  header();
  // No target: on one 2-core machine the instances, nginx and the load generator share the
  // same cores, so a second instance cannot double anything; the ratio says how much it adds.
  // The session cookie makes nginx pass every request to an instance (its cache is measured below).
  const uncached = { headers: { cookie: 'waymark_refresh=bench' } };
  await compare('nginx → 2 instances', { url: two.url, ...uncached }, 'nginx → 1 instance', {
    url: one.url,
    ...uncached,
  });
  console.log(
    `\n— nginx's cache (${database}): the document as a cache HIT vs the same bytes as a static file`,
  );
  header();
  const hit = await fetch(two.url).then(async (r) => (await r.arrayBuffer(), fetch(two.url)));
  if (hit.headers.get('x-cache-status') !== 'HIT')
    throw new Error(`expected a cache HIT, got ${hit.headers.get('x-cache-status')}`);
  await hit.arrayBuffer();
  // No target: both are nginx answering from disk (page cache); the cache adds a key lookup and
  // a freshness check, and revalidates with an instance every max-age (10 s).
  await compare("nginx's cache (HIT)", { url: two.url }, 'nginx static file', { url: two.static });
  for (const child of [one.nginx, two.nginx, ...instances]) await stop(child);
  for (const dir of [one.prefix, two.prefix]) await rm(dir, { recursive: true, force: true });
}

console.log('\n— start-up');
console.log(
  verdict(`cold start (fresh data dir → first 200): ${coldStart.toFixed(0)} ms`, coldStart, 2500, false),
);
console.log(
  verdict(`restart (existing data dir → first 200): ${restart.toFixed(0)} ms`, restart, 1000, false),
);

if (table.failed > 0) {
  console.error(`\n${table.failed} failed requests`);
  process.exitCode = 1;
}

// `npm run bench -- --freeze`: what a frozen Redis costs. One Waymark server on a Redis of the
// bench's own; the cached document read, then login, each under load for 10 s while Redis
// answers, for 10 s while it is stopped with SIGSTOP (connections open, nothing answers — the
// case a crashed Redis does not show), and for 10 s after SIGCONT. Rate limits are on (high
// enough never to refuse), so every request consults the limiter's store as in production.
// Traffic goes to 127.0.0.1 only.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPair } from '../../src/server/modules/auth/tokens.ts';
import { freePort } from '../helpers/process.ts';
import { startRedisServer } from '../helpers/redis-server.ts';
import {
  load,
  spawnNode,
  stop,
  timeToFirst200,
  window,
  type Load,
  type Sample,
  type Target,
} from './harness.ts';

const PHASE_SECONDS = 10;
const TRIP_MS = 1000;
const DOC = '/api/v1/roadmaps/backend-developer';

export async function freezeBench(): Promise<number> {
  const keys = generateKeyPair();
  const redis = await startRedisServer();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'waymark-bench-freeze-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = spawnNode('src/server/main.ts', {
    PORT: String(port),
    WAYMARK_DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    RATE_LIMIT_PER_MINUTE: '1000000',
    AUTH_RATE_LIMIT_PER_MINUTE: '1000000',
    NODE_ENV: 'production',
    JWT_PRIVATE_KEY: keys.privateKeyPem,
    JWT_PUBLIC_KEY: keys.publicKeyPem,
  });
  let failed = 0;
  try {
    await timeToFirst200(`${base}${DOC}`, server, performance.now());
    const credentials = {
      email: `freeze-${randomBytes(4).toString('hex')}@example.com`,
      password: 'a benchmark passphrase',
    };
    const signup = await fetch(`${base}/api/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...credentials, displayName: 'Bench' }),
    });
    if (signup.status !== 201) throw new Error(`bench signup failed: ${signup.status}`);
    /** One load, and /healthz timed one request at a time beside it. */
    const phase = async (target: Target, seconds: number, samples?: Sample[]) => {
      let healthzMax = 0;
      let running = true;
      const probing = (async () => {
        while (running) {
          const started = performance.now();
          await fetch(`${base}/healthz`);
          healthzMax = Math.max(healthzMax, performance.now() - started);
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      const result = await load(target, seconds, samples);
      running = false;
      await probing;
      failed += result.failed;
      return { ...result, healthzMax };
    };
    /** Before, frozen, after: each PHASE_SECONDS, with a wait for Redis to be used again. */
    const scenario = async (target: Target) => {
      await phase(target, 2); // warm-up
      const before = await phase(target, PHASE_SECONDS);
      const samples: Sample[] = [];
      redis.freeze();
      let frozen: Awaited<ReturnType<typeof phase>>;
      try {
        frozen = await phase(target, PHASE_SECONDS, samples);
      } finally {
        redis.thaw();
      }
      const thawed = performance.now();
      let recoveredMs = NaN;
      for (let i = 0; i < 100; i++) {
        const ready = (await (await fetch(`${base}/readyz`)).json()) as { checks: Record<string, string> };
        if (ready.checks.redis === 'up') {
          recoveredMs = performance.now() - thawed;
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      const after = await phase(target, PHASE_SECONDS);
      // The first second of the freeze is when the breaker trips (the first commands wait for
      // their timeout); the rest is what a frozen Redis costs from then on.
      const settled = window(samples, TRIP_MS, PHASE_SECONDS * 1000);
      return { before, frozen, settled, after, recoveredMs };
    };

    const results: [string, Awaited<ReturnType<typeof scenario>>][] = [
      [
        `GET ${DOC.replace('/api/v1', '')}, 50 connections`,
        await scenario({ url: `${base}${DOC}`, connections: 50 }),
      ],
      [
        'POST /auth/login, 10 connections',
        await scenario({
          url: `${base}/api/v1/auth/login`,
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credentials),
          connections: 10,
        }),
      ],
    ];
    const metrics = await (await fetch(`${base}/metrics`)).text();

    console.log(
      `\n— Redis frozen (SIGSTOP) for ${PHASE_SECONDS} s under each load; ${os.cpus().length} cores for everything`,
    );
    const row = (name: string, r: Omit<Load, 'failed'>, ratio?: number) =>
      console.log(
        `  ${name.padEnd(40)} ${r.rps.toFixed(0).padStart(7)} ${r.p99.toFixed(0).padStart(7)} ${r.max.toFixed(0).padStart(7)}${ratio === undefined ? '' : ratio.toFixed(2).padStart(10)}`,
      );
    console.log(
      `  ${'phase'.padEnd(40)} ${'req/s'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)} ${'× before'.padStart(9)}`,
    );
    for (const [name, r] of results) {
      console.log(name);
      row(`before (${PHASE_SECONDS} s)`, r.before);
      row(`frozen (${PHASE_SECONDS} s)`, r.frozen, r.frozen.rps / r.before.rps);
      row(
        `frozen, requests sent after its first ${TRIP_MS / 1000} s`,
        r.settled,
        r.settled.rps / r.before.rps,
      );
      row(`after SIGCONT (${PHASE_SECONDS} s)`, r.after, r.after.rps / r.before.rps);
    }
    const worst = (key: 'before' | 'frozen' | 'after') =>
      Math.max(...results.map(([, r]) => r[key].healthzMax)).toFixed(1);
    console.log(
      `/healthz, slowest single request beside the load: ${worst('before')} ms before, ${worst('frozen')} ms frozen, ${worst('after')} ms after`,
    );
    console.log(
      `Redis used again (/readyz: redis up) ${results.map(([, r]) => `${r.recoveredMs.toFixed(0)} ms`).join(' and ')} after SIGCONT`,
    );
    const wanted = /^waymark_(redis_\w+|rate_limit_fallbacks_total|cache_errors_total)(\{[^}]*\})? /;
    for (const metric of metrics.split('\n').filter((l) => wanted.test(l))) console.log(`  ${metric}`);
  } finally {
    await stop(server);
    await redis.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
  return failed;
}

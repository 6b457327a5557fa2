// Fuzzes every operation of /api/openapi.json with hostile values (NUL, lone surrogates,
// control characters, 1e309, huge and negative numbers, wrong types, 5000-deep nesting,
// 100 KB strings, bad percent-encoding, crafted cursors, odd dates, unknown properties, wrong
// content types, forged and odd credentials) and asserts that no answer is a 5xx, every 4xx
// is an RFC 9457 problem, and no body leaks a stack trace, SQL or a password hash.
//
//   npx vitest run test/fuzz                     the fixed seed, as in `npm test`
//   FUZZ_SEED=123 FUZZ_ROUNDS=3 npx vitest run test/fuzz     other values, more of them
//   FUZZ_ONLY='signup|PATCH /api/v1/me$' ...     only the operations whose key matches
//   FUZZ_REPORT=1 ...                            print a JSON summary of every failure
//   FUZZ_REPORT=/tmp/fuzz.json ...               write it to a file instead
//
// The generator (test/fuzz/generator.ts, cases.ts) knows only the OpenAPI document; what a
// valid request of each operation looks like is in test/fuzz/fixtures.ts.
import { writeFileSync } from 'node:fs';
import type { FastifyError } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { casesFor, type FuzzCase, type Request } from './cases.ts';
import { createFixtures, type Fixtures } from './fixtures.ts';
import { operationsOf, type OpenApiDoc, type Operation } from './generator.ts';
import { formatGroups, group, inspect, summarize, type Answer, type Finding } from './oracle.ts';

export const DEFAULT_SEED = 20_250_611;
const SEED = Number(process.env.FUZZ_SEED ?? DEFAULT_SEED);
const ROUNDS = Math.max(1, Number(process.env.FUZZ_ROUNDS ?? 1));
const ONLY = process.env.FUZZ_ONLY ? new RegExp(process.env.FUZZ_ONLY) : undefined;
const REPORT = process.env.FUZZ_REPORT;
/** One-field cases per operation and round; `all` (or 0) for every one of them. */
const BUDGET = process.env.FUZZ_BUDGET === 'all' ? 0 : Number(process.env.FUZZ_BUDGET ?? 200);
const REQUEST_TIMEOUT_MS = 15_000;
/** Operations whose valid baseline cannot succeed here, and what it answers instead. */
const BASELINE_EXPECTED: Record<string, number> = {
  // No OAuth provider is configured in tests.
  'GET /api/v1/auth/oauth/{provider}/start': 404,
  'GET /api/v1/auth/oauth/{provider}/callback': 404,
  // Mailed tokens are not guessable.
  'POST /api/v1/auth/password-reset/confirm': 400,
  'POST /api/v1/auth/verify-email': 400,
};

/** Classes of string content that DESIGN.md's one rule for strings refuses (listed when accepted). */
const STRING_CONTENT = new Set(['nul', 'lone-surrogate', 'control-c0', 'control-c1', 'line-separator']);

let t: TestApp;
/** The error the server met while answering a request, by request id (for 5xx causes). */
const serverErrors = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp(
    // Thousands of requests from one address: the rate limits would turn this into a 429 test.
    { RATE_LIMIT_PER_MINUTE: '0', AUTH_RATE_LIMIT_PER_MINUTE: '0', LOGIN_FAILURES_PER_15_MINUTES: '10000' },
    {},
    (app) => {
      app.addHook('onError', async (request, _reply, error: FastifyError) => {
        serverErrors.set(String(request.id), describeError(error));
      });
    },
  );
});
afterAll(async () => t?.close());

/** The root of an error's cause chain (the driver's error under Drizzle's "Failed query"), and where. */
function describeError(error: Error): string {
  const chain: Error[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 6; e = e.cause) chain.push(e);
  const root = chain.at(-1)!;
  const code = (root as { code?: unknown }).code;
  const where = chain
    .flatMap((e) => e.stack?.split('\n') ?? [])
    .find((line) => line.includes('/src/server/') && !line.includes('node_modules'))
    ?.replace(/.*\/src\/server\//, 'src/server/')
    .replace(/\)$/, '');
  const via = chain.length > 1 ? ` [via ${chain[0]!.message.split('\n')[0]!.slice(0, 60)}…]` : '';
  return `${root.name}${code ? ` ${String(code)}` : ''}: ${root.message.split('\n')[0]}${via}${where ? ` at ${where}` : ''}`;
}

async function send(op: Operation, request: Request): Promise<Answer> {
  const timer = new AbortController();
  const timeout = setTimeout(() => timer.abort(), REQUEST_TIMEOUT_MS);
  try {
    const res = await Promise.race([
      t.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        ...(request.payload !== undefined ? { payload: request.payload } : {}),
        ...(op.streams ? { payloadAsStream: true } : {}),
      }),
      new Promise<never>((_, reject) =>
        timer.signal.addEventListener('abort', () =>
          reject(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)),
        ),
      ),
    ]);
    let body: string;
    if (op.streams) {
      // An event stream stays open: its first chunk is enough.
      const stream = res.stream();
      body = await new Promise<string>((resolve) => {
        const chunks: Buffer[] = [];
        const done = () => {
          clearTimeout(wait);
          stream.destroy();
          resolve(Buffer.concat(chunks).toString('utf8'));
        };
        const wait = setTimeout(done, 300);
        stream.on('data', (c: Buffer) => {
          chunks.push(c);
          if (String(res.headers['content-type']).startsWith('text/event-stream')) done();
        });
        stream.on('end', done);
        stream.on('error', done);
      });
    } else body = res.body;
    return {
      status: res.statusCode,
      headers: res.headers,
      contentType: String(res.headers['content-type'] ?? ''),
      body,
      cause: serverErrors.get(String(res.headers['x-request-id'] ?? '')) ?? lastErrorFor(res),
    };
  } finally {
    clearTimeout(timeout);
  }
}

/** The request id is in a problem body (`requestId`) when not in a header. */
function lastErrorFor(res: { body: string; statusCode: number }) {
  if (res.statusCode < 500) return undefined;
  try {
    const id = (JSON.parse(res.body) as { requestId?: string }).requestId;
    return id ? serverErrors.get(id) : undefined;
  } catch {
    return undefined;
  }
}

interface OperationRun {
  op: string;
  requests: number;
  baselineStatus: number | string;
  statuses: Record<string, number>;
  ms: number;
}

describe('fuzzing every operation of /api/openapi.json', () => {
  const findings: Finding[] = [];
  const runs: OperationRun[] = [];
  /** Statuses and time by class of hostile value (FUZZ_REPORT): what each class reaches. */
  const byClass: Record<string, { ms: number; statuses: Record<string, number> }> = {};
  /** String-content values that were accepted (2xx): DESIGN.md's one rule for strings refuses them. */
  const accepted: { op: string; target: string; cls: string; note: string; status: number }[] = [];
  let fixtures: Fixtures;

  it('answers every hostile request below 500, and every 4xx as application/problem+json', async () => {
    const started = Date.now();
    const docRes = await t.app.inject({ url: '/api/openapi.json' });
    expect(docRes.statusCode).toBe(200);
    const doc = docRes.json() as OpenApiDoc;
    const ops = operationsOf(doc).filter((op) => !ONLY || ONLY.test(op.key));
    expect(ops.length, `no operation matches FUZZ_ONLY=${process.env.FUZZ_ONLY}`).toBeGreaterThan(0);
    fixtures = await createFixtures(t, SEED);

    for (const op of ops) {
      const opStarted = Date.now();
      const fixture = await fixtures.forOperation(op);
      const credentials = await fixtures.credentialsFor((await fixture.baseline('(baseline)')).authorization);
      const cases: FuzzCase[] = casesFor(op, {
        doc,
        seed: SEED,
        rounds: ROUNDS,
        cursor: fixture.cursor,
        credentials,
        budget: BUDGET,
      });
      const run: OperationRun = { op: op.key, requests: 0, baselineStatus: '-', statuses: {}, ms: 0 };
      runs.push(run);
      for (const c of cases) {
        let request: Request;
        try {
          request = c.build(await fixture.baseline(c.target));
        } catch (err) {
          throw new Error(`fuzz fixture for ${op.key} (${c.target}, ${c.note}) failed: ${String(err)}`, {
            cause: err,
          });
        }
        run.requests++;
        let answer: Answer;
        const sentAt = performance.now();
        try {
          answer = await send(op, request);
          const cls = (byClass[c.cls] ??= { ms: 0, statuses: {} });
          cls.ms += Math.round(performance.now() - sentAt);
          cls.statuses[answer.status] = (cls.statuses[answer.status] ?? 0) + 1;
        } catch (err) {
          findings.push({
            op: op.key,
            target: c.target,
            cls: c.cls,
            note: c.note,
            status: 0,
            problem: 'no answer',
            got: String(err),
            request,
            body: '',
          });
          continue;
        }
        fixture.observe?.(answer.status, answer.headers);
        run.statuses[answer.status] = (run.statuses[answer.status] ?? 0) + 1;
        if (c.cls === 'baseline') run.baselineStatus = answer.status;
        if (STRING_CONTENT.has(c.cls) && answer.status < 300) {
          accepted.push({ op: op.key, target: c.target, cls: c.cls, note: c.note, status: answer.status });
        }
        for (const problem of inspect(answer, request.method)) {
          findings.push({
            op: op.key,
            target: c.target,
            cls: c.cls,
            note: c.note,
            status: answer.status,
            problem,
            got: summarize(answer),
            cause: answer.status >= 500 ? answer.cause : undefined,
            request,
            body: answer.body,
          });
        }
      }
      run.ms = Date.now() - opStarted;
    }

    const total = runs.reduce((n, r) => n + r.requests, 0);
    const groups = group(findings);
    const header =
      `Fuzz of ${ops.length} operations, ${total} requests, seed ${SEED}, ${ROUNDS} round(s), ` +
      `${Math.round((Date.now() - started) / 1000)} s: ${findings.length} failures in ${groups.length} groups.\n` +
      `Replay: FUZZ_SEED=${SEED} FUZZ_ROUNDS=${ROUNDS} FUZZ_BUDGET=${BUDGET || 'all'} npx vitest run test/fuzz ` +
      `(FUZZ_ONLY=<regex of "METHOD /path"> narrows it, FUZZ_REPORT=1 prints all as JSON).`;
    process.stdout.write(`${header.split('\n')[0]}\n`);
    if (REPORT) {
      const json = JSON.stringify(
        {
          seed: SEED,
          rounds: ROUNDS,
          budget: BUDGET,
          requests: total,
          failures: findings.length,
          groups,
          operations: runs,
          byClass,
          accepted,
          unknownOperations: fixtures.unknown,
        },
        null,
        2,
      );
      if (REPORT === '1') process.stdout.write(`${json}\n`);
      else writeFileSync(REPORT, json);
    }
    expect(findings.length, `${header}\n\n${formatGroups(groups)}\n`).toBe(0);
  }, 600_000);

  it('reached past validation: every known operation’s valid baseline succeeds', () => {
    // Without this, a broken fixture (a 401, a 404) would make the fuzz above shallow, and green.
    const wrong = runs
      .filter((r) => fixtures && !fixtures.unknown.includes(r.op))
      .filter((r) => {
        const expected = BASELINE_EXPECTED[r.op];
        return expected !== undefined ? r.baselineStatus !== expected : !(Number(r.baselineStatus) < 400);
      })
      .map((r) => `${r.op}: ${r.baselineStatus}`);
    expect(wrong, 'baselines that did not answer as expected').toEqual([]);
  });
});

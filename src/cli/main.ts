// The `waymark` command line: serve, migrate, and content validate|import. It opens the same
// database the server would (WAYMARK_DATA_DIR or DATABASE_URL), so with PGlite it refuses to
// run while a server holds the data directory.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../server/config.ts';
import { DirLockedError } from '../server/db/lock.ts';
import type { ContentProblem } from '../server/modules/roadmaps/files.ts';

// Commands import what they need when they run, so `--help` answers at once.

const USAGE = `Usage: waymark <command> [options]

Commands:
  serve                     start the HTTP server (same as npm start)
  migrate                   apply pending database migrations
  content validate [dir]    check roadmap files without touching the database
  content import [dir]      validate, then import roadmap files as new versions
  content export <slug>     print a roadmap as a content file (YAML)
  user create-admin         create an admin account (--email, --password or a prompt)
  user promote              give an account a role (--email, --role)
  keys [--vapid]            print a new key pair: Ed25519 for JWT_*, or with --vapid P-256 for VAPID_*
  jobs list                 the job queue: jobs per queue and state, and the failed ones
  jobs retry <id>           send a failed job back to its queue
  tokens create             a personal access token for an account's scripts (--email, --name, --scopes)

Options:
  -h, --help                show help for a command

The database is PGlite in WAYMARK_DATA_DIR (default ./data) unless DATABASE_URL is set.
[dir] defaults to WAYMARK_CONTENT_DIR (default ./content/roadmaps).`;

const HELP: Record<string, string> = {
  serve: `Usage: waymark serve

Starts the HTTP server on HOST:PORT (default 127.0.0.1:3000), migrating the database and
importing the bundled roadmaps first. Configuration comes from environment variables; see
the README. Stops gracefully on SIGTERM or Ctrl-C.`,
  migrate: `Usage: waymark migrate

Applies pending migrations to the configured database (PGlite in WAYMARK_DATA_DIR, or
DATABASE_URL) and exits. The server also migrates at start; this is for deploy pipelines.`,
  'content validate': `Usage: waymark content validate [dir]

Checks every .yaml file in dir (default: WAYMARK_CONTENT_DIR or ./content/roadmaps) against
the roadmap schema and its rules, printing file, JSON pointer and reason for each problem.
Exits 1 when there is any problem. Does not open the database.`,
  'content import': `Usage: waymark content import [dir]

Validates every file in dir, then imports each roadmap as a new published version in its own
transaction. Unchanged roadmaps are left alone. With PGlite, stop the server first.`,
  'content export': `Usage: waymark content export <slug> [--draft] [--out file]

Prints the published version of a roadmap (or, with --draft, the draft being edited) as a
content file: the same YAML document content/roadmaps holds and the authoring API takes. With
--out, writes it to that file instead. With PGlite, stop the server first.`,
  'user create-admin': `Usage: waymark user create-admin --email E [--password P] [--name N]

Creates an account with the admin role in the configured database. The password comes from
--password, else WAYMARK_ADMIN_PASSWORD, else a prompt when run in a terminal; it must meet the
same rules as any password (15 to 128 characters, not a common one). With PGlite, stop the
server first: the data directory is single-process.`,
  'user promote': `Usage: waymark user promote --email E --role learner|author|admin

Gives an existing account a role. It takes effect in that user's next access token (within
minutes). With PGlite, stop the server first.`,
  keys: `Usage: waymark keys [--vapid]

Prints a new Ed25519 key pair as JWT_PRIVATE_KEY=… and JWT_PUBLIC_KEY=… lines (PEM with \\n),
ready for an .env file. Production refuses to start without such a pair; every instance of one
deployment must share it.

With --vapid, prints a P-256 pair as VAPID_PUBLIC_KEY=… and VAPID_PRIVATE_KEY=… instead: the
keys Web Push reminders are signed with (RFC 8292). Without them the push channel is off.
Every instance shares one pair; a new pair makes browsers subscribe again.`,
  'jobs list': `Usage: waymark jobs list [--limit N]

Prints, for each queue, how many jobs are due, waiting for their time, running and failed, then
the failed jobs (out of retries, in the dead-letter queue) with their id, queue, time and last
error, oldest first (at most N, default 50). Works while servers run, on either database; with
PGlite, stop the server first.`,
  'jobs retry': `Usage: waymark jobs retry <id>

Sends a failed job (an id from \`waymark jobs list\`) back to the queue it failed in, with a
fresh set of retries. Exits 1 when no failed job has that id.`,
};

const ROLES = ['learner', 'author', 'admin'] as const;
HELP['tokens create'] = `Usage: waymark tokens create --email E --name N --scopes S[,S…] [--expires-days D]

Makes a personal access token for the account with that email, for scripts an admin runs on its
behalf, and prints it (wmk_…) on stdout, once: only its hash is kept. Scopes: progress:read,
progress:write, study:read, study:write, notes:read, notes:write, profile:read. Without
--expires-days it does not expire; the account's owner sees it in Settings and can revoke it.
With PGlite, stop the server first.`;

/** Reads a line from the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  output._writeToOutput = (s: string) => {
    if (s.startsWith(question)) process.stdout.write(question);
  };
  try {
    return await rl.question(question);
  } finally {
    process.stdout.write('\n');
    rl.close();
  }
}

function printProblems(problems: ContentProblem[]) {
  for (const p of problems) {
    console.error(`${path.relative(process.cwd(), p.file) || p.file}: ${p.path || '(file)'} ${p.message}`);
  }
  console.error(`\n${problems.length} problem(s). Fix them and run \`waymark content validate\` again.`);
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      email: { type: 'string' },
      password: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      draft: { type: 'boolean' },
      out: { type: 'string' },
      vapid: { type: 'boolean' },
      limit: { type: 'string' },
      scopes: { type: 'string' },
      'expires-days': { type: 'string' },
    },
  });
  const [command, sub, ...rest] = positionals;
  const name =
    (command === 'content' || command === 'user' || command === 'jobs' || command === 'tokens') && sub
      ? `${command} ${sub}`
      : command;

  if (!name) {
    console.log(USAGE);
    return values.help ? 0 : 1;
  }
  if (!(name in HELP)) {
    console.error(`Unknown command "${name}".\n\n${USAGE}`);
    return 1;
  }
  if (values.help) {
    console.log(HELP[name]);
    return 0;
  }

  if (name === 'keys' && values.vapid) {
    const { generateVapidKeys } = await import('../server/modules/reminders/push.ts');
    const pair = generateVapidKeys();
    console.log(`VAPID_PUBLIC_KEY=${pair.publicKey}`);
    console.log(`VAPID_PRIVATE_KEY=${pair.privateKey}`);
    return 0;
  }
  if (name === 'keys') {
    const { generateKeyPair } = await import('../server/modules/auth/tokens.ts');
    const pair = generateKeyPair();
    const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
    console.log(`JWT_PRIVATE_KEY="${oneLine(pair.privateKeyPem)}"`);
    console.log(`JWT_PUBLIC_KEY="${oneLine(pair.publicKeyPem)}"`);
    return 0;
  }

  const config = loadConfig();
  switch (name) {
    case 'jobs list':
    case 'jobs retry': {
      const limit = Number(values.limit ?? 50);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
        console.error('--limit must be a whole number from 1 to 1000.');
        return 1;
      }
      const id = sub === 'retry' ? rest[0] : undefined;
      if (sub === 'retry' && !id) {
        console.error('Which job? `waymark jobs retry <id>` (the ids are in `waymark jobs list`).');
        return 1;
      }
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const { createJobs } = await import('../server/infra/jobs.ts');
      const db = await openConfiguredDatabase(config);
      const quiet = { error() {}, warn() {} };
      const jobs = await createJobs({
        connection: db.jobsConnection,
        ...config.jobs,
        retryLimits: { webhook: config.jobs.webhookRetryLimit },
        log: quiet,
      });
      try {
        if (id) {
          if (!(await jobs.retry(id))) {
            console.error(`No failed job has the id ${id} (see \`waymark jobs list\`).`);
            return 1;
          }
          console.log(`Job ${id} is queued again.`);
          return 0;
        }
        const counts = await jobs.counts();
        console.log(['queue'.padEnd(20), 'queued', 'deferred', 'active', 'failed'].join('  '));
        for (const q of counts) {
          console.log(
            [q.queue.padEnd(20), q.queued, q.deferred, q.active, q.failed]
              .map((v) => String(v).padStart(6))
              .join('  '),
          );
        }
        const dead = await jobs.dead(limit);
        console.log(dead.length === 0 ? '\nNo failed jobs.' : `\nFailed jobs (oldest first):`);
        for (const job of dead) console.log(`${job.id}  ${job.queue}  ${job.failedAt}  ${job.error ?? ''}`);
        return 0;
      } finally {
        await jobs.stop(1000);
        await db.close();
      }
    }
    case 'tokens create': {
      const { TOKEN_SCOPES } = await import('../server/db/schema.ts');
      const scopes = (values.scopes ?? '').split(',').filter(Boolean);
      const unknown = scopes.filter((s) => !(TOKEN_SCOPES as readonly string[]).includes(s));
      if (!values.email || !values.name || scopes.length === 0 || unknown.length > 0) {
        console.error(
          `${unknown.length > 0 ? `Unknown scope ${unknown.join(', ')}. ` : ''}--email, --name and --scopes are required.\n\n${HELP[name]}`,
        );
        return 1;
      }
      const days = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
        console.error('--expires-days must be a whole number of days from 1 to 3650.');
        return 1;
      }
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const { createUserService } = await import('../server/modules/users/service.ts');
      const { createTokenService } = await import('../server/modules/tokens/service.ts');
      const { createMemoryPubSub } = await import('../server/infra/pubsub.ts');
      const db = await openConfiguredDatabase(config);
      const pubsub = createMemoryPubSub();
      try {
        const user = await createUserService({ db }).findByEmail(values.email);
        if (!user) {
          console.error(`No account has the email ${values.email}.`);
          return 1;
        }
        const made = await createTokenService({ db, pubsub }).create(user.id, {
          name: values.name,
          scopes: scopes as (typeof TOKEN_SCOPES)[number][],
          expiresAt: days === undefined ? null : new Date(Date.now() + days * 86_400_000).toISOString(),
        });
        console.error(
          `A token for ${user.email} (${made.scopes.join(', ')}), ${made.expiresAt ? `until ${made.expiresAt}` : 'without expiry'}. It is shown once:`,
        );
        console.log(made.token);
        return 0;
      } finally {
        await pubsub.close();
        await db.close();
      }
    }
    case 'serve': {
      const { start } = await import('../server/main.ts');
      await start(config);
      return -1; // keep running; the server exits on its own signal handling
    }
    case 'migrate': {
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const db = await openConfiguredDatabase(config);
      await db.close();
      console.log(
        `Migrations applied (${config.databaseUrl ? 'PostgreSQL' : `PGlite in ${config.dataDir}`}).`,
      );
      return 0;
    }
    case 'content validate': {
      const dir = path.resolve(rest[0] ?? config.contentDir);
      const { readContentDir } = await import('../server/modules/roadmaps/files.ts');
      const { files, problems } = await readContentDir(dir);
      if (problems.length > 0) {
        printProblems(problems);
        return 1;
      }
      console.log(`${files.length} roadmap file(s) in ${dir} are valid.`);
      return 0;
    }
    case 'content import': {
      const dir = path.resolve(rest[0] ?? config.contentDir);
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const { importContentDir } = await import('../server/modules/roadmaps/files.ts');
      const { createRoadmapService } = await import('../server/modules/roadmaps/service.ts');
      const { createMemoryCache } = await import('../server/infra/cache.ts');
      const db = await openConfiguredDatabase(config);
      try {
        const service = createRoadmapService({ db, cache: createMemoryCache() });
        const { results, problems } = await importContentDir(service, dir);
        if (problems.length > 0) {
          printProblems(problems);
          console.error('Nothing was imported.');
          return 1;
        }
        for (const r of results) console.log(`${r.slug}: ${r.outcome} (version ${r.version})`);
        return 0;
      } finally {
        await db.close();
      }
    }
    case 'content export': {
      const slug = rest[0];
      if (!slug) {
        console.error(`Which roadmap? ${HELP[name]}`);
        return 1;
      }
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const { findAuthored } = await import('../server/modules/roadmaps/repo.ts');
      const { stringify } = await import('yaml');
      const db = await openConfiguredDatabase(config);
      try {
        const row = await findAuthored(db.primary, slug);
        const source = values.draft
          ? (row?.draft ?? row?.published)
          : row?.status === 'published'
            ? row.published
            : null;
        if (!row || row.status === 'deleted' || !source) {
          console.error(`No ${values.draft ? '' : 'published '}roadmap is called "${slug}".`);
          return 1;
        }
        const text = `# ${source.title} — exported by \`waymark content export\`. Never change or reuse a step id.\n${stringify(source, { lineWidth: 100 })}`;
        if (values.out) {
          const { writeFile } = await import('node:fs/promises');
          await writeFile(values.out, text);
          console.log(`Wrote ${values.out}.`);
        } else process.stdout.write(text);
        return 0;
      } finally {
        await db.close();
      }
    }
    case 'user create-admin':
    case 'user promote': {
      if (!values.email) {
        console.error(`--email is required.\n\n${HELP[name]}`);
        return 1;
      }
      const role = name === 'user promote' ? values.role : 'admin';
      if (!ROLES.includes(role as (typeof ROLES)[number])) {
        console.error(`--role must be one of: ${ROLES.join(', ')}.`);
        return 1;
      }
      let password: string | undefined;
      if (name === 'user create-admin') {
        password = values.password ?? process.env.WAYMARK_ADMIN_PASSWORD;
        if (!password && process.stdin.isTTY) password = await promptHidden('Password for the admin: ');
        if (!password) {
          console.error('No password: give --password, set WAYMARK_ADMIN_PASSWORD, or run in a terminal.');
          return 1;
        }
        const { passwordProblems } = await import('../server/modules/auth/passwords.ts');
        const problems = passwordProblems(
          password,
          { email: values.email, displayName: values.name },
          'password',
        );
        if (problems.length > 0) {
          console.error(`The password ${problems[0]!.message}.`);
          return 1;
        }
      }
      const { openConfiguredDatabase } = await import('../server/runtime.ts');
      const { createUserService } = await import('../server/modules/users/service.ts');
      const db = await openConfiguredDatabase(config);
      try {
        const users = createUserService({ db });
        const existing = await users.findByEmail(values.email);
        if (name === 'user promote') {
          if (!existing) {
            console.error(`No account has the email ${values.email}.`);
            return 1;
          }
          await users.setRole(existing.id, role as (typeof ROLES)[number]);
          // A role change ends the user's sessions; running servers notice within seconds.
          const { revokeAllSessions } = await import('../server/modules/auth/repo.ts');
          const ended = await revokeAllSessions(db.primary, existing.id);
          console.log(
            `${existing.email} is now ${role}.${ended.length > 0 ? ` ${ended.length} session(s) ended: they sign in again with the new role.` : ''}`,
          );
          return 0;
        }
        if (existing) {
          console.error(
            `${existing.email} already has an account; use \`waymark user promote --email ${existing.email} --role admin\`.`,
          );
          return 1;
        }
        const { hashPassword } = await import('../server/modules/auth/passwords.ts');
        const user = await users.create({
          email: values.email,
          displayName: values.name ?? 'Admin',
          passwordHash: await hashPassword(password!),
          emailVerified: true,
          role: 'admin',
        });
        console.log(`Created admin ${user.email} (${user.id}).`);
        return 0;
      } finally {
        await db.close();
      }
    }
  }
  return 1;
}

try {
  const code = await main(process.argv.slice(2));
  if (code >= 0) process.exitCode = code;
} catch (err) {
  if (err instanceof ConfigError || err instanceof DirLockedError) console.error(err.message);
  else console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}

// Runs after `npm ci` / `npm install`: prepares the migrated PGlite template that makes the
// first `npm start` fast. Failing here must never fail the install: the server falls back to
// creating the database from scratch.
import { buildTemplate } from '../src/server/db/template.ts';

const started = performance.now();
try {
  const dir = await buildTemplate();
  console.log(
    `waymark: prepared the embedded database template (${Math.round(performance.now() - started)} ms): ${dir}`,
  );
} catch (err) {
  console.warn(
    `waymark: could not prepare the database template (${String(err)}); the first start will be slower.`,
  );
}

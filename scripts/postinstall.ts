// Runs after `npm ci` / `npm install`, so that `npm start` is all a user runs next:
// 1. prepares the migrated PGlite template that makes the first start fast;
// 2. builds the web app into dist/web (when Vite is installed: a production-only install
//    builds it in the image's build stage instead).
// Failing here never fails the install: the server starts without the template (slower) or
// without the web app (API only), and says so.
import { existsSync } from 'node:fs';
import { buildTemplate } from '../src/server/db/template.ts';

let started = performance.now();
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

if (existsSync('node_modules/vite') && existsSync('src/web/index.html')) {
  started = performance.now();
  try {
    const { build } = await import('vite');
    await build({ configFile: 'vite.config.ts', logLevel: 'warn' });
    await import('./web-budget.ts');
    console.log(`waymark: built the web app into dist/web (${Math.round(performance.now() - started)} ms)`);
  } catch (err) {
    console.warn(`waymark: could not build the web app (${String(err)}); run \`npm run build\` to see why.`);
  }
}

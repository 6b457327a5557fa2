// Loaded before the server and the CLI (`node --import ./src/server/preload.ts …`): makes
// `drizzle-orm` resolve to its CommonJS build instead of its ES modules.
//
// Why: for each of drizzle-orm's ~450 ES module files Node looks up the package scope and
// re-reads its 179 kB package.json, which made `import 'drizzle-orm/pglite'` take ~460 ms of a
// ~1.5 s restart. The CommonJS build is the same code compiled by the same tool, and its
// relative `require()`s need no such lookup: ~75 ms. Nothing else changes resolution.
import { registerHooks } from 'node:module';

const isDrizzle = (specifier: string) => specifier === 'drizzle-orm' || specifier.startsWith('drizzle-orm/');

registerHooks({
  resolve(specifier, context, nextResolve) {
    if (!isDrizzle(specifier)) return nextResolve(specifier, context);
    const conditions = context.conditions.filter((c) => c !== 'import').concat('require');
    return nextResolve(specifier, { ...context, conditions });
  },
});

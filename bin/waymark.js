#!/usr/bin/env node
// The `waymark` command. The CLI is TypeScript run directly by Node 24's type stripping; the
// project brings Node 24 in node_modules/.bin, which `npx waymark` and npm scripts put first.
const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(
    `waymark needs Node 24 or newer (this is ${process.version}). Run it through npm, which uses ` +
      "the project's own Node: `npx waymark …` or `npm exec waymark -- …`.",
  );
  process.exit(1);
}
await import('../src/server/preload.ts');
await import('../src/cli/main.ts');

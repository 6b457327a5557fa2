// After `vite build` (npm run build):
// 1. precompresses every built text file (.br and .gz beside it), which the server sends to
//    browsers that accept them — no compression work per request;
// 2. checks the budget: the JavaScript a browser must load before the roadmap page can show —
//    the entry chunk, the roadmap page's chunk and every chunk they import statically —
//    gzipped, at most 120 KB. Exits 1 over budget, so the build fails rather than the page slows.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const BUDGET_KB = 120;
const dist = path.resolve('dist/web');

for (const entry of readdirSync(dist, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !/\.(js|css|html|svg|txt|json)$/.test(entry.name)) continue;
  const file = path.join(entry.parentPath, entry.name);
  if (file.includes(`${path.sep}.vite${path.sep}`)) continue;
  const data = readFileSync(file);
  writeFileSync(`${file}.gz`, gzipSync(data, { level: 9 }));
  writeFileSync(`${file}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
}

const manifest = JSON.parse(readFileSync(path.join(dist, '.vite', 'manifest.json'), 'utf8')) as Record<
  string,
  { file: string; imports?: string[]; isEntry?: boolean }
>;
const needed = new Set<string>();
const visit = (key: string) => {
  if (needed.has(key)) return;
  needed.add(key);
  for (const dep of manifest[key]?.imports ?? []) visit(dep);
};
visit(Object.keys(manifest).find((k) => manifest[k]!.isEntry)!);
// The roadmap page is part of the entry chunk, or a chunk of its own if it is ever made lazy.
const roadmapChunk = Object.keys(manifest).find((k) => k.endsWith('pages/Roadmap.tsx'));
if (roadmapChunk) visit(roadmapChunk);

let total = 0;
for (const key of needed) {
  const file = manifest[key]!.file;
  if (!file.endsWith('.js')) continue;
  const size = readFileSync(path.join(dist, `${file}.gz`)).length;
  total += size;
  console.log(`  ${file.padEnd(40)} ${(size / 1024).toFixed(1).padStart(6)} KB gzip`);
}
const kb = total / 1024;
console.log(
  `roadmap page initial JS: ${kb.toFixed(1)} KB gzip (budget ${BUDGET_KB} KB) ${kb <= BUDGET_KB ? 'within budget' : 'OVER BUDGET'}`,
);
if (kb > BUDGET_KB) process.exitCode = 1;

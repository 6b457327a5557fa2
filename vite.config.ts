import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The web app (src/web) builds into dist/web, which the server serves at /. `npm run dev:web`
// serves it with hot reload and passes /api to the API server on :3000.
export default defineConfig({
  root: 'src/web',
  plugins: [react()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    // Report gzip sizes: the roadmap page's initial JS has a budget (scripts/web-budget.ts).
    reportCompressedSize: true,
    manifest: true,
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});

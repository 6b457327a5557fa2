import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The app's stylesheet (~6 KB brotli) goes into index.html as a <style>, so the first paint
 * waits for no second request (Lighthouse: render-blocking resources). The CSP allows inline
 * styles (plugins/security-headers.ts). The .css file is still built, for the budget's report.
 */
function inlineCss(): Plugin {
  return {
    name: 'waymark-inline-css',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        return html.replace(
          /<link rel="stylesheet"[^>]*href="\/([^"]+\.css)"[^>]*>/g,
          (tag, file: string) => {
            const asset = ctx.bundle?.[file];
            if (asset?.type !== 'asset') return tag;
            return `<style>${String(asset.source).replaceAll('</style', '<\\/style')}</style>`;
          },
        );
      },
    },
  };
}

// The web app (src/web) builds into dist/web, which the server serves at /. `npm run dev:web`
// serves it with hot reload and passes /api to the API server on :3000.
export default defineConfig({
  root: 'src/web',
  plugins: [react(), inlineCss()],
  build: {
    outDir: '../../dist/web',
    emptyOutDir: true,
    // Report gzip sizes: the roadmap page's initial JS has a budget (scripts/web-budget.ts).
    reportCompressedSize: true,
    manifest: true,
    modulePreload: { polyfill: false },
    target: 'es2023',
  },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});

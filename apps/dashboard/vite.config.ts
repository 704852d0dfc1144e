import { defineConfig } from 'vite';

// The hub serves dist/ at '/'; `npx vite` proxies the API to a hub started locally on its default port.
const hub = 'http://127.0.0.1:8787';

export default defineConfig({
  base: '/',
  // JSX goes through Preact's automatic runtime without a preset plugin (no HMR for components in dev).
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  server: { proxy: { '/api': hub, '/health': hub } },
  build: { outDir: 'dist', target: 'es2022', sourcemap: false },
});

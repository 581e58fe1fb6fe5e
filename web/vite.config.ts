/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// The page is embedded in the server binary and served from `/`; the
// Content-Security-Policy allows scripts only from the server itself, so the
// build must emit no inline script and no source maps, and the same sources
// with the same lockfile must give byte-identical files (the built folder
// is checked in and CI compares it).
export default defineConfig({
  base: '/',
  esbuild: {
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    target: 'es2020',
    // One small page: the module-preload polyfill would only add bytes.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  server: {
    // `npm run dev` talks to a server started with
    // `cargo run -- serve --demo --listen 127.0.0.1:8099`.
    proxy: {
      '/graphql': { target: 'http://127.0.0.1:8099', ws: true },
      '/export': 'http://127.0.0.1:8099',
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.{ts,tsx}'],
  },
});

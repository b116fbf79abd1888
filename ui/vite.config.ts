// Vite builds the UI into ui/dist, which Tauri embeds and serves at tauri://localhost.
// Nothing is fetched from a CDN: MapLibre, its worker and every asset are bundled.
import { defineConfig } from 'vite';

export default defineConfig({
  clearScreen: false,
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'safari15',
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});

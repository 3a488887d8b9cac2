import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// Served by Parley under /inbox/ (src/surfaces/inbox/): hashed assets there are cached for a year.
export default defineConfig({
  base: '/inbox/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, assetsDir: 'assets', reportCompressedSize: true },
  server: { proxy: { '/api': 'http://127.0.0.1:8000' } },
})

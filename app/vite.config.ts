import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The Solana JS libraries expect Node's `Buffer`; src/polyfills.ts installs it before
// anything else loads.
export default defineConfig({
  plugins: [react()],
  define: { "process.env": {} },
  build: { target: "es2022", chunkSizeWarningLimit: 4096 },
  test: { include: ["tests/**/*.test.ts"], environment: "node" },
});

// The dashboard page. `npm run build` runs `vite build --config web/vite.config.ts`; the
// output in web/dist is what `entropic dashboard` serves (src/cli/dashboard/server.ts).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs keep the page working behind any path prefix.
  base: "./",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
    chunkSizeWarningLimit: 200,
  },
  server: {
    // `npx vite --config web/vite.config.ts` during development: forward the API to a running `entropic dashboard`.
    proxy: { "/api": process.env.ENTROPIC_DASHBOARD ?? "http://127.0.0.1:7070" },
  },
});

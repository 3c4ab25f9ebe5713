/**
 * Build the dashboard page (web/dist) for tests, unless it is newer than all its sources.
 * Skipping a fresh build matters: several test runs at once would otherwise empty and
 * refill web/dist under each other's running dashboards.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const sources = ["web/index.html", "web/vite.config.ts", "web/src", "src/web-shared"];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

export function buildWebIfStale(): void {
  const built = join(root, "web/dist/index.html");
  if (existsSync(built) && statSync(built).mtimeMs > Math.max(...sources.map((s) => newestMtime(join(root, s))))) return;
  execFileSync(process.execPath, [join(root, "node_modules/vite/bin/vite.js"), "build", "--config", "web/vite.config.ts", "--logLevel", "warn"], {
    cwd: root,
    stdio: "inherit",
  });
}

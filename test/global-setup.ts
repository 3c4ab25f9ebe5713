// CLI tests run the built binary (dist/), exactly what `npx entropic` runs; build it once.
import { execFileSync } from "node:child_process";
import { buildWebIfStale } from "./helpers/web-build.js";

export default function setup(): void {
  // ENTROPIC_SKIP_BUILD=1: run unit tests against the sources without rebuilding dist/
  // (the CLI and e2e tests then use whatever dist/ holds).
  if (process.env.ENTROPIC_SKIP_BUILD === "1") return;
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], { stdio: "inherit" });
  // The dashboard's page (web/dist), served by `entropic dashboard` in the e2e tests.
  buildWebIfStale();
}

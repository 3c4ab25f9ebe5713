// A devnet child (ENTROPIC_EXIT_WITH_PARENT=<the devnet's pid>) whose parent dies while it is still starting
// must exit on its own. Before the fix the parent was read only once the node was up, by
// which time the orphan had already been re-parented: a devnet stopped during a slow 16-node
// start-up left its nodes running (50 of them, found competing with later benchmarks).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/cli.js";
import { processAlive as alive } from "../helpers/process.js";

describe("entropic node as a devnet child", () => {
  it("exits when its parent is gone before it was ready", async () => {
    const data = join(mkdtempSync(join(tmpdir(), "entropic-orphan-")), "node");
    const bin = resolve(repoRoot, "dist/cli/main.js");
    // The shell starts the node in the background, prints its pid and exits at once: the
    // node is orphaned during its start-up.
    const out = execFileSync("sh", ["-c", `ENTROPIC_EXIT_WITH_PARENT=$$ "$0" "$1" node --data "$2" --api 0 >/dev/null 2>&1 & echo $!`, process.execPath, bin, data], {
      encoding: "utf8",
    });
    const pid = Number(out.trim());
    expect(Number.isInteger(pid) && pid > 0).toBe(true);
    const deadline = Date.now() + 20_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const survived = alive(pid);
    if (survived) process.kill(pid, "SIGKILL");
    expect(survived).toBe(false);
  }, 30_000);
});

// `entropic load` is a failure (exit 1, one line saying what failed) when any submission
// failed; it used to print `errors 9` and exit 0, so scripts and CI took a broken run for a
// good one.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entropic } from "../helpers/cli.js";

/** A port on 127.0.0.1 nothing listens on (bound once, then released). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe("entropic load with failed submissions", () => {
  it("prints its report, then one line naming the failure, and exits 1", async () => {
    const port = await closedPort();
    const key = join(mkdtempSync(join(tmpdir(), "entropic-load-")), "client.key");
    const r = entropic(["load", "--api", `http://127.0.0.1:${port}`, "--rate", "5", "--duration", "1", "--drain", "0", "--conflicts", "0", "--key", key], { timeoutMs: 30_000 });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^refused 0, shed as overloaded 0, errors 5 /m);
    const lines = r.stderr.trim().split("\n").filter((l) => l.startsWith("entropic:"));
    expect(lines).toEqual([
      `entropic: load: 5 submission(s) failed (first: cannot reach http://127.0.0.1:${port}/v1/tx: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:${port})); 0 tx accepted, 0 conflict sets finalized, 0 not`,
    ]);
    // --json: the report on stdout, the same line on stderr, the same status
    const j = entropic(["load", "--api", `http://127.0.0.1:${port}`, "--rate", "5", "--duration", "1", "--drain", "0", "--key", key, "--json"], { timeoutMs: 30_000 });
    expect(j.status).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ errors: 5, submitted: 0 });
    expect(j.stderr).toMatch(/^entropic: load: 5 submission\(s\) failed/m);
  }, 60_000);
});

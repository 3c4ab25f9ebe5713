import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entropic } from "../helpers/cli.js";

function usageError(args: string[]): string {
  const r = entropic(["dashboard", ...args], { timeoutMs: 20_000 });
  expect(r.status).toBe(2);
  expect(r.stdout).toBe("");
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  return r.stderr.trim();
}

describe("entropic dashboard: usage errors exit 2 with one line", () => {
  it("refuses --devnet with --sim, and --seed/--set with --devnet", () => {
    expect(usageError(["--devnet", "x", "--sim", "y"])).toBe("entropic: give either --devnet DIR or --sim SCENARIO, not both");
    expect(usageError(["--devnet", "x", "--seed", "3"])).toBe("entropic: --seed and --set apply to --sim, not to --devnet");
  });

  it("names a folder without devnet.json, and a bad devnet.json field", () => {
    const dir = mkdtempSync(join(tmpdir(), "entropic-dash-cli-"));
    expect(usageError(["--devnet", dir])).toMatch(/devnet\.json: no such file \(is .* a folder written by `entropic devnet`\?\)/);
    writeFileSync(join(dir, "devnet.json"), JSON.stringify({ protocol: "snowball", nodes: [{ index: 0, api: "ftp://x", peerId: "p" }] }));
    expect(usageError(["--devnet", dir])).toMatch(/devnet\.json: nodes\.0\.api: must be an http/);
  });

  it("refuses bad ports, paces and scenarios", () => {
    expect(usageError(["--port", "70000"])).toBe('entropic: --port expects an integer in [0, 65535], got "70000"');
    expect(usageError(["--step-ms", "fast"])).toMatch(/--step-ms expects an integer/);
    expect(usageError(["--sim", "scenarios/snowball.yaml", "--set", "maxRounds=-1"])).toMatch(/invalid scenario: maxRounds/);
  });

  it("reports a port in use", async () => {
    const blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
    const port = (blocker.address() as { port: number }).port;
    try {
      expect(usageError(["--port", String(port)])).toBe(`entropic: port ${port} is in use: pick another with --port (0 = any free port)`);
    } finally {
      blocker.close();
    }
  });
});

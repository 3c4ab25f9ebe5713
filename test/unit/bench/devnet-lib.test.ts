import { describe, expect, it } from "vitest";
import { categoryOf, moduleOf, summarise, type CpuProfile } from "../../../bench/lib/cpuprofile-summary.js";
import { foreignCores, underLoad } from "../../../bench/lib/cpu.js";
import { measureVerifyRate, throughputLimit } from "../../../bench/lib/verify-rate.js";

describe("bench devnet helpers", () => {
  it("throughput limit is C × verify_rate / N", () => {
    expect(throughputLimit(2, 12_000, 4)).toBe(6000);
    expect(throughputLimit(2, 12_000, 16)).toBe(1500);
  });

  it("verify rate is positive and measured both ways", () => {
    const r = measureVerifyRate({ count: 50, rounds: 1 });
    expect(r.project).toBeGreaterThan(0);
    expect(r.openssl).toBeGreaterThan(0);
    expect(r.projectPerCpuSecond).toBeGreaterThan(0);
    expect(r.samples).toBe(50);
  });

  it("foreign CPU is the machine's busy time less our own, and flags load above 0.1 core", () => {
    expect(foreignCores(100, 110, 8, 10)).toBeCloseTo(0.2);
    expect(foreignCores(100, 110, 12, 10)).toBe(0);
    expect(underLoad(0.2)).toBe(true);
    expect(underLoad(0.05)).toBe(false);
    expect(underLoad(Number.NaN)).toBe(true);
  });

  it("categorises frames by package and node internals", () => {
    expect(categoryOf("verify", "node:internal/crypto/sig")).toBe("Ed25519 verify (node:crypto)");
    expect(categoryOf("encode", "file:///w/node_modules/cborg/lib/encode.js")).toBe("CBOR (cborg/dag-cbor)");
    expect(categoryOf("x", "file:///w/node_modules/@chainsafe/libp2p-gossipsub/dist/src/index.js")).toBe("gossipsub");
    expect(categoryOf("(garbage collector)", "")).toBe("GC");
    expect(moduleOf("x", "file:///w/node_modules/@chainsafe/libp2p-yamux/dist/src/muxer.js")).toBe("@chainsafe/libp2p-yamux");
    expect(moduleOf("x", "file:///w/main/dist/runtime/node/engine.js")).toBe("dist/runtime/node");
  });

  it("adds self time per sample, skips the start and leaves idle apart", () => {
    const frame = (functionName: string, url: string) => ({ functionName, url, lineNumber: 0 });
    const p: CpuProfile = {
      nodes: [
        { id: 1, callFrame: frame("(root)", ""), children: [2, 3, 4] },
        { id: 2, callFrame: frame("verify", "node:internal/crypto/sig") },
        { id: 3, callFrame: frame("(idle)", "") },
        { id: 4, callFrame: frame("(garbage collector)", "") },
      ],
      startTime: 0,
      endTime: 100,
      samples: [2, 2, 3, 4, 2],
      timeDeltas: [0, 10, 20, 30, 40],
    };
    const s = summarise([p]);
    expect(s.busyUs).toBe(10 + 20 + 40);
    expect(s.idleUs).toBe(30);
    expect(Object.fromEntries(s.byCategory)).toEqual({ "Ed25519 verify (node:crypto)": 30, GC: 40 });
    const skipped = summarise([p], 15);
    expect(skipped.busyUs).toBe(40);
  });
});

describe("bench/devnet.ts usage", () => {
  const run = async (args: string[]) => {
    const { execFile } = await import("node:child_process");
    return new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = execFile(process.execPath, ["--import", "tsx", "bench/devnet.ts", ...args], { timeout: 60_000 }, (_err, _stdout, stderr) =>
        resolve({ code: child.exitCode, stderr }),
      );
    });
  };

  it("refuses a preset with options it fixes, and idle-only without --idle, in one line with exit 2", async () => {
    const a = await run(["--preset", "4", "--nodes", "3"]);
    expect(a.code).toBe(2);
    expect(a.stderr.trim().split("\n")).toEqual(["bench:devnet: --preset fixes the configuration; drop --nodes"]);
    const b = await run(["--rates", "none"]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/--rates none measures only idle CPU/);
    for (const bad of ["1.5", "-3", "x", "2000000"]) {
      const c = await run(["--nodes", "4", `--min-admitted=${bad}`]);
      expect(c.code).toBe(2);
      expect(c.stderr.trim().split("\n")).toEqual([`bench:devnet: --min-admitted must be an integer in [0, 1000000], got "${bad}"`]);
    }
    const d = await run(["--preset", "16", "--min-admitted", "64"]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/drop --min-admitted/);
    // a flag the parser refuses is one line too, not a stack trace
    for (const args of [["--bogus"], ["--nodes", "4", "--min-admitted", "-3"]]) {
      const e = await run(args);
      expect(e.code).toBe(2);
      expect(e.stderr.trim().split("\n")).toHaveLength(1);
      expect(e.stderr).toMatch(/^bench:devnet: /);
    }
  }, 240_000);
});

// `entropic node --api-rate-limit/--api-rate-burst/--api-malformed-limit/--api-malformed-burst`:
// the per-address budgets of the HTTP API (src/runtime/api/guard.ts). Bad values are one
// line and exit 2 before anything starts; good ones are what the node's API enforces.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseApiLimits } from "../../src/cli/node/api-limits.js";
import { UsageError } from "../../src/core/errors.js";
import { DEFAULT_MALFORMED_LIMIT, DEFAULT_RATE_LIMIT } from "../../src/runtime/api/options.js";
import { entropic, repoRoot } from "../helpers/cli.js";

const DEFAULTS = {
  apiRateLimit: String(DEFAULT_RATE_LIMIT.perSecond),
  apiRateBurst: String(DEFAULT_RATE_LIMIT.burst),
  apiMalformedLimit: String(DEFAULT_MALFORMED_LIMIT.perSecond),
  apiMalformedBurst: String(DEFAULT_MALFORMED_LIMIT.burst),
};

describe("parseApiLimits", () => {
  it("gives the server's defaults for the flags' defaults, and the values given otherwise", () => {
    expect(parseApiLimits(DEFAULTS)).toEqual({ rateLimit: { perSecond: 2000, burst: 4000 }, malformedLimit: { perSecond: 20, burst: 200 } });
    expect(parseApiLimits({ apiRateLimit: "0.5", apiRateBurst: "1", apiMalformedLimit: "1e3", apiMalformedBurst: "7" })).toEqual({
      rateLimit: { perSecond: 0.5, burst: 1 },
      malformedLimit: { perSecond: 1000, burst: 7 },
    });
  });

  it("refuses a rate that is not a positive number and a burst that is not a whole number ≥ 1, naming the flag", () => {
    const bad: [Partial<typeof DEFAULTS>, RegExp][] = [
      [{ apiRateLimit: "0" }, /^--api-rate-limit must be a positive number of requests per second, got "0"$/],
      [{ apiRateLimit: "-5" }, /^--api-rate-limit .* got "-5"$/],
      [{ apiRateLimit: "fast" }, /^--api-rate-limit .* got "fast"$/],
      [{ apiRateLimit: "" }, /^--api-rate-limit .* got ""$/],
      [{ apiRateLimit: "Infinity" }, /^--api-rate-limit .* got "Infinity"$/],
      [{ apiMalformedLimit: "NaN" }, /^--api-malformed-limit .* got "NaN"$/],
      [{ apiRateBurst: "0" }, /^--api-rate-burst must be a whole number of requests ≥ 1, got "0"$/],
      [{ apiRateBurst: "2.5" }, /^--api-rate-burst .* got "2\.5"$/],
      [{ apiMalformedBurst: "lots" }, /^--api-malformed-burst .* got "lots"$/],
    ];
    for (const [change, message] of bad) {
      const call = () => parseApiLimits({ ...DEFAULTS, ...change });
      expect(call).toThrow(UsageError);
      expect(call).toThrow(message);
    }
  });
});

describe("entropic node: API budget flags", () => {
  const dir = () => join(mkdtempSync(join(tmpdir(), "entropic-limits-")), "node");

  it("refuses a bad value with one line and exit 2, before the node starts", () => {
    for (const [args, message] of [
      [["--api-rate-limit", "0"], /--api-rate-limit must be a positive number/],
      [["--api-rate-burst", "x"], /--api-rate-burst must be a whole number/],
      [["--api-malformed-limit", "-1"], /--api-malformed-limit must be a positive number/],
      [["--api-malformed-burst", "0.5"], /--api-malformed-burst must be a whole number/],
      [["--api-malformed-burst"], /argument missing/],
    ] as const) {
      const data = dir();
      const r = entropic(["node", "--data", data, ...args]);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.status).toBe(2);
      expect(existsSync(join(data, "node.key"))).toBe(false);
    }
  });

  it("lists the flags with their defaults in --help", () => {
    const r = entropic(["node", "--help"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/--api-rate-limit <per-second>[\s\S]*default: "2000"/);
    expect(r.stdout).toMatch(/--api-rate-burst <n>[\s\S]*default: "4000"/);
    expect(r.stdout).toMatch(/--api-malformed-limit <per-second>[\s\S]*default: "20"/);
    expect(r.stdout).toMatch(/--api-malformed-burst <n>[\s\S]*default: "200"/);
  });

  it("enforces the budgets given: a malformed burst of 2 throttles the third malformed request (429), a default node answers it 400", async () => {
    const answers = async (extra: string[]): Promise<number[]> => {
      const data = dir();
      const child = spawn(process.execPath, [join(repoRoot, "dist/cli/main.js"), "node", "--data", data, ...extra], { stdio: "ignore" });
      try {
        const api = await apiOf(join(data, "node.json"), child.pid!);
        const out: number[] = [];
        for (let i = 0; i < 3; i++) {
          const res = await fetch(`${api}/v1/tx`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
          await res.arrayBuffer();
          out.push(res.status);
        }
        return out;
      } finally {
        child.kill("SIGTERM");
      }
    };
    // 0.01/s: the bucket does not refill within the test
    expect(await answers(["--api-malformed-limit", "0.01", "--api-malformed-burst", "2"])).toEqual([400, 400, 429]);
    expect(await answers([])).toEqual([400, 400, 400]);
  }, 60_000);
});

async function apiOf(path: string, pid: number): Promise<string> {
  const t0 = Date.now();
  for (;;) {
    if (existsSync(path)) {
      const info = JSON.parse(readFileSync(path, "utf8")) as { pid: number; api: string };
      if (info.pid === pid) return info.api;
    }
    if (Date.now() - t0 > 20_000) throw new Error(`${path} not written in 20 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

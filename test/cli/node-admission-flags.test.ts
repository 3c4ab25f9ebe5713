// Admission control's flags: `entropic node --min-admitted/--max-queue-delay` and
// `entropic devnet --min-admitted` (docs/throughput.md, "Admission control"): bad values
// are one line and exit 2 before anything starts; the devnet's default floor scales as 1/N².
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devnetMinAdmitted } from "../../src/cli/devnet/devnet.js";
import { entropic } from "../helpers/cli.js";

describe("admission flags", () => {
  it("the devnet's floor: 2048 up to 4 nodes, 32768 / N² beyond, never below 64", () => {
    expect([1, 2, 4, 5, 8, 16, 22, 32, 64].map(devnetMinAdmitted)).toEqual([2048, 2048, 2048, 1310, 512, 128, 67, 64, 64]);
  });

  it("entropic node and devnet refuse bad values with one line and exit 2, before starting", () => {
    for (const args of [
      ["node", "--min-admitted", "-1"],
      ["node", "--min-admitted", "1.5"],
      ["node", "--max-queue-delay", "soon"],
      ["node", "--max-queue-delay", "4000000"],
      ["devnet", "--min-admitted", "x"],
    ]) {
      const data = join(mkdtempSync(join(tmpdir(), "entropic-adm-")), "x");
      const r = entropic([...args, args[0] === "node" ? "--data" : "--dir", data]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/--(min-admitted|max-queue-delay) must be an integer/);
      expect(existsSync(data)).toBe(false);
    }
  });
});

// `entropic node --partition-mode/--validators` and `entropic devnet --partition-mode`:
// bad values are one line and exit 2 before anything starts (docs/partitions.md).
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/core/errors.js";
import { parsePartitionMode, parseValidators } from "../../src/cli/node/command.js";
import { entropic } from "../helpers/cli.js";

describe("partition-mode flags", () => {
  it("parse the two modes and validator counts; refuse anything else", () => {
    expect(parsePartitionMode("safe")).toBe("safe");
    expect(parsePartitionMode("available")).toBe("available");
    expect(parseValidators("0")).toBe(0);
    expect(parseValidators("16")).toBe(16);
    for (const bad of ["", "SAFE", "ap", "unsafe"]) expect(() => parsePartitionMode(bad)).toThrow(UsageError);
    for (const bad of ["-1", "1.5", "x", "", "2000000"]) expect(() => parseValidators(bad)).toThrow(UsageError);
  });

  it("entropic node and devnet refuse a bad mode with one line and exit 2, before starting", () => {
    for (const args of [
      ["node", "--partition-mode", "fast"],
      ["node", "--validators", "-3"],
      ["devnet", "--partition-mode", "fast"],
    ]) {
      const data = join(mkdtempSync(join(tmpdir(), "entropic-pm-")), "x");
      const r = entropic([...args, args[0] === "node" ? "--data" : "--dir", data]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(/--(partition-mode|validators) must be/);
      expect(existsSync(data)).toBe(false);
    }
  });
});

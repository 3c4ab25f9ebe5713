// Usage errors of the live-node commands: one line on stderr, exit status 2, nothing started.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entropic } from "../helpers/cli.js";

function expectUsage(args: string[], message: RegExp): void {
  const r = entropic(args, { timeoutMs: 30_000 });
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr.trim().split("\n")).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe("live-node commands reject bad input", () => {
  it("node", () => {
    expectUsage(["node"], /--data/);
    const dir = mkdtempSync(join(tmpdir(), "entropic-cli-"));
    expectUsage(["node", "--data", dir, "--protocol", "raft"], /--protocol must be one of snowball, emtd, tmesh/);
    expectUsage(["node", "--data", dir, "--api", "70000"], /--api must be a port/);
    expectUsage(["node", "--data", dir, "--param", "k=0"], /k/);
    expectUsage(["node", "--data", dir, "--param", "alphaPreference=5"], /alphaPreference/);
  });

  it("devnet, tx and load", () => {
    expectUsage(["devnet", "--nodes", "0"], /--nodes must be an integer/);
    expectUsage(["tx", "send", "--api", "not a url"], /--api expects an http\(s\) URL/);
    expectUsage(["tx", "send", "--api", "http://127.0.0.1:9", "--nonce", "-1"], /--nonce/);
    expectUsage(["load", "--api", "http://127.0.0.1:9", "--rate", "0"], /--rate must be a number/);
    expectUsage(["load", "--api", "http://127.0.0.1:9", "--conflicts", "2"], /--conflicts must be in \[0, 1\]/);
    expectUsage(["load", "--api", "http://127.0.0.1:9", "--drain", "soon"], /--drain must be a number of seconds/);
  });

  it("a node that cannot be reached is a one-line error, not a stack trace", () => {
    const r = entropic(["tx", "send", "--api", "http://127.0.0.1:9", "--key", join(mkdtempSync(join(tmpdir(), "entropic-cli-")), "k")], { timeoutMs: 30_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/127\.0\.0\.1:9/);
  });
});

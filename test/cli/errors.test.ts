// Every user error is one line on stderr with an honest exit status (README "Exit codes"):
// 2 usage (found before any long work), 1 runtime failure, 3 violation found by the checkers.
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entropicAsync } from "../helpers/cli-async.js";

interface Ctx {
  /** a scratch folder */
  readonly tmp: string;
  /** an existing regular file */
  readonly file: string;
  /** an existing folder */
  readonly dir: string;
  /** a run folder written by `sim --out` */
  readonly run: string;
  /** a port something listens on */
  readonly busy: number;
  /** a port nothing listens on */
  readonly closed: number;
}

interface Case {
  readonly name: string;
  readonly args: (c: Ctx) => string[];
  readonly status: 1 | 2 | 3;
  /** what the line must say */
  readonly says: RegExp;
  /** what it must not say */
  readonly not?: RegExp;
  /** a check after the command (e.g. nothing was written) */
  readonly after?: (c: Ctx) => void;
}

// A run that would take minutes: a usage error found only after it would time the test out.
const LONG_TMESH = ["scenarios/tmesh-seed.yaml", "--set", "steps=100000000", "--set", "dim=16"];

const cases: Case[] = [
  // --- the cases of issue 9 §3
  { name: "sim: a missing scenario whose path holds a space", args: (c) => ["sim", join(c.tmp, "my scenarios", "run 1.yaml")], status: 2, says: /my scenarios\/run 1\.yaml: no such file/ },
  { name: "sim --out FILE, before the run", args: (c) => ["sim", ...LONG_TMESH, "--out", c.file], status: 2, says: /--out .*afile: exists and is not a folder/ },
  { name: "sim --out FILE/sub", args: (c) => ["sim", "--out", join(c.file, "sub")], status: 2, says: /afile is a file, not a folder/ },
  { name: "sim --report with --out FILE", args: (c) => ["sim", "--report", "--out", c.file], status: 2, says: /--out .*not a folder/ },
  { name: "node --listen notamultiaddr", args: (c) => ["node", "--data", join(c.tmp, "n1"), "--listen", "notamultiaddr"], status: 2, says: /--listen "notamultiaddr": not a multiaddr/ },
  { name: "node --listen …/tcp/99999", args: (c) => ["node", "--data", join(c.tmp, "n1"), "--listen", "/ip4/127.0.0.1/tcp/99999"], status: 2, says: /--listen .*TCP port must be in \[0, 65535\]/ },
  { name: "node --listen on a busy port", args: (c) => ["node", "--data", join(c.tmp, "n1"), "--listen", `/ip4/127.0.0.1/tcp/${c.busy}`], status: 2, says: /--listen .* is in use/ },
  { name: "node --api on a busy port", args: (c) => ["node", "--data", join(c.tmp, "n1"), "--api", String(c.busy)], status: 2, says: /--api \d+: port \d+ on 127\.0\.0\.1 is in use/ },
  { name: "node --data FILE", args: (c) => ["node", "--data", c.file], status: 2, says: /--data .*afile: exists and is not a folder/ },
  { name: "node --bootstrap without a peer id", args: (c) => ["node", "--data", join(c.tmp, "n1"), "--bootstrap", "/ip4/127.0.0.1/tcp/4001"], status: 2, says: /--bootstrap .*name the peer/ },
  {
    name: "report --png FILE, before writing anything",
    args: (c) => ["report", c.run, "--png", c.file],
    status: 2,
    says: /--png .*afile: exists and is not a folder/,
    after: (c) => expect(existsSync(join(c.run, "report.html"))).toBe(false),
  },
  { name: "report FILE", args: (c) => ["report", c.file], status: 2, says: /report .*afile: is a file, expected a folder/ },
  { name: "report on a missing folder", args: (c) => ["report", join(c.tmp, "nope")], status: 2, says: /no such folder/ },
  { name: "sweep --report FILE, before the runs", args: (c) => ["sweep", ...LONG_TMESH, "--seeds", "0..3", "--report", c.file], status: 2, says: /--report .*afile: exists and is not a folder/ },
  { name: "devnet --param zzz=1, before any node starts", args: (c) => ["devnet", "--nodes", "2", "--dir", join(c.tmp, "dn"), "--param", "zzz=1"], status: 2, says: /--param zzz: snowball has no parameter "zzz" \(valid: k, .*beta/ },
  { name: "devnet --param beyond a devnet default", args: (c) => ["devnet", "--nodes", "4", "--dir", join(c.tmp, "dn"), "--param", "k=30"], status: 2, says: /--param alpha\w+: .*default/ },
  { name: "devnet --dir FILE", args: (c) => ["devnet", "--dir", c.file], status: 2, says: /--dir .*not a folder/ },
  { name: "tx send --key DIR", args: (c) => ["tx", "send", "--api", `http://127.0.0.1:${c.closed}`, "--key", c.dir], status: 2, says: /--key .*adir: is a folder, expected a file/, not: /chmod/ },
  { name: "load --key DIR", args: (c) => ["load", "--api", `http://127.0.0.1:${c.closed}`, "--key", c.dir], status: 2, says: /--key .*is a folder/, not: /chmod/ },
  { name: "load --latencies DIR", args: (c) => ["load", "--api", `http://127.0.0.1:${c.closed}`, "--latencies", c.dir], status: 2, says: /--latencies .*is a folder/ },
  { name: "commander's suggestion is whole", args: () => ["sim", "--sed", "3"], status: 2, says: /^error: unknown option '--sed' \(Did you mean one of --seed, --set\?\)$/ },
  // --- runtime failures: exit 1
  { name: "tx send to an unreachable node", args: (c) => ["tx", "send", "--api", `http://127.0.0.1:${c.closed}`, "--key", join(c.tmp, "client.key")], status: 1, says: /cannot reach http:\/\/127\.0\.0\.1:\d+\/v1\/tx/ },
  { name: "tx double-spend to an unreachable node", args: (c) => ["tx", "double-spend", "--api", `http://127.0.0.1:${c.closed}`, "--key", join(c.tmp, "client.key")], status: 1, says: /cannot reach/ },
  { name: "tx status on an unreachable node", args: (c) => ["tx", "status", "--api", `http://127.0.0.1:${c.closed}`, "abc"], status: 1, says: /cannot reach/ },
  // --- violations found: exit 3
  { name: "sim of snowball-unsafe.yaml", args: () => ["sim", "scenarios/snowball-unsafe.yaml"], status: 3, says: /SAFETY VIOLATED \(\d+ conflicting decisions\): replay with: entropic sim scenarios\/snowball-unsafe\.yaml --seed 1/ },
  { name: "sweep of snowball-unsafe.yaml", args: () => ["sweep", "scenarios/snowball-unsafe.yaml", "--seeds", "0..3", "--workers", "1"], status: 3, says: /VIOLATIONS in [1-4] of 4 runs: replay the first with: entropic sim scenarios\/snowball-unsafe\.yaml --seed \d/ },
];

/** Each command's bad flags: an unknown flag, a bad number, a missing argument or value. */
const badFlags: [string, string[], RegExp][] = [
  ["sim: unknown flag", ["sim", "--bogus"], /unknown option '--bogus'/],
  ["sim: bad number", ["sim", "--seed", "minus"], /--seed expects a non-negative integer/],
  ["sim: missing value", ["sim", "--seed"], /option '--seed <n>' argument missing/],
  ["sim: two scenarios", ["sim", "a.yaml", "b.yaml"], /too many arguments/],
  ["sweep: unknown flag", ["sweep", "--seeds", "0..1", "--bogus"], /unknown option/],
  ["sweep: bad number", ["sweep", "--seeds", "0..1", "--workers", "many"], /--workers expects an integer/],
  ["sweep: missing option", ["sweep"], /required option '--seeds <A\.\.B>' not specified/],
  ["sweep: bad range", ["sweep", "--seeds", "5..1"], /the end is before the start/],
  ["report: missing argument", ["report"], /missing required argument 'dir'/],
  ["report: unknown flag", ["report", ".", "--bogus"], /unknown option/],
  ["node: missing option", ["node"], /required option '--data <dir>'/],
  ["node: unknown flag", ["node", "--data", "x", "--bogus"], /unknown option/],
  ["node: bad number", ["node", "--data", "x", "--api", "http"], /--api must be a port number/],
  ["node: bad protocol", ["node", "--data", "x", "--protocol", "raft"], /--protocol must be one of/],
  ["node: unknown parameter", ["node", "--data", "x", "--param", "zzz=1"], /--param zzz: snowball has no parameter/],
  ["devnet: unknown flag", ["devnet", "--bogus"], /unknown option/],
  ["devnet: bad number", ["devnet", "--nodes", "four"], /--nodes must be an integer/],
  ["devnet: bad param syntax", ["devnet", "--param", "k"], /expects NAME=VALUE/],
  ["tx: unknown subcommand", ["tx", "sned"], /unknown command 'sned'/],
  ["tx send: missing option", ["tx", "send"], /required option '--api <url>'/],
  ["tx send: bad URL", ["tx", "send", "--api", "localhost:8080"], /--api expects an http\(s\) URL/],
  ["tx send: bad number", ["tx", "send", "--api", "http://127.0.0.1:9", "--nonce", "-1"], /--nonce must be an integer/],
  ["tx double-spend: missing option", ["tx", "double-spend"], /needs --api URL .* or --devnet DIR/],
  ["tx double-spend: bad number", ["tx", "double-spend", "--api", "http://127.0.0.1:9", "--wait", "soon"], /--wait must be a positive number/],
  ["tx double-spend: three nodes", ["tx", "double-spend", "--api", "http://a:1", "--api", "http://b:1", "--api", "http://c:1"], /at most twice/],
  ["tx double-spend: devnet folder without devnet.json", ["tx", "double-spend", "--devnet", "scenarios"], /devnet\.json: no such file/],
  ["tx status: missing argument", ["tx", "status", "--api", "http://127.0.0.1:9"], /missing required argument 'id'/],
  ["load: missing option", ["load"], /load needs at least one --api URL/],
  ["load: bad number", ["load", "--api", "http://127.0.0.1:9", "--rate", "fast"], /--rate must be a number/],
  ["load: bad URL", ["load", "--api", "nope"], /--api expects an http\(s\) URL/],
  ["load: --latencies in a missing folder", ["load", "--api", "http://127.0.0.1:9", "--latencies", "/nonexistent-entropic/x.csv"], /--latencies .*folder .* does not exist/],
  ["dashboard: unknown flag", ["dashboard", "--bogus"], /unknown option/],
  ["dashboard: bad number", ["dashboard", "--port", "x"], /--port expects an integer/],
  ["unknown command", ["simulate"], /unknown command 'simulate'/],
];

function listen(server: Server): Promise<number> {
  return new Promise((done) => server.listen(0, "127.0.0.1", () => done((server.address() as { port: number }).port)));
}

describe("every user error is one line with an honest exit code", () => {
  let ctx: Ctx;
  const blocker = createServer();
  beforeAll(async () => {
    const tmp = mkdtempSync(join(tmpdir(), "entropic-errors-"));
    const file = join(tmp, "afile");
    writeFileSync(file, "not a folder\n");
    const dir = join(tmp, "adir");
    mkdirSync(dir);
    const run = join(tmp, "run");
    const made = await entropicAsync(["sim", "--out", run]);
    expect(made.status, made.stderr).toBe(0);
    const busy = await listen(blocker);
    const probe = createServer();
    const closed = await listen(probe);
    await new Promise<void>((done) => probe.close(() => done()));
    ctx = { tmp, file, dir, run, busy, closed };
  }, 60_000);
  afterAll(() => {
    blocker.close();
  });

  it.concurrent.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => {
    const r = await entropicAsync(c.args(ctx), { timeoutMs: 50_000 });
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(r.status, `${r.stderr}\n(after ${r.ms.toFixed(0)} ms)`).toBe(c.status);
    expect(lines, r.stderr).toHaveLength(1);
    expect(r.stderr).not.toContain("    at ");
    expect(lines[0]).toMatch(c.says);
    if (c.not) expect(lines[0]).not.toMatch(c.not);
    c.after?.(ctx);
  });

  it.concurrent.each(badFlags)("%s", async (_name, args, says) => {
    const r = await entropicAsync(args, { timeoutMs: 30_000 });
    const lines = r.stderr.split("\n").filter((l) => l !== "");
    expect(r.status, r.stderr).toBe(2);
    expect(lines, r.stderr).toHaveLength(1);
    expect(r.stderr).not.toContain("    at ");
    expect(r.stdout).toBe("");
    expect(lines[0]).toMatch(says);
  });
});

// The package's subpath exports, as a program that installed entropic resolves them (the
// built dist/): `entropic/sim` must load no libp2p, no LevelDB and no network or file
// module; `entropic/node` loads the live node. Each import runs in a fresh process that
// logs every module it loads: ESM through a resolve hook (module.register), CommonJS
// through Module._load; the `entropic/node` run shows that the log does see the stack.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
let dir: string;

const HOOKS = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.ENTROPIC_LOAD_LOG, "esm " + result.url + "\\n");
  return result;
}
`;
const REGISTER = `import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";
register(new URL("./hooks.mjs", import.meta.url));
const load = Module._load;
Module._load = function (request, parent, isMain) {
  appendFileSync(process.env.ENTROPIC_LOAD_LOG, "cjs " + request + " " + (parent?.filename ?? "") + "\\n");
  return load.call(this, request, parent, isMain);
};
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "entropic-subpath-"));
  writeFileSync(join(dir, "hooks.mjs"), HOOKS);
  writeFileSync(join(dir, "register.mjs"), REGISTER);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Run `script` (an ES module) in a fresh node inside the package; return its stdout and every module it loaded. */
function loads(name: string, script: string): { stdout: string; log: string[] } {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, "");
  const stdout = execFileSync(process.execPath, ["--import", join(dir, "register.mjs"), "--input-type=module", "-e", script], {
    cwd: root,
    env: { ...process.env, ENTROPIC_LOAD_LOG: log },
    encoding: "utf8",
  });
  return { stdout, log: readFileSync(log, "utf8").split("\n").filter(Boolean) };
}

const stack = /node_modules\/(libp2p|@libp2p|@chainsafe|classic-level|level|abstract-level|it-[a-z-]+|@multiformats\/multiaddr)\/|^cjs (libp2p|classic-level)\b/;
const ioBuiltins = ["net", "fs", "fs/promises", "http", "https", "http2", "dgram", "tls", "dns", "dns/promises", "child_process", "worker_threads", "cluster", "readline"];

/** The node built-ins a log shows as imported (ESM `node:x` URLs and CommonJS requests). */
function builtinsIn(log: readonly string[]): Set<string> {
  const found = new Set<string>();
  for (const line of log) {
    const esm = /^esm node:(\S+)$/.exec(line);
    if (esm) found.add(esm[1]!);
    const cjs = /^cjs (?:node:)?(\S+) /.exec(line);
    if (cjs && ioBuiltins.includes(cjs[1]!)) found.add(cjs[1]!);
  }
  return found;
}

describe("subpath exports", () => {
  it("entropic/sim runs a scenario and loads no libp2p, no LevelDB and no node:net/fs module", () => {
    const { stdout, log } = loads(
      "sim",
      `const sim = await import("entropic/sim");
const s = sim.validateScenario({ protocol: "snowball", seed: 3, topology: { kind: "complete", n: 30 } });
const a = sim.simulate(s, { crypto: sim.nodeCrypto });
console.log(JSON.stringify({ outcome: a.summary.outcome, steps: a.summary.steps, exports: Object.keys(sim).sort() }));`,
    );
    const out = JSON.parse(stdout) as { outcome: string; steps: number; exports: string[] };
    expect(out.steps).toBeGreaterThan(0);
    for (const name of ["simulate", "startRun", "validateScenario", "loadScenario", "protocols", "snowball", "emtd", "tmesh", "buildTopology", "nodeCrypto", "quantile"]) expect(out.exports).toContain(name);
    for (const name of ["createNode", "NodeEngine", "LevelLedger", "createLibp2pTransport"]) expect(out.exports).not.toContain(name);
    // the log saw the package itself, so an empty log cannot pass
    expect(log.some((l) => l.endsWith("/dist/entry/sim.js"))).toBe(true);
    expect(log.some((l) => l.includes("/dist/sim/cycle/driver.js"))).toBe(true);
    expect(log.some((l) => l.startsWith("cjs "))).toBe(true); // CommonJS packages (yaml, graphology) are seen too
    expect(log.filter((l) => stack.test(l))).toEqual([]);
    expect([...builtinsIn(log)].filter((b) => ioBuiltins.includes(b))).toEqual([]);
  });

  it("entropic/node loads the live node: libp2p, classic-level and node:net appear in the same log", () => {
    const { stdout, log } = loads("node", `const n = await import("entropic/node"); console.log(JSON.stringify(Object.keys(n).sort()));`);
    const names = JSON.parse(stdout) as string[];
    for (const name of ["createNode", "NodeEngine", "NodeClient", "MemoryTransport", "MemoryLedger", "LevelLedger", "createLibp2pTransport", "ManualClock"]) expect(names).toContain(name);
    expect(log.some((l) => /node_modules\/libp2p\//.test(l))).toBe(true);
    expect(log.some((l) => /node_modules\/classic-level\//.test(l))).toBe(true);
    expect(builtinsIn(log).has("net")).toBe(true);
  });

  it("the root export keeps both halves", () => {
    const { stdout } = loads("root", `const e = await import("entropic"); console.log(JSON.stringify(Object.keys(e)));`);
    const names = JSON.parse(stdout) as string[];
    for (const name of ["simulate", "validateScenario", "loadScenario", "protocols", "protocolDocs", "createNode", "NodeEngine", "NodeClient", "createTx", "nodeCrypto", "ScenarioError"]) expect(names).toContain(name);
  });
});

// `entropic params [PROTOCOL]` and the parameter names an unknown `--set` lists (issue 9 §4).
import { describe, expect, it } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { protocolDocs } from "../../src/sim/scenario/docs.js";
import { protocolNames, protocols } from "../../src/sim/registry.js";
import { parameterNames } from "../../src/sim/scenario/schema.js";
import { entropic } from "../helpers/cli.js";

describe("entropic params", () => {
  it("lists every protocol's parameters with default, accepted values and meaning", () => {
    const r = entropic(["params"]);
    expect(r.status).toBe(0);
    for (const protocol of protocolNames) {
      expect(r.stdout).toContain(`${protocol}: `);
      for (const name of parameterNames(protocol)) expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\S`, "m"));
    }
    expect(r.stdout).toMatch(/^ {2}alphaPreference +15 +integer in \[1, ∞\) +votes needed to change preference$/m);
    expect(r.stdout).toMatch(/^ {2}theta +π\/4 +number in \(0, π\/2\] +partial-swap angle/m);
    expect(r.stdout).toMatch(/^ {2}topology\.n +1000 +integer in \[1, 50000000\] +\[kind=watts-strogatz\] number of nodes$/m);
    expect(r.stdout).toMatch(/^ {2}network\.loss +0 +number in \[0, 1\) +probability a message is lost$/m);
  });

  it("with a protocol, shows that protocol and its scenario sections only", () => {
    const r = entropic(["params", "snowball"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^snowball: /);
    expect(r.stdout).not.toContain("emtd-seed:");
    expect(r.stdout).toContain("snowball scenario sections");
    expect(r.stdout).toMatch(/^ {2}maxRounds +\d+ +integer/m);
    const seed = entropic(["params", "emtd-seed"]);
    expect(seed.stdout).not.toContain("scenario sections");
  });

  it("--json gives the same rows as data", () => {
    const r = entropic(["params", "gossip-avg", "--json"]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { protocol: string; params: { path: string; default: string; range: string; meaning: string }[] };
    expect(doc.protocol).toBe("gossip-avg");
    expect(doc.params.map((p) => p.path)).toEqual(parameterNames("gossip-avg"));
    expect(doc.params.find((p) => p.path === "beta")).toMatchObject({ range: "integer in [1, 10^6]", meaning: "consecutive quiet interactions to decide" });
  });

  it("an unknown protocol is a one-line usage error listing the protocols", () => {
    const r = entropic(["params", "raft"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("unknown protocol \"raft\"; protocols: emtd-seed, tmesh-seed, emtd, tmesh, snowball, gossip-avg");
  });

  it("every field of every protocol has a meaning and an accepted-values text", () => {
    for (const protocol of protocolNames) {
      const d = protocolDocs(protocol);
      expect(d.description).toBe((protocols[protocol] as { description: string }).description);
      for (const row of [...d.params, ...d.general, ...d.sections]) {
        expect(row.meaning, `${protocol} ${row.path}`).not.toBe("");
        expect(row.range, `${protocol} ${row.path}`).not.toBe("");
      }
    }
  });
});

describe("--set errors a user can act on", () => {
  it("an unknown parameter lists the valid names (exit 2, one line)", () => {
    const r = entropic(["sim", "scenarios/snowball.yaml", "--set", "zzz=1"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain('params: unknown field "zzz"; snowball parameters: k, alphaPreference, alphaConfidence, beta, variant');
  });

  it("--set topology.n on a scenario without topology runs on the default graph with n changed", () => {
    const r = entropic(["sim", bare("tmesh"), "--set", "topology.n=50", "--set", "maxRounds=5", "--json"]);
    expect(r.status, r.stderr).not.toBe(2);
    expect((JSON.parse(r.stdout) as { nodes: number }).nodes).toBe(50);
  });

  it("a conflict with a default says it is a default; an empty range names the fields", () => {
    const r = entropic(["sim", bare("gossip-avg"), "--set", "topology.n=8"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("topology.k: 10 (default) must not exceed n (8)");
    const empty = entropic(["sim", "scenarios/snowball.yaml", "--set", "k=10", "--set", "alphaConfidence=12"]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("params.alphaConfidence: must be ≥ params.alphaPreference (15, default) and ≤ params.k (10)");
  });
});

/** A scenario file that names only its protocol. */
function bare(protocol: string): string {
  const dir = mkdtempSync(join(tmpdir(), "entropic-params-"));
  const file = join(dir, `${protocol}.yaml`);
  writeFileSync(file, `protocol: ${protocol}\n`);
  return file;
}

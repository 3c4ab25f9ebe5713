// The seeds' Python is read from the seed documents at run time, never kept in the
// repository: the lookup (bench/lib/seed-code.ts and its Python twin in
// bench/reference/_common.py), the hash check, the one-line reasons when the documents are
// absent or different, and a scan that no tracked file holds the seeds' code. Tests that need
// the real documents (--seeds-dir / $ENTROPIC_SEEDS_DIR / ../shared/seeds) skip without them.
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { detectPython, detectReference, referenceScript } from "../../../bench/lib/python.js";
import { checkSeedDocuments, DEFAULT_SEEDS_DIR, findSeedCode, pythonBlock, resolveSeedsDir, SEED_CODE, SEED_NAMES, SEEDS_ENV, sha256 } from "../../../bench/lib/seed-code.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const seedsDir = resolveSeedsDir();
const docs = checkSeedDocuments(seedsDir);
const noDocs = !docs.ok;
const whyDocs = docs.ok ? "" : ` (skipped: ${docs.reason})`;
const py = detectPython({ requireScipy: false });
const whyPy = py.ok ? "" : ` (skipped: ${py.reason})`;

const tmp = mkdtempSync(path.join(tmpdir(), "entropic-seeds-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function dir(name: string): string {
  const d = path.join(tmp, name);
  mkdirSync(d, { recursive: true });
  return d;
}

describe("seed-code.json", () => {
  it("names both seeds with a title, a document and a SHA-256", () => {
    expect(Object.keys(SEED_CODE).sort()).toEqual([...SEED_NAMES].sort());
    for (const name of SEED_NAMES) {
      expect(SEED_CODE[name].title.length).toBeGreaterThan(10);
      expect(SEED_CODE[name].document).toMatch(/^\d{3}_[0-9a-f]{16}\.txt$/);
      expect(SEED_CODE[name].sha256).toMatch(/^[0-9a-f]{64}$/);
    }
  });
});

describe("pythonBlock and resolveSeedsDir", () => {
  it("extracts the single python block, and refuses none or several", () => {
    expect(pythonBlock("x\n```mermaid\na\n```\n```python\nprint(1)\n  \n```\n")).toBe("print(1)\n  \n");
    expect(() => pythonBlock("no code")).toThrow(/found 0/);
    expect(() => pythonBlock("```python\na\n```\n```python\nb\n```\n")).toThrow(/found 2/);
  });

  it("takes the flag, then $ENTROPIC_SEEDS_DIR, then ../shared/seeds beside the repository", () => {
    expect(DEFAULT_SEEDS_DIR).toBe(path.resolve(repoRoot, "../shared/seeds"));
    expect(resolveSeedsDir("/a/b", { [SEEDS_ENV]: "/c" })).toBe("/a/b");
    expect(resolveSeedsDir(undefined, { [SEEDS_ENV]: "/c" })).toBe("/c");
    expect(resolveSeedsDir(undefined, { [SEEDS_ENV]: "" })).toBe(DEFAULT_SEEDS_DIR);
    expect(resolveSeedsDir(undefined, {})).toBe(DEFAULT_SEEDS_DIR);
    expect(resolveSeedsDir("rel", {})).toBe(path.resolve("rel"));
  });
});

describe("findSeedCode says in one line why the code is unavailable", () => {
  it("a missing directory", () => {
    const r = findSeedCode("emtd", path.join(tmp, "nope"));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^seed documents not found: .*nope is not a directory \(give --seeds-dir DIR or set ENTROPIC_SEEDS_DIR\)$/);
  });

  it("a document of that name whose code is not the one checked", () => {
    const d = dir("changed");
    writeFileSync(path.join(d, SEED_CODE.emtd.document), "# title\n```python\nprint('not the seed')\n```\n");
    const r = findSeedCode("emtd", d);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toContain(`python block has sha256 ${sha256("print('not the seed')\n")}, expected ${SEED_CODE.emtd.sha256}`);
      expect(r.reason).not.toContain("\n");
    }
  });

  it("a directory with no matching document", () => {
    const d = dir("other");
    writeFileSync(path.join(d, "x.txt"), "```python\npass\n```\n");
    writeFileSync(path.join(d, "y.md"), "no code here");
    const r = checkSeedDocuments(d);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^no seed document in .*other holds the emtd code \(000_071173404a1a6f3c\.txt, python block sha256 623eec5b41c1…\)$/);
  });

  it("detectReference reports the documents before looking for python", () => {
    const r = detectReference({ seedsDir: path.join(tmp, "nope"), candidates: ["entropic-no-such-python-3"] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/^seed documents not found/);
  });
});

describe.skipIf(noDocs)(`the seed documents${whyDocs}`, () => {
  it("hold python blocks with the committed hashes", () => {
    for (const name of SEED_NAMES) {
      const r = findSeedCode(name, seedsDir);
      expect(r.ok, r.ok ? "" : r.reason).toBe(true);
      if (r.ok) {
        expect(path.basename(r.path)).toBe(SEED_CODE[name].document);
        expect(sha256(pythonBlock(readFileSync(r.path, "utf8")))).toBe(SEED_CODE[name].sha256);
        expect(r.code).toContain("import numpy as np");
      }
    }
  });

  it("are found under another name by their code's hash", () => {
    const d = dir("renamed");
    copyFileSync(path.join(seedsDir, SEED_CODE.tmesh.document), path.join(d, "tmesh.md"));
    const r = findSeedCode("tmesh", d);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.path).toBe(path.join(d, "tmesh.md"));
    expect(findSeedCode("emtd", d).ok).toBe(false);
  });

  it("no file tracked in the repository holds a line of the seeds' code", () => {
    if (!existsSync(path.join(repoRoot, ".git"))) return; // not a clone: nothing to scan
    const files = execFileSync("git", ["ls-files", "-z"], { cwd: repoRoot, encoding: "utf8" }).split("\0").filter(Boolean);
    // The seeds' distinctive lines (30+ characters once trimmed: names, formulas, prints).
    const seedLines = new Set<string>();
    for (const name of SEED_NAMES) {
      const found = findSeedCode(name, seedsDir);
      if (!found.ok) throw new Error(found.reason);
      for (const line of found.code.split("\n")) if (line.trim().length >= 30) seedLines.add(line.trim());
    }
    expect(seedLines.size).toBeGreaterThan(40);
    const hits: string[] = [];
    for (const f of files) {
      const full = path.join(repoRoot, f);
      if (!existsSync(full)) continue; // deleted in the working tree
      const buf = readFileSync(full);
      if (buf.includes(0)) continue; // binary
      for (const line of buf.toString("utf8").split("\n")) if (seedLines.has(line.trim())) hits.push(`${f}: ${line.trim()}`);
    }
    expect(hits).toEqual([]);
  });
});

describe.skipIf(!py.ok)(`the runners without the seed documents${whyPy}`, () => {
  for (const script of ["run_emtd_seed.py", "run_tmesh_seed.py", "run_seed_demo.py"]) {
    it(`${script} exits 2 with one line naming the directory`, () => {
      if (!py.ok) return;
      const args = script === "run_seed_demo.py" ? ["emtd"] : ["--seeds", "0..1", "--json"];
      const missing = path.join(tmp, "absent");
      const r = spawnSync(py.python, [referenceScript(script), ...args], { encoding: "utf8", env: { ...process.env, [SEEDS_ENV]: missing } });
      // run_tmesh_seed.py imports scipy first: without it, it fails before the lookup.
      if (script === "run_tmesh_seed.py" && py.versions.scipy === null) return;
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`${script}: seed documents not found: ${missing} is not a directory (give --seeds-dir DIR or set ENTROPIC_SEEDS_DIR)\n`);
    });
  }
});

describe.skipIf(noDocs || !py.ok)(`run_seed_demo.py runs a seed's code block whole${whyDocs || whyPy}`, () => {
  it("prints what the T-M.E.S.H. demo printed for seed 0, via --seeds-dir", () => {
    if (!py.ok || py.versions.scipy === null) return;
    const out = execFileSync(py.python, [referenceScript("run_seed_demo.py"), "tmesh", "--seed", "0", "--seeds-dir", seedsDir], { encoding: "utf8" });
    const doc = JSON.parse(out) as { seedDocument: string; stdout: string };
    expect(doc.seedDocument).toBe(SEED_CODE.tmesh.document);
    expect(doc.stdout).toMatch(/^>> T-M\.E\.S\.H\. GENESIS: 5 Nodes initialized\.\n/);
    expect(doc.stdout).toContain("Time Step 12: Global Coherence = ");
  });
});

// The seeds' Python code is kept verbatim in bench/reference/; this checks it byte for byte
// against the seed documents in ../shared/seeds (shared/ sits beside the clone, in CI too).
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pythonBlock, splitHeader } from "../../../bench/lib/verbatim.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const shared = path.resolve(repoRoot, "../shared");
const seedsDir = path.join(shared, "seeds");

function seedFile(prefix: string): string {
  const name = readdirSync(seedsDir).find((f) => f.startsWith(prefix) && f.endsWith(".txt"));
  if (!name) throw new Error(`no ${prefix}*.txt in ${seedsDir}`);
  return path.join(seedsDir, name);
}

describe("verbatim seed code in bench/reference", () => {
  it("finds the shared seeds beside the clone", () => {
    expect(existsSync(seedsDir), `${seedsDir} is missing: the seeds must sit at ../shared/seeds relative to the repo`).toBe(true);
  });

  for (const [prefix, file] of [
    ["000_", "emtd_seed_verbatim.py"],
    ["004_", "tmesh_seed_verbatim.py"],
  ] as const) {
    it(`${file} equals the python block of seeds/${prefix}*.txt byte for byte`, () => {
      const seedPath = seedFile(prefix);
      const block = pythonBlock(readFileSync(seedPath, "utf8"));
      const ours = readFileSync(path.join(repoRoot, "bench/reference", file), "utf8");
      const { header, code } = splitHeader(ours);
      expect(header.join("\n")).toContain(path.basename(seedPath));
      expect(code).toBe(block);
      // byte-level too (the string compare above already implies it for valid UTF-8)
      expect(Buffer.from(code, "utf8").equals(Buffer.from(block, "utf8"))).toBe(true);
    });
  }

  it("the block extractor and header splitter behave", () => {
    expect(pythonBlock("x\n```mermaid\na\n```\n```python\nprint(1)\n  \n```\n")).toBe("print(1)\n  \n");
    expect(() => pythonBlock("no code")).toThrow(/found 0/);
    expect(splitHeader("# a\n# b\n\nimport x\n")).toEqual({ header: ["# a", "# b"], code: "import x\n" });
    expect(() => splitHeader("import x\n")).toThrow();
  });
});

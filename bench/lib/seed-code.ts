/**
 * Where the seeds' own Python comes from. The repository holds no copy of it: the runners in
 * bench/reference/ read the single ```python block of each seed document at run time, from
 * the seeds directory (`--seeds-dir DIR`, else `$ENTROPIC_SEEDS_DIR`, else `../shared/seeds`
 * beside the repository), and check its SHA-256 against bench/reference/seed-code.json
 * before running it. This module is the TypeScript half of that lookup (the same rule as
 * bench/reference/_common.py), so callers can say why the reference is absent, in one line,
 * before spawning anything.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const SEEDS_ENV = "ENTROPIC_SEEDS_DIR";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
/** `../shared/seeds` beside the repository (where this workspace keeps the seed documents). */
export const DEFAULT_SEEDS_DIR = resolve(repoRoot, "../shared/seeds");

export type SeedName = "emtd" | "tmesh";
export const SEED_NAMES: readonly SeedName[] = ["emtd", "tmesh"];

export interface SeedCodeEntry {
  /** the proposal's title, as its document gives it */
  readonly title: string;
  /** the document's file name in the seeds directory */
  readonly document: string;
  /** SHA-256 (hex) of the UTF-8 body of the document's ```python block */
  readonly sha256: string;
}

const manifestPath = fileURLToPath(new URL("../reference/seed-code.json", import.meta.url));
const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Partial<Record<SeedName, SeedCodeEntry>>;
/** bench/reference/seed-code.json, the committed facts about each seed's code block. */
export const SEED_CODE: Readonly<Record<SeedName, SeedCodeEntry>> = Object.fromEntries(
  SEED_NAMES.map((name) => {
    const e = manifest[name];
    if (!e || typeof e.title !== "string" || typeof e.document !== "string" || !/^[0-9a-f]{64}$/.test(e.sha256)) {
      throw new Error(`${manifestPath}: "${name}" needs a title, a document and a hex sha256`);
    }
    return [name, e];
  }),
) as Record<SeedName, SeedCodeEntry>;

/** The body of the single ```python fenced block of a seed document. */
export function pythonBlock(text: string): string {
  const blocks = [...text.matchAll(/^```python[ \t]*\n([\s\S]*?)^```[ \t]*$/gm)];
  if (blocks.length !== 1) throw new Error(`expected exactly one \`\`\`python block, found ${blocks.length}`);
  return blocks[0]![1]!;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** `explicit` (a `--seeds-dir` flag), else `$ENTROPIC_SEEDS_DIR`, else {@link DEFAULT_SEEDS_DIR}; absolute. */
export function resolveSeedsDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit !== undefined && explicit !== "" ? explicit : env[SEEDS_ENV];
  return chosen !== undefined && chosen !== "" ? resolve(chosen) : DEFAULT_SEEDS_DIR;
}

export type SeedCodeLookup = { readonly ok: true; readonly path: string; readonly code: string } | { readonly ok: false; readonly reason: string };

/**
 * Find seed `which`'s code in `dir`: the document seed-code.json names, or failing that any
 * *.txt / *.md there whose python block has the expected hash. Never throws.
 */
export function findSeedCode(which: SeedName, dir: string): SeedCodeLookup {
  const entry = SEED_CODE[which];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    return { ok: false, reason: `seed documents not found: ${dir} is not a directory (give --seeds-dir DIR or set ${SEEDS_ENV})` };
  }
  const named = join(dir, entry.document);
  const candidates = existsSync(named)
    ? [named]
    : readdirSync(dir)
        .filter((n) => n.endsWith(".txt") || n.endsWith(".md"))
        .sort()
        .map((n) => join(dir, n));
  for (const path of candidates) {
    let code: string;
    try {
      code = pythonBlock(readFileSync(path, "utf8"));
    } catch {
      continue;
    }
    const digest = sha256(code);
    if (digest === entry.sha256) return { ok: true, path, code };
    if (path === named) {
      return { ok: false, reason: `${path}: python block has sha256 ${digest}, expected ${entry.sha256} (not the document this harness was checked against)` };
    }
  }
  return { ok: false, reason: `no seed document in ${dir} holds the ${which} code (${entry.document}, python block sha256 ${entry.sha256.slice(0, 12)}…)` };
}

/** Both seeds' code present and hash-checked in `dir`, or the first reason it is not. */
export function checkSeedDocuments(dir: string, which: readonly SeedName[] = SEED_NAMES): { ok: true; documents: Record<string, string> } | { ok: false; reason: string } {
  const documents: Record<string, string> = {};
  for (const w of which) {
    const found = findSeedCode(w, dir);
    if (!found.ok) return found;
    documents[w] = basename(found.path);
  }
  return { ok: true, documents };
}

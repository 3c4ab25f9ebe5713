/**
 * The seeds' own Python code as a side-by-side reference: find a usable python3 and run the
 * runners in bench/reference/ as child processes that print one JSON document. The runners
 * read the seeds' code from the seed documents at run time (bench/lib/seed-code.ts).
 *
 * Python and the seed documents are optional for entropic (STACK.md: "skip gracefully where
 * absent"); callers check {@link detectReference} (or {@link detectPython} for the
 * interpreter alone) first and skip with the one-line reason.
 */
import { execFile, execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { checkSeedDocuments, resolveSeedsDir, SEED_NAMES, type SeedName } from "./seed-code.js";

/** Versions of the interpreter and of the modules the seed code imports. */
export interface PythonVersions {
  python: string;
  numpy: string;
  networkx: string;
  /** `null` when scipy does not import (EMTD runs without it; T-M.E.S.H. needs it). */
  scipy: string | null;
}

export type PythonDetection =
  | { ok: true; python: string; versions: PythonVersions }
  | { ok: false; reason: string };

export interface DetectOptions {
  /** Interpreters to try in order; default `$ENTROPIC_PYTHON` if set, then python3, python. */
  candidates?: readonly string[];
  /** Also require scipy (the T-M.E.S.H. seed imports scipy.linalg). Default true. */
  requireScipy?: boolean;
}

const PROBE = [
  "import json, sys",
  "v = {'python': sys.version.split()[0]}",
  "import numpy; v['numpy'] = numpy.__version__",
  "import networkx; v['networkx'] = networkx.__version__",
  "try:\n    import scipy, scipy.linalg; v['scipy'] = scipy.__version__\nexcept Exception:\n    v['scipy'] = None",
  "print(json.dumps(v))",
].join("\n");

const cache = new Map<string, PythonDetection>();

/**
 * Find a python3 that imports numpy and networkx (and scipy unless `requireScipy: false`).
 * Synchronous and cached per option set: it is called from test collection (`it.skipIf`).
 */
export function detectPython(options: DetectOptions = {}): PythonDetection {
  const env = process.env.ENTROPIC_PYTHON;
  const candidates = options.candidates ?? [...(env ? [env] : []), "python3", "python"];
  const requireScipy = options.requireScipy ?? true;
  const key = JSON.stringify([candidates, requireScipy]);
  const hit = cache.get(key);
  if (hit) return hit;

  const reasons: string[] = [];
  let found: PythonDetection | undefined;
  for (const python of candidates) {
    let out: string;
    try {
      out = execFileSync(python, ["-c", PROBE], { encoding: "utf8", timeout: 30_000, stdio: ["ignore", "pipe", "pipe"] });
    } catch (err) {
      reasons.push(`${python}: ${describeSpawnError(err)}`);
      continue;
    }
    let v: PythonVersions;
    try {
      v = JSON.parse(out.trim()) as PythonVersions;
    } catch {
      reasons.push(`${python}: unexpected probe output ${JSON.stringify(out.slice(0, 200))}`);
      continue;
    }
    if (!/^3\./.test(v.python)) {
      reasons.push(`${python}: Python ${v.python}, need 3.x`);
      continue;
    }
    if (requireScipy && v.scipy === null) {
      reasons.push(`${python}: scipy does not import (needed by the T-M.E.S.H. seed)`);
      continue;
    }
    found = { ok: true, python, versions: v };
    break;
  }
  const result: PythonDetection = found ?? { ok: false, reason: `no usable python: ${reasons.join("; ")}` };
  cache.set(key, result);
  return result;
}

export type ReferenceDetection =
  | { ok: true; python: string; versions: PythonVersions; seedsDir: string; documents: Record<string, string> }
  | { ok: false; reason: string };

export interface ReferenceOptions extends DetectOptions {
  /** The seed documents' directory; default `$ENTROPIC_SEEDS_DIR`, else `../shared/seeds`. */
  seedsDir?: string;
  /** Which seeds' code must be present; default both. */
  seeds?: readonly SeedName[];
}

/**
 * Everything the side-by-side reference needs: a python3 as {@link detectPython} finds it,
 * and the seed documents, their code blocks hash-checked. Synchronous, like detectPython.
 */
export function detectReference(options: ReferenceOptions = {}): ReferenceDetection {
  const seedsDir = resolveSeedsDir(options.seedsDir);
  const docs = checkSeedDocuments(seedsDir, options.seeds ?? SEED_NAMES);
  if (!docs.ok) return { ok: false, reason: docs.reason };
  const py = detectPython(options);
  if (!py.ok) return py;
  return { ...py, seedsDir, documents: docs.documents };
}

function describeSpawnError(err: unknown): string {
  const e = err as { code?: string; status?: number | null; stderr?: string | Buffer; message?: string };
  if (e.code === "ENOENT") return "not found on PATH";
  const stderr = String(e.stderr ?? "").trim();
  const lastLine = stderr.split("\n").filter(Boolean).pop();
  return lastLine ?? e.message ?? String(err);
}

/** Absolute path of a runner in bench/reference/ (e.g. `"run_emtd_seed.py"`). */
export function referenceScript(name: string): string {
  return fileURLToPath(new URL(`../reference/${name}`, import.meta.url));
}

export interface RunPythonOptions {
  /** Kill the child and reject after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Interpreter; default: the one {@link detectPython} finds. */
  python?: string;
  /** Working directory of the child; default the script's directory. */
  cwd?: string;
  /** stdout limit in bytes (a 2000-seed traced run is several MB). Default 512 MiB. */
  maxBuffer?: number;
}

/**
 * Run `python script ...args`, which must print exactly one JSON document on stdout, and
 * resolve with the parsed value. Rejects, with the script, the exit status or signal and the
 * tail of stderr in the message, when the interpreter is missing, the script fails or times
 * out, or stdout is not JSON.
 */
export function runPythonJson(script: string, args: readonly string[] = [], options: RunPythonOptions = {}): Promise<unknown> {
  const timeoutMs = options.timeoutMs ?? 600_000;
  let python = options.python;
  if (python === undefined) {
    const det = detectPython({ requireScipy: false });
    if (!det.ok) return Promise.reject(new Error(`runPythonJson(${script}): ${det.reason}`));
    python = det.python;
  }
  if (!existsSync(script)) return Promise.reject(new Error(`runPythonJson: script not found: ${script}`));
  const cwd = options.cwd ?? dirname(script);
  const label = `${python} ${[script, ...args].join(" ")}`;

  return new Promise((resolve, reject) => {
    execFile(
      python,
      [script, ...args],
      { cwd, timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: options.maxBuffer ?? 512 * 1024 * 1024, encoding: "utf8" },
      (error, stdout, stderr) => {
        const tail = tailOf(stderr);
        if (error) {
          const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: NodeJS.Signals | null; code?: string | number | null };
          let why: string;
          if (e.code === "ENOENT") why = `interpreter ${python} not found`;
          else if (e.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER") why = "stdout exceeded maxBuffer";
          else if (e.killed || e.signal) why = e.killed && timeoutMs > 0 ? `timed out after ${timeoutMs} ms` : `killed by ${e.signal}`;
          else why = `exited with status ${String(e.code)}`;
          reject(new Error(`${label}: ${why}${tail ? `\n--- stderr ---\n${tail}` : ""}`));
          return;
        }
        try {
          resolve(JSON.parse(stdout));
        } catch (parseError) {
          reject(
            new Error(
              `${label}: stdout is not one JSON document (${(parseError as Error).message}); ` +
                `starts with ${JSON.stringify(stdout.slice(0, 200))}${tail ? `\n--- stderr ---\n${tail}` : ""}`,
            ),
          );
        }
      },
    );
  });
}

function tailOf(text: string, maxChars = 4000): string {
  const t = text.trim();
  return t.length > maxChars ? `…${t.slice(-maxChars)}` : t;
}

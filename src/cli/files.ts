/**
 * File input and output for the CLI: atomic writes, and the checks that turn an unusable
 * path into a one-line usage error before any long work starts.
 */
import { accessSync, constants, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { UsageError } from "../core/errors.js";

/** File output that never leaves a half-written file behind: write to a temp name, then rename. */
export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

function describeErrno(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return "no such file";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    default:
      return code ?? String((error as Error).message);
  }
}

/** Read a UTF-8 text file; "not found" and friends are a one-line {@link UsageError}. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new UsageError(`${path}: ${describeErrno(error)}`);
  }
}

function statOrNull(path: string): import("node:fs").Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "ENOTDIR") return null; // an ancestor is a file: found by the walk up
    throw error;
  }
}

/**
 * Check that `path` is a folder the CLI can create files in — it exists as a folder, or can
 * be created (its nearest existing ancestor is a writable folder) — so that a run does not
 * fail at its very end. `flag` names the option in the message (`--out`).
 * @throws UsageError naming the flag and what is wrong
 */
export function checkOutputDir(path: string, flag: string): void {
  const full = resolve(path);
  const own = statOrNull(full);
  if (own && !own.isDirectory()) throw new UsageError(`${flag} ${path}: exists and is not a folder`);
  let dir = full;
  let st = own;
  while (!st) {
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
    st = statOrNull(dir);
  }
  if (st && !st.isDirectory()) throw new UsageError(`${flag} ${path}: ${dir} is a file, not a folder`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: cannot write in ${dir} (permission denied)`);
  }
}

/** Check that `path`, when it exists, is a regular file (a key file, for example). */
export function checkFileIfPresent(path: string, flag: string): void {
  const st = statOrNull(resolve(path));
  if (st && !st.isFile()) throw new UsageError(`${flag} ${path}: is ${st.isDirectory() ? "a folder" : "not a regular file"}, expected a file`);
  if (!st) checkOutputDir(dirname(resolve(path)), flag);
}

/** Check that `path` is an existing folder (an input folder). */
export function checkInputDir(path: string, what: string): void {
  const st = statOrNull(resolve(path));
  if (!st) throw new UsageError(`${what} ${path}: no such folder`);
  if (!st.isDirectory()) throw new UsageError(`${what} ${path}: is a file, expected a folder`);
}

/** File output that never leaves a half-written file behind: write to a temp name, then rename. */
import { mkdirSync, renameSync, writeFileSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Read a UTF-8 text file, turning "not found" and friends into a one-line message. */
export function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : String((error as Error).message)}`);
  }
}

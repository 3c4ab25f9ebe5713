// One job per module (issue 11): a source file over MAX_MODULE_LINES lines says why at its
// top. ESLint's max-lines rule (eslint.config.js) refuses such a file without a directive
// and reports a directive no longer needed; this checks what the rule cannot: that each
// directive is at the top of its file and gives a reason a reader can weigh.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
// The limit the lint rule applies (eslint.config.js is plain JavaScript, without types).
const config: string = pathToFileURL(join(root, "eslint.config.js")).href;
const { MAX_MODULE_LINES } = (await import(config)) as { MAX_MODULE_LINES: number };

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The reason of a leading `/* eslint-disable max-lines -- reason *\/`, or null. */
export function maxLinesReason(text: string): string | null {
  const m = /^\/\* eslint-disable max-lines -- ([\s\S]*?)\*\//.exec(text);
  return m === null ? null : m[1]!.replace(/\s+/g, " ").trim();
}

describe("source files over the size limit", () => {
  const files = sources(join(root, "src")).map((path) => ({ path: relative(root, path), text: readFileSync(path, "utf8") }));
  // Counted as ESLint counts them: a final newline does not start another line.
  const lines = (text: string): number => text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  const long = files.filter((f) => lines(f.text) > MAX_MODULE_LINES);

  it("the reason reader accepts a reason and refuses a missing or misplaced one", () => {
    expect(maxLinesReason("/* eslint-disable max-lines -- one state machine\n   over one layout */\nexport {};")).toBe("one state machine over one layout");
    expect(maxLinesReason("/* eslint-disable max-lines */\nexport {};")).toBeNull();
    expect(maxLinesReason("import x from 'y';\n/* eslint-disable max-lines -- late */")).toBeNull();
  });

  it("are few, and each says at its top why it is one module", () => {
    expect(long.length).toBeLessThanOrEqual(5);
    for (const f of long) {
      const reason = maxLinesReason(f.text);
      expect(reason, `${f.path}: over ${MAX_MODULE_LINES} lines without "/* eslint-disable max-lines -- <reason> */" at its top`).not.toBeNull();
      expect(reason!.length, `${f.path}: the reason is too short to weigh`).toBeGreaterThanOrEqual(80);
    }
  });

  it("no file carries the directive without needing it", () => {
    for (const f of files.filter((g) => !long.includes(g))) expect(maxLinesReason(f.text), f.path).toBeNull();
  });
});

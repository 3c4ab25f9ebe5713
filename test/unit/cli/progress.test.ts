import { describe, expect, it } from "vitest";
import { createProgress, etaText, formatDuration, progressLine } from "../../../src/cli/progress.js";

/** A terminal that records what is written, on a clock the test moves. */
function fakeTerminal() {
  const writes: string[] = [];
  let t = 0;
  return {
    writes,
    stream: { isTTY: true, columns: 200, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream,
    now: () => t,
    advance: (ms: number) => (t += ms),
    last: () => {
      const w = writes.at(-1)!.replace(/^\r/, "");
      return w.endsWith("\u001b[K") ? w.slice(0, -3) : w;
    },
  };
}

describe("progress line", () => {
  it("never prints a non-finite or fractional ETA (no 'eta NFs')", () => {
    for (const [done, total, ms] of [
      [0, 10, 1000],
      [0, 0, 0],
      [5, 10, 0],
      [10, 10, 5000],
      [3, 1e9, 1],
      [Number.NaN, 10, 100],
    ] as const) {
      const e = etaText(done, total, ms);
      expect(e).not.toMatch(/NaN|Infinity|NF|\./);
    }
    expect(formatDuration(Infinity)).toBe("");
    expect(formatDuration(Number.NaN)).toBe("");
    expect(formatDuration(61_000)).toBe("1m01s");
  });

  it("a sweep's ETA is runs completed per elapsed time applied to the runs left", () => {
    // 25 of 100 runs in 10 s: 75 left at 2.5 runs/s = 30 s
    expect(etaText(25, 100, 10_000)).toBe("eta 30s");
    const term = fakeTerminal();
    const bar = createProgress("sweep 1×100", { stream: term.stream, now: term.now, force: true });
    term.advance(10_000);
    bar.update(25, 100);
    expect(term.last()).toMatch(/25% \| 25\/100 \| eta 30s$/);
    bar.stop();
  });

  it("before any run completes there is no ETA at all", () => {
    const term = fakeTerminal();
    const bar = createProgress("sweep", { stream: term.stream, now: term.now, force: true });
    term.advance(1000);
    bar.update(0, 100);
    expect(term.last()).not.toMatch(/eta/);
  });

  it("a single run shows its step against the cap and no ETA (it may end at any round)", () => {
    const term = fakeTerminal();
    const bar = createProgress("snowball", { eta: false, stream: term.stream, now: term.now, force: true });
    term.advance(5000);
    bar.update(7, 300);
    expect(term.last()).toBe(`snowball ${progressLine("", 7, 300, 0, false).trim()}`);
    expect(term.last()).toMatch(/step 7 of at most 300$/);
    expect(term.last()).not.toMatch(/eta|%/);
    bar.stop();
    expect(term.writes.at(-1)).toBe("\r\x1b[K");
  });

  it("stays silent on a pipe and within the grace period", () => {
    const writes: string[] = [];
    const pipe = { isTTY: false, write: (s: string) => (writes.push(s), true) } as unknown as NodeJS.WriteStream;
    const bar = createProgress("x", { stream: pipe });
    bar.update(1, 2);
    bar.stop();
    const term = fakeTerminal();
    const quick = createProgress("x", { stream: term.stream, now: term.now, force: true });
    term.advance(100);
    quick.update(1, 2);
    quick.stop();
    expect([...writes, ...term.writes]).toEqual([]);
  });
});

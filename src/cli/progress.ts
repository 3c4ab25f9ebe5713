/**
 * A progress line on stderr, only when stderr is a terminal and the work outlasts a short
 * grace period, so quick runs and piped output stay clean.
 *
 * The ETA is the measured pace (units done per elapsed second) applied to what is left —
 * for a sweep, runs completed over the time they took — and is left out until there is a
 * pace to measure. A single run has no honest ETA (it may end at any round before its
 * `maxRounds`), so its line shows the step and the cap, no ETA.
 */

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export interface ProgressOptions {
  /** show an ETA from the measured pace (default true); false for work that may end early */
  readonly eta?: boolean;
  /** the stream to draw on (default process.stderr) */
  readonly stream?: Pick<NodeJS.WriteStream, "write" | "isTTY" | "columns">;
  /** monotonic milliseconds (default performance.now) */
  readonly now?: () => number;
  /** draw even when the stream is not a terminal or CI is set (tests) */
  readonly force?: boolean;
}

const GRACE_MS = 400;
const FRAME_MS = 100;
const BAR = 24;

/** `1m05s`, `42s`, `3h02m`. Whole seconds: never a fraction, never NaN or Infinity (those give ""). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return "";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

/**
 * The ETA text for `done` of `total` units after `elapsedMs`: the pace so far applied to
 * what is left, or "" while nothing is done yet (no pace to measure) or when all is done.
 */
export function etaText(done: number, total: number, elapsedMs: number): string {
  if (!(done > 0) || !(total > done) || !(elapsedMs > 0)) return "";
  const text = formatDuration(((total - done) * elapsedMs) / done);
  return text ? `eta ${text}` : "";
}

/** One progress line (without the carriage return). */
export function progressLine(label: string, done: number, total: number, elapsedMs: number, eta: boolean): string {
  const share = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(share * BAR);
  const bar = `[${"█".repeat(filled)}${"░".repeat(BAR - filled)}]`;
  if (!eta) return `${label} ${bar} step ${done} of at most ${total}`;
  const e = etaText(done, total, elapsedMs);
  return `${label} ${bar} ${(share * 100).toFixed(0)}% | ${done}/${total}${e ? ` | ${e}` : ""}`;
}

export function createProgress(label: string, options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (!options.force && (!stream.isTTY || process.env.CI)) return { update() {}, stop() {} };
  const now = options.now ?? (() => performance.now());
  const eta = options.eta ?? true;
  const started = now();
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const t = now();
      if (t - started < GRACE_MS || t - lastDraw < FRAME_MS) return;
      lastDraw = t;
      let line = progressLine(label, done, total, t - started, eta);
      const width = stream.columns ?? 0;
      if (width > 1 && line.length >= width) line = line.slice(0, width - 1);
      stream.write(`\r${line}\x1b[K`);
      drawn = true;
    },
    stop() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
    },
  };
}

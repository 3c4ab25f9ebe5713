/**
 * A progress bar on stderr, only when stderr is a terminal and the work outlasts a short
 * grace period, so quick runs and piped output stay clean.
 */
import { SingleBar, Presets } from "cli-progress";

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

const GRACE_MS = 400;

export function createProgress(label: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env.CI) return { update() {}, stop() {} };
  const started = performance.now();
  let bar: SingleBar | null = null;
  return {
    update(done, total) {
      if (!bar) {
        if (performance.now() - started < GRACE_MS) return;
        bar = new SingleBar(
          { format: `${label} [{bar}] {percentage}% | {value}/{total} | eta {eta_formatted}`, stream, hideCursor: true, clearOnComplete: true, fps: 10 },
          Presets.shades_classic,
        );
        bar.start(total, done);
      }
      bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/**
 * `--cpu-prof` for processes we cannot start with flags: Node 20 refuses `--cpu-prof` in
 * NODE_OPTIONS, but accepts `--import`. Loaded with
 *   NODE_OPTIONS="--import ./bench/lib/cpu-prof-preload.mjs" ENTROPIC_CPU_PROF_DIR=DIR
 * it starts the V8 sampling profiler through node:inspector at load and writes
 * DIR/CPU.<pid>.cpuprofile (the format `--cpu-prof` writes) when the process exits.
 * The in-process inspector session answers synchronously, so the 'exit' handler can stop
 * the profiler and write the file before the process is gone.
 */
import { Session } from "node:inspector";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import process from "node:process";

const dir = process.env.ENTROPIC_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: Number(process.env.ENTROPIC_CPU_PROF_INTERVAL_US ?? 1000) });
  session.post("Profiler.start");
  let written = false;
  const write = () => {
    if (written) return;
    written = true;
    session.post("Profiler.stop", (err, result) => {
      if (err || !result) return;
      mkdirSync(dir, { recursive: true });
      // written under a temporary name and renamed: a process killed mid-write (the devnet
      // sends SIGKILL 5 s after SIGTERM) leaves a .tmp file, never a truncated profile
      const file = join(dir, `CPU.${process.pid}.cpuprofile`);
      writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      renameSync(`${file}.tmp`, file);
    });
  };
  process.on("exit", write);
}

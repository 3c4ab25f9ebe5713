/**
 * CPU and memory of other processes from /proc (Linux): utime + stime of /proc/PID/stat,
 * in clock ticks of 1/100 s (USER_HZ), and VmRSS of /proc/PID/status. Off Linux, or for a
 * process that is gone, the figures are NaN.
 */
import { loadavg } from "node:os";
import { readFileSync } from "node:fs";

const USER_HZ = 100;

export interface ProcSample {
  /** user + system CPU seconds the process has used so far */
  readonly cpuS: number;
  readonly rssMB: number;
}

export function procSample(pid: number): ProcSample {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // the command name (field 2) may hold spaces: fields are counted after its ")"
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const cpuS = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return { cpuS, rssMB: rss ? Number(rss[1]) / 1024 : Number.NaN };
  } catch {
    return { cpuS: Number.NaN, rssMB: Number.NaN };
  }
}

/** Share of one core each process used between two samples taken `wallS` seconds apart. */
export function coreShares(before: readonly ProcSample[], after: readonly ProcSample[], wallS: number): number[] {
  return after.map((a, i) => (a.cpuS - before[i]!.cpuS) / wallS);
}

/** The 1-minute load average, the figure every result is recorded beside. */
export function load1(): number {
  return loadavg()[0]!;
}

/** Busy CPU seconds of the whole machine so far, all cores (from the `cpu` line of /proc/stat). */
export function machineBusyS(): number {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n")[0]!;
    const [, ...ticks] = line.trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user)
    const busy = ticks[0]! + ticks[1]! + ticks[2]! + ticks[5]! + ticks[6]! + ticks[7]!;
    return busy / USER_HZ;
  } catch {
    return Number.NaN;
  }
}

/**
 * Cores' worth of CPU other processes used over a window: the machine's busy time minus
 * that of the processes measured (and of this process), per second of wall-clock.
 */
export function foreignCores(busyBefore: number, busyAfter: number, ownCpuS: number, wallS: number): number {
  return Math.max(0, (busyAfter - busyBefore - ownCpuS) / wallS);
}

/**
 * A figure is taken "under load" when other processes used more than a tenth of a core
 * on average while it was measured (the load average is recorded beside it but is not the
 * test: the measured processes raise it themselves, and it lags by a minute). Such a
 * figure must be measured again on a quiet machine before it judges a target.
 */
export function underLoad(foreign: number): boolean {
  return !(foreign <= 0.1);
}

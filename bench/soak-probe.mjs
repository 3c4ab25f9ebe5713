// The soak's memory probe (bench/soak.ts): preloaded into each `entropic node` process of the
// soak's devnet (NODE_OPTIONS="--import …/soak-probe.mjs", ENTROPIC_SOAK_PROBE=DIR), it
// writes DIR/PID.json every 2.5 s with where the process's memory is: the V8 heap
// (committed, used, and used right after the last major garbage collection — the live
// data, garbage excluded) and external memory (ArrayBuffers, Buffers). It reads counters
// only; it forces no collection and allocates nothing per request, so the node's own
// behaviour is unchanged. Other processes (the devnet parent) are left alone.
import { renameSync, writeFileSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { setInterval } from "node:timers";
import { getHeapStatistics } from "node:v8";

const dir = process.env.ENTROPIC_SOAK_PROBE;
if (dir && process.argv[2] === "node") {
  let liveAfterMajorGc = null;
  let majorGcs = 0;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcs++;
        liveAfterMajorGc = getHeapStatistics().used_heap_size;
      }
    }
  }).observe({ entryTypes: ["gc"] });
  const file = `${dir}/${process.pid}.json`;
  setInterval(() => {
    const m = process.memoryUsage();
    const body = JSON.stringify({ rss: m.rss, heapCommitted: m.heapTotal, heapUsed: m.heapUsed, external: m.external, liveAfterMajorGc, majorGcs });
    try {
      writeFileSync(`${file}.tmp`, body);
      renameSync(`${file}.tmp`, file);
    } catch {
      // the soak's folder is gone: it is over
    }
  }, 2500).unref();
}

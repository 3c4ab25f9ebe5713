// The soak's memory probe (bench/soak.ts): preloaded into each `entropic node` process of the
// soak's devnet (NODE_OPTIONS="--import …/soak-probe.mjs", ENTROPIC_SOAK_PROBE=DIR), it
// writes DIR/PID.json every 2.5 s with where the process's memory is: the V8 heap
// (committed — all of it, the young generation's, the old space's — used, and used right after the last major garbage collection — the live
// data, garbage excluded — with how long ago that was) and external memory (ArrayBuffers, Buffers). It reads counters
// only; it forces no collection and allocates nothing per request, so the node's own
// behaviour is unchanged. Other processes (the devnet parent) are left alone.
import { renameSync, writeFileSync } from "node:fs";
import { constants, performance, PerformanceObserver } from "node:perf_hooks";
import { setInterval } from "node:timers";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const dir = process.env.ENTROPIC_SOAK_PROBE;
if (dir && process.argv[2] === "node") {
  let liveAfterMajorGc = null;
  let majorGcs = 0;
  let lastMajorAt = null;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        majorGcs++;
        liveAfterMajorGc = getHeapStatistics().used_heap_size;
        lastMajorAt = performance.now();
      }
    }
  }).observe({ entryTypes: ["gc"] });
  const file = `${dir}/${process.pid}.json`;
  setInterval(() => {
    const m = process.memoryUsage();
    const space = (name) => getHeapSpaceStatistics().find((x) => x.space_name === name)?.space_size ?? null;
    const body = JSON.stringify({ rss: m.rss, heapCommitted: m.heapTotal, youngCommitted: space("new_space"), oldCommitted: space("old_space"), heapUsed: m.heapUsed, external: m.external, liveAfterMajorGc, liveAgeS: lastMajorAt === null ? null : (performance.now() - lastMajorAt) / 1000, majorGcs });
    try {
      writeFileSync(`${file}.tmp`, body);
      renameSync(`${file}.tmp`, file);
    } catch {
      // the soak's folder is gone: it is over
    }
  }, 2500).unref();
}

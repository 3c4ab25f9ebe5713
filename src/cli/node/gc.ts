/**
 * The garbage-collector policy of `entropic node` (issue 14 §2, memory of a long-running node).
 *
 * A node's live JS data is bounded (pending sets plus caches of stated sizes), but under a
 * steady load its V8 old space fragments: a finalized set lives ~75 s in memory (the
 * recent-finalized cache), long enough to be promoted, then dies among longer-lived
 * objects; V8's default heuristics compact only some pages at a full collection, so the
 * old space kept growing with the live data flat. Measured with the soak's probe
 * (bench/soak-probe.mjs; `npm run bench:soak -- --minutes 3 --rate 30 --nodes 4`, means
 * over 4 nodes, on the shared 2-core machine): the live heap was ~50 MiB from minute 2 on
 * in every run; by default the committed heap was 101 → 105 MiB over minute 3 and still
 * growing (old space 60.7 MiB at the end of minute 2 in a 2-minute run), with compaction
 * on every full collection 91 → 93 MiB (old space 52.6 → 53.5 MiB). Minute 3's p99 was
 * 1.4 s beside 1.1 s without, within the spread of the loaded machine (1.1–2.6 s).
 *
 * So the node compacts at every full collection (`--compact-on-every-full-gc`, set at start
 * before any work): a full collection is rare (every ~10–60 s at 30 tx/s) and a compaction
 * moves at most the live ~50 MiB, in parallel.
 */
import { setFlagsFromString } from "node:v8";

/** The V8 flag `entropic node` sets at start. */
export const NODE_GC_FLAGS = "--compact-on-every-full-gc";

/** Apply {@link NODE_GC_FLAGS} to this process (the node command calls it once, before the node starts). */
export function applyNodeGcPolicy(): void {
  setFlagsFromString(NODE_GC_FLAGS);
}

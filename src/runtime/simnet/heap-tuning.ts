/**
 * The V8 heap setting the node simulator runs best with: a larger young generation.
 *
 * A `driver: node` run allocates a great deal of short-lived data (messages, answers,
 * promises and generator frames) and holds a large, slowly changing state (a hundred
 * nodes' tables, answers and histories). With V8's default 16 MB semi-space, a 100-node,
 * 300-set run scavenged ~760 times for ~9–10 s of its ~55 s; each scavenge copies what is
 * still alive, and much of it lives a few simulated milliseconds (a request in flight), so
 * it survives a small semi-space. At 64 MB: ~210 scavenges, ~6.8 s. Measured (two
 * alternating pairs, `/usr/bin/time`, 2026-12-05): user CPU 73.8 / 85.7 s at the default,
 * 64.1 / 65.2 s at 64 MB; 128 and 256 MB gave no more then. After the typed-array
 * allocations were cut (core/transient.ts, core/cbor-views.ts), 128 MB did: three
 * alternating pairs gave 49.3 / 51.9 / 48.3 s of user CPU against 55.7 / 52.8 / 51.1 s at
 * 64 MB; 256 MB against 128 MB was within the noise (51.8 / 54.5 / 45.6 against 52.7 /
 * 55.6 / 52.8 s) for ~230 MB more RSS (docs/node-simulator.md).
 *
 * A process's semi-space is fixed at start-up (`v8.setFlagsFromString` has no effect then):
 * the benchmarks pass {@link SIM_NODE_FLAGS} to the processes they spawn, and the swarm
 * and `entropic sim` (for `driver: node`) run simulations on worker threads given
 * {@link SIM_YOUNG_GENERATION_MB}. A script calling `runNodeScenario` itself starts node
 * with `--max-semi-space-size=128`.
 */

/** Semi-space size (MB) for node simulations. */
export const SIM_SEMI_SPACE_MB = 128;

/** The node flags that give a process {@link SIM_SEMI_SPACE_MB}. */
export const SIM_NODE_FLAGS: readonly string[] = [`--max-semi-space-size=${SIM_SEMI_SPACE_MB}`];

/**
 * The same for a worker thread (`resourceLimits.maxYoungGenerationSizeMb`): V8's young
 * generation is three semi-spaces (the two halves and the space for large new objects).
 */
export const SIM_YOUNG_GENERATION_MB = 3 * SIM_SEMI_SPACE_MB;

/**
 * T-MESH consensus: pair interactions per second at d = 2, 4, 8, with the collapse step on
 * and off. Nodes start in basis states |c⟩⟨c| as the workload introduces them; diagonal
 * states commute, so the partial swap keeps them diagonal even without collapse, and both
 * settings measure the same diagonal path (measured: equal rates). One interaction = the asker's query, the responder's partial-swap
 * update and answer, the asker's update (both with validation and finality bookkeeping).
 * Nodes never finalize here (β = 10^9), so every interaction does the full work.
 * Writes bench/results/tmesh-interactions.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { Xoshiro128 } from "../src/core/prng.js";
import { tmesh, tmeshParams } from "../src/protocols/tmesh/index.js";

const root = resolve(import.meta.dirname, "..");
const nodes = 500;
/** Finality needs this many consecutive low-entropy interactions: never reached in the timing window. */
const BETA = 1e9;
const rows = [];
for (const collapse of ["dephase-amplify", "none"] as const) {
  for (const d of [2, 4, 8]) {
    const params = tmeshParams.parse({ collapse, epsilon: 1e-300, beta: BETA });
    const state = tmesh.createState({ nodes, instances: 1, candidates: d }, params);
    const rng = new Xoshiro128(1);
    for (let i = 0; i < nodes; i++) state.introduce(i, 0, rng.nextInt(d));
    const width = tmesh.answerWidth(d);
    const query = new Float64Array(width);
    const out = new Float64Array(width);
    const from = new Int32Array(1);
    const ctx = { tick: 0, rng };
    const run = (count: number) => {
      for (let t = 0; t < count; t++) {
        const a = rng.nextInt(nodes);
        const b = (a + 1 + rng.nextInt(nodes - 1)) % nodes;
        state.prepareQuery(a, 0, query);
        state.respond(b, 0, query, out, ctx);
        from[0] = b;
        state.onPoll(a, 0, out, from, 1, ctx);
      }
    };
    run(20_000); // warm-up
    let count = 0;
    const started = performance.now();
    while (performance.now() - started < 1000) {
      run(5_000);
      count += 5_000;
    }
    const perSecond = count / ((performance.now() - started) / 1000);
    let final = 0;
    for (let i = 0; i < nodes; i++) if (state.isFinal(i, 0)) final++;
    if (final > 0) throw new Error(`${final} nodes finalized during the benchmark: the timing would skip work`);
    rows.push({ collapse, d, nodes, interactionsPerSecond: perSecond });
    console.log(`tmesh d=${d} collapse=${collapse.padEnd(15)} ${(perSecond / 1e3).toFixed(1)}k interactions/s`);
  }
}
mkdirSync(resolve(root, "bench/results"), { recursive: true });
writeFileSync(resolve(root, "bench/results/tmesh-interactions.json"), `${JSON.stringify({ machine: { node: process.version }, rows }, null, 2)}\n`);
console.log("wrote bench/results/tmesh-interactions.json");

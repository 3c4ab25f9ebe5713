/**
 * The units of work `npm run claims` hands to its worker threads: one simulated run of a
 * scenario file (with overrides and a seed), one exact-enumeration computation, one run of
 * the two-cluster trap. Each returns plain JSON. Pure functions of their arguments.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { createRng } from "../../src/core/prng.js";
import { EmtdState, emtdParams } from "../../src/protocols/emtd/index.js";
import { nodeCrypto } from "../../src/runtime/crypto-node.js";
import { startRun } from "../../src/sim/cycle/driver.js";
import { loadScenario } from "../../src/sim/scenario/load.js";
import { buildTopology } from "../../src/topology/index.js";
import { anneal, empiricalCheck, fixedTemperature } from "./exact.js";
import { createLaggedInformed, createSynchronousOblivious, type SyncWorldView } from "./sync-attacker.js";
import { twoCliques } from "./exact.js";

const root = resolve(import.meta.dirname, "../..");

export type Task =
  | {
      readonly kind: "sim";
      readonly file: string;
      readonly set: Readonly<Record<string, unknown>>;
      readonly seed: number;
      /** replace the scenario's balancing attacker (knowledge: full) by the synchronous-round model of sync-attacker.ts, K queries per poll */
      readonly attacker?: { readonly kind: "synchronous"; readonly k: number } | { readonly kind: "lagged" };
    }
  | { readonly kind: "fixedT"; readonly n: number; readonly T: number; readonly rule: "uniform" | "emtd"; readonly steps: number }
  | { readonly kind: "empirical"; readonly n: number; readonly T: number; readonly rule: "uniform" | "emtd"; readonly steps: number; readonly chains: number; readonly seed: number }
  | { readonly kind: "anneal"; readonly rule: "uniform" | "emtd"; readonly schedule: "geometric" | "logarithmic"; readonly param: number; readonly rounds: number }
  | { readonly kind: "trap"; readonly half: number; readonly bridges: number; readonly reheat: boolean; readonly rounds: number; readonly seed: number }
  | { readonly kind: "diameter"; readonly file: string; readonly set: Readonly<Record<string, unknown>>; readonly seed: number };

export interface SimDigest {
  readonly outcome: string;
  readonly steps: number;
  readonly simMs: number;
  readonly fields: Record<string, number | null>;
  readonly final: Record<string, number>;
}

export function scenarioText(file: string): string {
  return readFileSync(resolve(root, "scenarios/claims", file), "utf8");
}

export function runTask(task: Task): unknown {
  switch (task.kind) {
    case "sim": {
      const overrides = [...Object.entries(task.set).map(([name, value]) => ({ name, value })), { name: "seed", value: task.seed }];
      const scenario = loadScenario(scenarioText(task.file), task.file, overrides);
      // simulate()'s run, stepped here to keep it, so the winner can be read from the final state.
      const run = startRun(scenario, { crypto: nodeCrypto });
      if (task.attacker) installAttacker(run, task.attacker, task.seed);
      let simMs = 0;
      for (let more = true; more; ) {
        const t0 = performance.now();
        more = run.step();
        simMs += performance.now() - t0;
      }
      const result = run.result();
      const fields: Record<string, number | null> = {};
      for (const [k, v] of Object.entries(result.fields)) if (typeof v === "number" || v === null) fields[k] = v as number | null;
      const world = (run as unknown as { world?: { state: { preference(i: number, k: number): number; isFinal(i: number, k: number): boolean }; honestIds: Int32Array } }).world;
      if (world) {
        let pref0 = 0;
        let final0 = 0;
        for (const i of world.honestIds) {
          if (world.state.preference(i, 0) === 0) {
            pref0++;
            if (world.state.isFinal(i, 0)) final0++;
          }
        }
        fields.honestPreferring0 = pref0 / world.honestIds.length;
        fields.honestFinal0 = final0 / world.honestIds.length;
      }
      return { outcome: result.outcome, steps: run.steps, simMs, fields, final: run.observe() } as SimDigest;
    }
    case "fixedT":
      return fixedTemperature(task.n, task.T, task.rule, task.steps);
    case "empirical":
      return empiricalCheck(task.n, task.T, task.rule, task.steps, task.chains, task.seed);
    case "anneal":
      return anneal(task.rule, task.schedule, task.param, task.rounds);
    case "trap":
      return trapRun(task.half, task.bridges, task.reheat, task.rounds, task.seed);
    case "diameter": {
      const overrides = Object.entries(task.set).map(([name, value]) => ({ name, value }));
      const scenario = loadScenario(scenarioText(task.file), task.file, overrides);
      const g = buildTopology((scenario.sections as { topology: Parameters<typeof buildTopology>[0] }).topology, createRng(task.seed, "topology"));
      return { diameter: diameterEstimate(g, 8) };
    }
  }
}

/** Swap the run's informed balancing strategy for a model of sync-attacker.ts (the driver must call beginRound: knowledge full). */
function installAttacker(run: unknown, attacker: NonNullable<Extract<Task, { kind: "sim" }>["attacker"]>, seed: number): void {
  const world = (run as { world?: SyncWorldView & { strategy: unknown; candidates: number; instances: number; adversaryWatchesRounds: boolean } }).world;
  if (!world || !world.adversaryWatchesRounds) throw new Error("the synchronous attacker needs a cycle-driver run with adversary.type balance, knowledge full");
  const { candidates, instances } = world;
  const initial = new Int32Array(instances * candidates);
  for (const node of world.honestIds) for (let inst = 0; inst < instances; inst++) {
    const c = world.state.preference(node, inst);
    if (c >= 0 && c < candidates) initial[inst * candidates + c]! += 1;
  }
  world.strategy =
    attacker.kind === "synchronous"
      ? createSynchronousOblivious(world, candidates, instances, world.nodes - world.honestIds.length, attacker.k, initial, createRng(seed, "synchronous-attacker"))
      : createLaggedInformed(candidates, initial);
}

/** Largest BFS eccentricity from `probes` start nodes (a lower bound on the diameter, exact for vertex-transitive graphs). */
function diameterEstimate(g: { n: number; offsets: Int32Array; targets: Int32Array }, probes: number): number {
  let best = 0;
  const dist = new Int32Array(g.n);
  let start = 0;
  for (let p = 0; p < probes; p++) {
    dist.fill(-1);
    dist[start] = 0;
    const queue = new Int32Array(g.n);
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    let far = start;
    while (head < tail) {
      const x = queue[head++]!;
      for (let e = g.offsets[x]!; e < g.offsets[x + 1]!; e++) {
        const y = g.targets[e]!;
        if (dist[y] === -1) {
          dist[y] = dist[x]! + 1;
          queue[tail++] = y;
          if (dist[y]! > dist[far]!) far = y;
        }
      }
    }
    if (dist[far]! > best) best = dist[far]!;
    start = far; // double sweep
  }
  return best;
}

/**
 * The seed's metastable trap with EMTD's own state machine: two cliques of `half` nodes
 * joined by `bridges` edges, clique A starting on candidate 0 and clique B on 1; each
 * round every node (random order) polls all its neighbours and runs EmtdState.onPoll.
 * Finality is deferred (β = 10⁹) so the run measures escape, not early locking. Returns the
 * first round with global consensus (null: still split after `rounds`), and reheats.
 */
export function trapRun(half: number, bridges: number, reheat: boolean, rounds: number, seed: number): { escapedAt: number | null; reheats: number } {
  const g = twoCliques(2 * half, bridges);
  const n = g.n;
  const params = emtdParams.parse({ beta: 1e9, reheat });
  const state = new EmtdState({ nodes: n, instances: 1, candidates: 2 }, params);
  for (let i = 0; i < n; i++) state.introduce(i, 0, i < half ? 0 : 1);
  const rng = createRng(seed, "trap");
  const ctx = { tick: 0, rng };
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const maxDeg = half + bridges;
  const answers = new Float64Array(maxDeg);
  const from = new Int32Array(maxDeg);
  for (let r = 1; r <= rounds; r++) {
    for (let i = n - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    for (const node of order) {
      let c = 0;
      for (let e = g.offsets[node]!; e < g.offsets[node + 1]!; e++) {
        const peer = g.targets[e]!;
        answers[c] = state.preference(peer, 0);
        from[c++] = peer;
      }
      state.onPoll(node, 0, answers, from, c, { ...ctx, tick: r });
    }
    let zeros = 0;
    for (let i = 0; i < n; i++) if (state.preference(i, 0) === 0) zeros++;
    if (zeros === 0 || zeros === n) {
      let reheats = 0;
      for (let i = 0; i < n; i++) reheats += state.reheats[i]!;
      return { escapedAt: r, reheats };
    }
  }
  let reheats = 0;
  for (let i = 0; i < n; i++) reheats += state.reheats[i]!;
  return { escapedAt: null, reheats };
}

/**
 * Loading the reference vectors recorded from the seeds' own Python, kept in the repository
 * as test/fixtures/reference/*.json (see its README): numbers, not the seeds' code.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

export const referenceFixturesDir = resolve(import.meta.dirname, "../fixtures/reference");

export interface EmtdFixture {
  N: number;
  seed: number;
  decay: number;
  input_signal: number;
  adjacency: number[][];
  uniform_draws: number[];
  inject_accepted: boolean;
  sweeps: { sweep: number; T_during: number; flips: number; adopters_after: number; state_change_sum: number }[];
  steps: number;
  converged: boolean;
  final_state_node0: [number, number];
  final_state0_per_node: number[];
  final_temperature: number;
}

export interface TmeshFixture {
  N: number;
  dim: number;
  seed: number;
  initial_rho_re: number[][][];
  initial_rho_im: number[][][];
  pairs: [number, number][];
  coherence_history: number[];
  final_rho_re: number[][][];
  final_rho_im: number[][][];
  coherence_t0: number;
  entropy_consensus: number;
  purity_centroid_t0: number;
}

export function emtdFixtures(): EmtdFixture[] {
  return JSON.parse(readFileSync(resolve(referenceFixturesDir, "emtd_fixtures.json"), "utf8")) as EmtdFixture[];
}

export function tmeshFixtures(): TmeshFixture[] {
  return JSON.parse(readFileSync(resolve(referenceFixturesDir, "tmesh_fixtures.json"), "utf8")) as TmeshFixture[];
}

/** A recorded stream of draws that fails loudly when over-consumed and reports what was left. */
export class ReplayStream {
  private index = 0;
  constructor(private readonly values: readonly number[]) {}
  nextFloat(): number {
    if (this.index >= this.values.length) throw new Error(`replay stream exhausted after ${this.values.length} draws`);
    return this.values[this.index++]!;
  }
  get consumed(): number {
    return this.index;
  }
}

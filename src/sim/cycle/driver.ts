/**
 * The cycle driver (PeerSim's cycle model): advance a protocol run step by step, recording
 * observables, until it ends. It owns nothing random and reads no clock itself: the
 * generators come from the scenario's seed, and a clock may be injected only to time the
 * simulation for the summary's `simMs`.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import type { Observables, ProtocolRun, SummaryValue } from "../../protocols/protocol.js";
import type { SimEnvironment } from "../consensus/environment.js";
import type { MessageRecord } from "../event/trace.js";
import { protocols } from "../registry.js";
import type { Scenario } from "../scenario/schema.js";
import { rngFactory } from "../rng-family.js";
import { type Trace, type TraceOptions, TraceRecorder } from "../trace/trace.js";

/** One recorded step: its index (0 = the state before the first step) and its observables. */
export interface StepRecord {
  readonly step: number;
  readonly observables: Observables;
}

/** The run summary every protocol reports, plus protocol-specific fields. */
export interface RunSummary {
  readonly scenario: string;
  readonly protocol: string;
  readonly nodes: number;
  readonly seed: number;
  readonly rng: string;
  readonly steps: number;
  readonly outcome: string;
  readonly updates: number;
  /** milliseconds spent in the protocol's steps (excludes start-up and graph generation); 0 without a clock */
  readonly simMs: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly final: Observables;
  readonly [field: string]: SummaryValue | Readonly<Record<string, unknown>> | Observables;
}

export interface RunOutput {
  readonly summary: RunSummary;
  /** recorded steps, empty when `recordSteps` is false */
  readonly steps: readonly StepRecord[];
  /** the run's trace, when `trace` was asked for */
  readonly trace?: Trace;
}

/** What a run needs besides its scenario. */
export interface StartRunOptions {
  /**
   * Signatures and hashing for runs that sign (the event driver's signed answers). The pure
   * layer cannot import node:crypto, so the caller injects it (the CLI: `nodeCrypto`).
   */
  readonly crypto?: CryptoSuite;
  /**
   * The event driver's message trace: called for every message a node sends, in send
   * order (src/sim/event/trace.ts). Other drivers send no messages and never call it.
   */
  readonly onMessage?: (message: MessageRecord) => void;
}

export interface SimulateOptions extends StartRunOptions {
  /** monotonic milliseconds, injected by the caller; without it `simMs` is 0 */
  readonly clock?: () => number;
  /** called after every step with (steps done, step cap) */
  readonly onProgress?: (done: number, max: number) => void;
  /** keep per-step observables (default true) */
  readonly recordSteps?: boolean;
  /**
   * Record a trace for reports: the topology and, per recorded step, every node's colour
   * and finalized flag (sampled down for big runs; see sim/trace). Read-only: the run's
   * results are the same with or without it.
   */
  readonly trace?: boolean | TraceOptions;
}

/**
 * A scenario's protocol run before its first step, set up exactly as {@link simulate} sets
 * it up (generators from the scenario's seed), for callers that step it themselves: the
 * dashboard's worker posts rounds as they happen, benchmarks time or stop runs their own
 * way. Stepping it to the end replays simulate()'s run.
 */
export function startRun(scenario: Scenario, options: StartRunOptions = {}): ProtocolRun {
  const env: SimEnvironment = {
    seed: scenario.seed,
    rng: rngFactory(scenario.rng, scenario.seed),
    sections: scenario.sections,
    ...(options.crypto ? { crypto: options.crypto } : {}),
    ...(options.onMessage ? { onMessage: options.onMessage } : {}),
  };
  return protocols[scenario.protocol].create(scenario.params as never, env);
}

/** Whether simulate() records the observables after this step (`more`: run.step()'s answer). */
export function isRecordedStep(scenario: Scenario, run: ProtocolRun, more: boolean): boolean {
  return !more || run.steps % scenario.observeEvery === 0;
}

/** Run a scenario to its end. Pure in everything but the optional clock and progress callback. */
export function simulate(scenario: Scenario, options: SimulateOptions = {}): RunOutput {
  const run = startRun(scenario, options);
  const record = options.recordSteps ?? true;
  const steps: StepRecord[] = [];
  let last = run.observe();
  if (record) steps.push({ step: 0, observables: last });
  const tracer = options.trace ? new TraceRecorder(run, scenario.protocol, scenario.seed, options.trace === true ? {} : options.trace) : null;
  tracer?.record(0);

  const clock = options.clock;
  let simMs = 0;
  let more = true;
  while (more) {
    const t0 = clock ? clock() : 0;
    more = run.step();
    if (clock) simMs += clock() - t0;
    if (record && isRecordedStep(scenario, run, more)) {
      last = run.observe();
      steps.push({ step: run.steps, observables: last });
    }
    tracer?.record(run.steps);
    options.onProgress?.(run.steps, run.maxSteps);
  }
  if (!record) last = run.observe();

  const result = run.result();
  const summary: RunSummary = {
    scenario: scenario.name,
    protocol: scenario.protocol,
    nodes: run.nodes,
    seed: scenario.seed,
    rng: scenario.rng,
    steps: run.steps,
    outcome: result.outcome,
    updates: run.updates,
    simMs,
    ...result.fields,
    params: scenario.params,
    ...scenario.sections,
    final: last,
  };
  return tracer ? { summary, steps, trace: tracer.finish(run.steps) } : { summary, steps };
}

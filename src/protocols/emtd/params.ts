/**
 * EMTD's parameters (the scenario's `params` for `protocol: emtd`): their schema, with
 * error messages that name the field, its meaning, its range and the bad input; the cooling
 * schedule they select; and the sample size per round. The protocol itself is index.ts.
 */
import { z } from "zod";
import { real, show } from "../param-fields.js";
import { ALL_NEIGHBOURS, type SamplingMode } from "../consensus.js";
import { type CoolingSchedule, geometric, logarithmic } from "../../physics/cooling.js";

function positive(field: string, what: string, dflt: number) {
  const { schema, error } = real(field, "(0, ∞)", what);
  return schema.gt(0, { error }).default(dflt).describe(what);
}

function nonNegative(field: string, what: string, dflt: number) {
  const { schema, error } = real(field, "[0, ∞)", what);
  return schema.min(0, { error }).default(dflt).describe(what);
}

function countAtLeastOne(field: string, what: string, dflt: number) {
  const { schema, error } = real(field, "{1, 2, …, 10^9} (an integer)", what);
  return schema.int({ error }).min(1, { error }).max(1e9, { error }).default(dflt).describe(what);
}

/** EMTD's sample size under global sampling when `k` is not given (Snowball's K, for equal message budgets per poll). */
export const EMTD_GLOBAL_K = 20;

const kError = (iss: { input?: unknown }) => `k (peers polled per round) must be "all" or an integer in [1, 1000]; got ${show(iss.input)}`;

const alphaField = real("alpha", "(0, 1)", "geometric cooling factor per round");
const reheatField = real("reheatTemperature", "(0, ∞)", "temperature after a reheat (default T0)");

export const emtdParams = z
  .object({
    schedule: z
      .enum(["geometric", "logarithmic", "adaptive"], { error: (iss) => `schedule must be "geometric", "logarithmic" or "adaptive"; got ${show(iss.input)}` })
      .default("geometric")
      .describe("cooling schedule: geometric T0·alpha^t, logarithmic c/ln(t+2), adaptive (geometric, held while local energy rises)"),
    T0: positive("T0", "initial temperature, geometric and adaptive", 2),
    alpha: alphaField.schema.gt(0, { error: alphaField.error }).lt(1, { error: alphaField.error }).default(0.9).describe(alphaField.what),
    c: positive("c", "logarithmic schedule constant, T = c/ln(t+2)", 2),
    tFreeze: positive("tFreeze", "temperature below which a node is frozen", 0.05),
    beta: countAtLeastOne("beta", "consecutive zero-energy rounds to finalize once frozen", 10),
    lambda: nonNegative("lambda", "weight λ of the local entropy term", 0),
    mu: nonNegative("mu", "weight μ of the switching cost term", 0),
    bandwidth: positive("bandwidth", "coupling per unit of trust, J_ij = bandwidth × trust_j", 1),
    reheat: z.boolean({ error: (iss) => `reheat must be true or false; got ${show(iss.input)}` }).default(true).describe("reheat frozen nodes with non-zero energy"),
    reheatAfter: countAtLeastOne("reheatAfter", "frozen rounds with non-zero energy before a reheat", 10),
    k: z
      .union([z.literal("all"), z.number({ error: kError }).int({ error: kError }).min(1, { error: kError }).max(1000, { error: kError })], { error: kError })
      .optional()
      .describe(`peers polled per round: "all" topology neighbours (neighbors sampling only) or a number; absent: all neighbours with neighbors sampling, ${EMTD_GLOBAL_K} with global sampling`),
    reheatTemperature: reheatField.schema.gt(0, { error: reheatField.error }).optional().describe(reheatField.what),
  })
  .strict();

export type EmtdParams = z.infer<typeof emtdParams>;

/** The cooling schedule a parameter set selects (adaptive runs the geometric one with held steps). */
export function emtdSchedule(params: EmtdParams): CoolingSchedule {
  return params.schedule === "logarithmic" ? logarithmic(params.c) : geometric(params.T0, params.alpha);
}

/**
 * Peers polled per round: `k` when it is a number; all neighbours for `k: "all"`, or for no
 * `k` under neighbors sampling (and in the live node, which passes no sampling mode);
 * {@link EMTD_GLOBAL_K} for no `k` under global sampling.
 */
export function emtdSampleSize(params: EmtdParams, sampling?: SamplingMode): number {
  if (typeof params.k === "number") return params.k;
  if (params.k === "all") return ALL_NEIGHBOURS;
  return sampling === "global" ? EMTD_GLOBAL_K : ALL_NEIGHBOURS;
}

/**
 * T-M.E.S.H.'s parameters (the scenario's `params` for `protocol: tmesh`): their schema,
 * each field's meaning, range and default, and the finality streak β when it is not given.
 * The protocol itself is index.ts.
 */
import { z } from "zod";
import { integer, real, show } from "../param-fields.js";

const thetaField = real("theta", "(0, π/2]", "partial-swap angle θ of U = exp(iθ·SWAP)");
const mField = real("m", "[1, 1000]", "amplification exponent of the collapse ρ^m / Tr ρ^m");
const epsilonField = real("epsilon", "(0, ∞)", "von Neumann entropy threshold (nats) for finality");
const sheafEpsilonField = real("sheafEpsilon", "[0, ∞)", "coboundary norm above which a hyperedge is in conflict");

export const tmeshParams = z
  .object({
    theta: thetaField.schema
      .gt(0, { error: thetaField.error })
      .max(Math.PI / 2, { error: thetaField.error })
      .default(Math.PI / 4)
      .describe(thetaField.what),
    collapse: z
      .enum(["dephase-amplify", "none"], { error: (iss) => `collapse must be "dephase-amplify" or "none"; got ${show(iss.input)}` })
      .default("dephase-amplify")
      .describe("after each interaction: dephase in the candidate basis then amplify ρ^m/Tr ρ^m, or nothing (pure quantum gossip)"),
    m: mField.schema.min(1, { error: mField.error }).max(1000, { error: mField.error }).default(2).describe(mField.what),
    epsilon: epsilonField.schema.gt(0, { error: epsilonField.error }).default(0.01).describe(epsilonField.what),
    beta: integer("beta", 1, 1e9, "consecutive own interactions with S(ρ) < epsilon to finalize; absent: max(5, ⌈log₂ n⌉ + 2) for n nodes").optional(),
    partners: integer("partners", 1, 1000, "peers polled (and exchanged with) per round, drawn as the scenario's sampling says").default(1),
    sheafEpsilon: sheafEpsilonField.schema.min(0, { error: sheafEpsilonField.error }).default(1e-6).describe(sheafEpsilonField.what),
    conflictLogLimit: integer("conflictLogLimit", 0, 1_000_000, "sheaf conflicts kept in the log (all are counted)").default(1000),
  })
  .strict();

export type TmeshParams = z.infer<typeof tmeshParams>;

/**
 * T-MESH's finality streak when `beta` is not given: max(5, ⌈log₂ n⌉ + 2) for n nodes
 * (5 up to 8 nodes, 13 at 2000, 16 at 10⁴, 19 at 10⁵, 22 at 10⁶). See the module comment.
 */
export function tmeshDefaultBeta(nodes: number): number {
  return Math.max(5, Math.ceil(Math.log2(Math.max(1, nodes))) + 2);
}

/**
 * The protocols a live node can run: the one registry of them (createNode, the CLI's
 * `node` and `devnet` commands and their parameter checks read it). Pure: it loads no
 * libp2p or LevelDB, so the CLI can check options before starting anything.
 *
 * A protocol is live-capable when it declares {@link ConsensusProtocol.answerLayout}
 * (how its answers move between two nodes' candidate orders); the simulators' registry
 * (sim/registry.ts) holds every protocol, these among them.
 */
import { ScenarioError } from "../../core/errors.js";
import type { ConsensusProtocol } from "../../protocols/consensus.js";
import { emtd } from "../../protocols/emtd/index.js";
import { snowball } from "../../protocols/snowball/index.js";
import { tmesh } from "../../protocols/tmesh/index.js";

/** The protocols a live node can run, by name. */
export const liveProtocols = {
  snowball: snowball as ConsensusProtocol<unknown>,
  emtd: emtd as ConsensusProtocol<unknown>,
  tmesh: tmesh as ConsensusProtocol<unknown>,
} as const;
export type LiveProtocolName = keyof typeof liveProtocols;

/** Their names, in the order the CLI lists them. */
export const LIVE_PROTOCOL_NAMES = Object.keys(liveProtocols) as LiveProtocolName[];

export function isLiveProtocolName(name: string): name is LiveProtocolName {
  return Object.hasOwn(liveProtocols, name);
}

/** Whether a protocol object can run on a live node (it declares its answer layout). */
export function isLiveCapable(protocol: ConsensusProtocol<unknown>): boolean {
  return typeof protocol.answerLayout === "function";
}

/** Validate protocol parameters, naming the bad field. */
export function liveParams(protocol: LiveProtocolName, raw: Readonly<Record<string, unknown>> = {}): unknown {
  const parsed = liveProtocols[protocol].params.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
      `--protocol ${protocol}`,
    );
  }
  return parsed.data;
}

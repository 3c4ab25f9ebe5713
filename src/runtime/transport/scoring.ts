/**
 * Gossipsub v1.1 peer scoring for entropic's topics, and the same rule in closed form for
 * the in-memory transport.
 *
 * What counts:
 * - P4 (invalid messages): each message the application rejects adds 1 to the sender's
 *   counter on that topic; the penalty is weight × counter², so a single rejected message
 *   costs -10 and three cost -90, under the graylist threshold (-80): gossipsub then
 *   ignores everything the peer sends. The counter decays by 1% a second (half-life
 *   ~69 s), so a peer that stops misbehaving recovers.
 * - P5 (application score): `setAppScore` values (trust from the protocol) × weight 1.
 * - P1/P2 (time in mesh, first deliveries) reward honest peers a little, capped at +10.
 * - P3/P3b (mesh delivery rate) are off: a quiet devnet would penalise honest peers for
 *   not sending messages nobody published.
 * - P6 (IP colocation) exempts loopback, where a devnet runs every node on one address.
 * - P7 (behaviour penalties: IWANT promises, early re-GRAFT) keeps gossipsub's defaults.
 */
import type { PeerScoreParams, PeerScoreThresholds, TopicScoreParams } from "@libp2p/gossipsub/score";
import { TOPICS } from "../ports.js";

/** Weights of the score; shared by both transports so scores mean the same thing. */
export const SCORE_WEIGHTS = {
  topicWeight: 1,
  /** P4: weight × (rejected messages)² */
  invalidMessage: -10,
  /** P4 counter multiplier per decay interval (1 s) */
  invalidMessageDecay: 0.99,
  /** P5 */
  appSpecific: 1,
  /** cap of the positive topic contribution (P1 + P2) */
  topicScoreCap: 10,
} as const;

/** Gossipsub's thresholds (its defaults, named here so the scale above is readable). */
export const GOSSIP_SCORE_THRESHOLDS: PeerScoreThresholds = {
  /** below: no gossip (IHAVE/IWANT) exchanged with the peer */
  gossipThreshold: -10,
  /** below: our own messages are not flood-published to the peer */
  publishThreshold: -50,
  /** below: every RPC from the peer is ignored */
  graylistThreshold: -80,
  acceptPXThreshold: 10,
  opportunisticGraftThreshold: 20,
};

/** Loopback addresses, exempt from the IP-colocation penalty (devnets share one host). */
export const COLOCATION_WHITELIST: readonly string[] = ["127.0.0.1", "::1"];

function topicParams(): Partial<TopicScoreParams> {
  return {
    topicWeight: SCORE_WEIGHTS.topicWeight,
    // P1: +0.01 per second in the mesh, up to +3 after five minutes
    timeInMeshWeight: 0.01,
    timeInMeshQuantum: 1_000,
    timeInMeshCap: 300,
    // P2: +0.5 per first delivery, decaying, at most +10
    firstMessageDeliveriesWeight: 0.5,
    firstMessageDeliveriesDecay: 0.9,
    firstMessageDeliveriesCap: 20,
    meshMessageDeliveriesWeight: 0,
    meshFailurePenaltyWeight: 0,
    invalidMessageDeliveriesWeight: SCORE_WEIGHTS.invalidMessage,
    invalidMessageDeliveriesDecay: SCORE_WEIGHTS.invalidMessageDecay,
  };
}

/** Gossipsub score parameters; `appScore` is read on every score computation. */
export function gossipScoreParams(appScore: (peer: string) => number): Partial<PeerScoreParams> {
  const topics: Record<string, Partial<TopicScoreParams>> = {};
  for (const topic of Object.values(TOPICS)) topics[topic] = topicParams();
  return {
    topics: topics as Record<string, TopicScoreParams>,
    topicScoreCap: SCORE_WEIGHTS.topicScoreCap,
    appSpecificScore: appScore,
    appSpecificWeight: SCORE_WEIGHTS.appSpecific,
    IPColocationFactorWhitelist: new Set(COLOCATION_WHITELIST),
  };
}

/**
 * The in-memory transport's score: P4 and P5 with the same weights, without decay (the
 * memory network has no clock) and without the positive P1/P2 terms.
 */
export function memoryScore(rejectedMessages: number, appScore: number): number {
  return SCORE_WEIGHTS.topicWeight * SCORE_WEIGHTS.invalidMessage * rejectedMessages * rejectedMessages + SCORE_WEIGHTS.appSpecific * appScore;
}

/**
 * Byzantine processes for the node simulator. Each owns a transport in the simulated
 * network and a valid key (its signatures verify: it is a member, not an outsider), and
 * misbehaves in one way:
 *
 * - `equivocate`: learns the candidates of every conflict set from the transaction gossip
 *   and answers each poll with a validly signed answer that favours one candidate to half
 *   of the askers and another to the rest (for exchange protocols, a one-hot vector);
 * - `garbage`: publishes random bytes on every topic and answers requests with random bytes;
 * - `replay`: polls honest nodes itself, keeps what it hears (gossip and signed answers),
 *   and later re-publishes the gossip and hands other nodes' signed answers back as its own.
 *
 * They draw from their own seeded stream and act on the world clock, so a run stays a pure
 * function of its scenario and seed.
 */
import { cidOf } from "../../core/codec.js";
import type { CryptoSuite, KeyPair } from "../../core/crypto.js";
import type { Rng } from "../../core/prng.js";
import { conflictKey, decodeTx } from "../../core/tx.js";
import { TOPICS, type Topic } from "../ports.js";
import type { MemoryTransport } from "../transport/memory.js";
import { answerBody, type AnswerResponse, candidateId, decodeRequest, decodeTxBatch, encodeResponse, ID_BYTES, idKey, instanceId, signAnswer } from "../node/wire.js";
import { encodePollResponse, type PartAnswer } from "../node/wire-poll.js";
import type { SimTime } from "./time.js";

export const BYZANTINE_KINDS = ["equivocate", "garbage", "replay"] as const;
export type ByzantineKind = (typeof BYZANTINE_KINDS)[number];

const TOPIC_LIST = Object.values(TOPICS) as Topic[];
/** how often a garbage or replay process acts, ms */
const ACT_EVERY_MS = 50;
const MAX_CAPTURED = 256;
/** share of an equivocator's answers that contradict what it told the same asker before */
const FLIP_SHARE = 0.2;
/** standing-poll registrations an equivocator keeps (all forgotten beyond: askers register again) */
const MAX_REGISTRATIONS = 4096;

export interface ByzantineOptions {
  readonly kind: ByzantineKind;
  readonly transport: MemoryTransport;
  readonly keys: KeyPair;
  readonly crypto: CryptoSuite;
  readonly rng: Rng;
  readonly time: SimTime;
  /** whether an exchange protocol (T-MESH: answers are vectors) is running */
  readonly exchange: boolean;
}

export class ByzantineProcess {
  /** what it did, for the run summary */
  readonly stats = { published: 0, answered: 0, requested: 0 };
  private readonly candidates = new Map<string, Uint8Array[]>(); // instance id key → candidate ids
  private readonly capturedGossip: { topic: Topic; data: Uint8Array }[] = [];
  private readonly capturedAnswers: Uint8Array[] = [];
  private readonly capturedQueries: Uint8Array[] = [];
  /** standing-poll batches registered with it: ref/asker → instance ids */
  private readonly registrations = new Map<string, Uint8Array>();
  private stopped = false;

  constructor(private readonly o: ByzantineOptions) {
    o.transport.onMessage((topic, _from, data) => {
      this.learn(topic, data);
      if (o.kind === "replay") this.capture(this.capturedGossip, { topic, data });
      // It relays like anyone else, so honest nodes cannot tell it apart by silence.
      return "accept";
    });
    o.transport.onRequest(async (from, data) => this.answer(from, data));
  }

  start(): void {
    if (this.o.kind === "equivocate") return; // it only answers
    const tick = () => {
      if (this.stopped) return;
      void this.act().catch(() => {}); // its own failures are its own business
      this.o.time.clock.after(ACT_EVERY_MS, tick);
    };
    this.o.time.clock.after(ACT_EVERY_MS, tick);
  }

  stop(): void {
    this.stopped = true;
  }

  private async act(): Promise<void> {
    const { rng, transport } = this.o;
    const peers = transport.peers();
    if (this.o.kind === "garbage") {
      const topic = TOPIC_LIST[rng.nextInt(TOPIC_LIST.length)]!;
      await transport.publish(topic, this.randomBytes(1 + rng.nextInt(512)));
      this.stats.published++;
      if (peers.length > 0) {
        this.stats.requested++;
        await transport.request(peers[rng.nextInt(peers.length)]!, this.randomBytes(1 + rng.nextInt(256)), { timeoutMs: 500 }).catch(() => undefined);
      }
      return;
    }
    // replay: re-publish something old, and poll someone with a captured query to collect
    // their signed answers (handed to others later as if they were its own).
    if (this.capturedGossip.length > 0) {
      const old = this.capturedGossip[rng.nextInt(this.capturedGossip.length)]!;
      await transport.publish(old.topic, old.data);
      this.stats.published++;
    }
    if (peers.length > 0 && this.capturedQueries.length > 0) {
      const query = this.capturedQueries[rng.nextInt(this.capturedQueries.length)]!;
      this.stats.requested++;
      const answer = await transport.request(peers[rng.nextInt(peers.length)]!, query, { timeoutMs: 500 }).catch(() => undefined);
      if (answer !== undefined) this.capture(this.capturedAnswers, answer);
    }
  }

  private async answer(from: string, data: Uint8Array): Promise<Uint8Array> {
    this.stats.answered++;
    const { rng } = this.o;
    if (this.o.kind === "garbage") return this.randomBytes(1 + rng.nextInt(512));
    if (this.o.kind === "replay") {
      this.capture(this.capturedQueries, data);
      if (this.capturedAnswers.length > 0) return this.capturedAnswers[rng.nextInt(this.capturedAnswers.length)]!;
      return this.randomBytes(64);
    }
    return this.equivocate(from, data);
  }

  /** A validly signed answer favouring one candidate for some askers and another for the rest. */
  private equivocate(from: string, data: Uint8Array): Uint8Array {
    const request = decodeRequest(data);
    if (request.kind === "poll") {
      // Standing polls: it keeps each asker's registrations, and answers every part in full
      // (a "same" would sign nothing, and it wants to sign contradictions).
      const parts = request.parts.map((part): PartAnswer => {
        const key = `${part.ref}/${from}`;
        if (part.instances !== undefined) this.registrations.set(key, part.instances);
        const instances = this.registrations.get(key);
        if (instances === undefined) return { status: "unknown" };
        return { status: "full", answer: this.preferenceAnswer(from, instances), seq: 1 };
      });
      if (this.registrations.size > MAX_REGISTRATIONS) this.registrations.clear();
      return encodePollResponse({ kind: "answers", parts }, answerBody);
    }
    if (request.kind !== "query") throw new Error("only queries are answered");
    const n = request.instances.length / ID_BYTES;
    // Mostly the same side per asker (which no single asker can catch), and one answer in
    // five flipped (which the asker can: two signed answers, same epoch, different preference).
    const side = hashSide(from) ^ (this.o.rng.nextFloat() < FLIP_SHARE ? 1 : 0);
    const epochs = new Uint8Array(4 * n);
    for (let i = 0; i < n; i++) new DataView(epochs.buffer).setUint32(4 * i, 1, true);
    if (this.o.exchange && request.candidates !== undefined && request.vectors !== undefined) {
      const width = n > 0 ? request.vectors.length / n : 0;
      const vectors = new Float64Array(request.vectors.length);
      for (let i = 0; i < n; i++) {
        const k = request.candidates[i]!.length / ID_BYTES;
        const pick = side === 0 ? 0 : Math.max(0, k - 1);
        if (pick < width) vectors[i * width + pick] = 1;
      }
      const signed = signAnswer(this.o.crypto.signatures, this.o.keys, request.instances, { epochs, vectors, skipped: new Uint8Array(n) });
      return encodeResponse(signed);
    }
    return encodeResponse(this.preferenceAnswer(from, request.instances, side));
  }

  /** A signed preference answer over `instances`, each naming the candidate of `side` (drawn per answer when not given). */
  private preferenceAnswer(from: string, instances: Uint8Array, side = hashSide(from) ^ (this.o.rng.nextFloat() < FLIP_SHARE ? 1 : 0)): AnswerResponse {
    const n = instances.length / ID_BYTES;
    const epochs = new Uint8Array(4 * n);
    for (let i = 0; i < n; i++) new DataView(epochs.buffer).setUint32(4 * i, 1, true);
    const preferences = new Uint8Array(n * ID_BYTES);
    for (let i = 0; i < n; i++) {
      const known = this.candidates.get(idKey(instances, i * ID_BYTES));
      if (known === undefined || known.length === 0) continue; // all zero: no preference
      const pick = known[side === 0 ? 0 : known.length - 1]!;
      preferences.set(pick, i * ID_BYTES);
    }
    return signAnswer(this.o.crypto.signatures, this.o.keys, instances, { epochs, preferences });
  }

  /** Learn conflict sets and their candidates from transaction gossip. */
  private learn(topic: Topic, data: Uint8Array): void {
    if (topic !== TOPICS.tx || this.o.kind !== "equivocate") return;
    let list: Uint8Array[];
    try {
      list = decodeTxBatch(data);
    } catch {
      return;
    }
    for (const bytes of list) {
      try {
        const tx = decodeTx(bytes, this.o.crypto.signatures);
        const id = idKey(instanceId(this.o.crypto.hasher, conflictKey(tx)));
        const cand = candidateId(cidOf(bytes, this.o.crypto.hasher));
        const known = this.candidates.get(id) ?? [];
        if (!known.some((c) => idKey(c) === idKey(cand))) {
          known.push(cand);
          known.sort((a, b) => (idKey(a) < idKey(b) ? -1 : 1));
          this.candidates.set(id, known);
        }
      } catch {
        // not a transaction
      }
    }
  }

  private capture<T>(list: T[], item: T): void {
    if (list.length < MAX_CAPTURED) list.push(item);
    else list[this.o.rng.nextInt(MAX_CAPTURED)] = item;
  }

  private randomBytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.o.rng.nextU32() & 0xff;
    return out;
  }
}

/** 0 or 1 from a peer id: which half of the askers it belongs to. */
function hashSide(peer: string): number {
  let h = 0;
  for (let i = 0; i < peer.length; i++) h = (h * 31 + peer.charCodeAt(i)) | 0;
  return h & 1;
}

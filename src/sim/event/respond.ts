/**
 * A queried node's answer in the event driver: on a query's arrival the responder answers
 * with `state.respond` (honest) or its adversary strategy (adversarial; `crash` stays
 * silent), signs it when answers are signed, and sends it back, where the network may
 * damage it in flight (`corruption`). Down responders never get here (run.ts counts them).
 */
import type { Rng } from "../../core/prng.js";
import { type ConsensusProtocol, type ConsensusState, NO_CANDIDATE } from "../../protocols/consensus.js";
import { SILENT } from "../consensus/adversary.js";
import type { ConsensusWorld } from "../consensus/world.js";
import type { EventCounters } from "./counters.js";
import type { Delivery } from "./delivery.js";
import { ANSWER } from "./events.js";
import type { EventQueue } from "./queue.js";
import type { SignedAnswer } from "./signing.js";
import type { Statements } from "./statements.js";

export interface ResponderOptions<P> {
  readonly world: ConsensusWorld<P>;
  readonly protocol: ConsensusProtocol<P>;
  readonly queue: EventQueue;
  /** where damaged answers are counted (the run) */
  readonly counters: EventCounters;
  readonly delivery: Delivery;
  /** when signing, else null */
  readonly statements: Statements | null;
  /** stream "network", shared with the delivery: corruption draws interleave with its loss and duplication draws */
  readonly netRng: Rng;
  readonly corruption: number;
  /** the protocol context handed to `state.respond` (its tick is the run's) */
  readonly ctx: { tick: number; rng: Rng; trust: Float64Array };
  /**
   * The query words `state.respond` reads: the run's own scratch, which its polls prepare
   * queries in. Exchange protocols copy each query's words in before responding; the others
   * get the scratch as it stands, as they always have.
   */
  readonly query: Float64Array;
}

export class Responder<P> {
  private readonly world: ConsensusWorld<P>;
  private readonly state: ConsensusState;
  private readonly protocol: ConsensusProtocol<P>;
  private readonly queue: EventQueue;
  private readonly counters: EventCounters;
  private readonly delivery: Delivery;
  private readonly statements: Statements | null;
  private readonly netRng: Rng;
  private readonly corruption: number;
  private readonly ctx: { tick: number; rng: Rng; trust: Float64Array };
  private readonly query: Float64Array;
  private readonly out: Float64Array;
  private readonly width: number;
  private readonly exchange: boolean;

  constructor(options: ResponderOptions<P>) {
    this.world = options.world;
    this.state = options.world.state;
    this.protocol = options.protocol;
    this.queue = options.queue;
    this.counters = options.counters;
    this.delivery = options.delivery;
    this.statements = options.statements;
    this.netRng = options.netRng;
    this.corruption = options.corruption;
    this.ctx = options.ctx;
    this.query = options.query;
    this.width = options.world.width;
    this.out = new Float64Array(this.width);
    this.exchange = options.protocol.exchange;
  }

  /** Answer query `ev` (asker a, responder b, instance c) at `tick`, in round `step`, and send the answer. */
  answer(ev: number, tick: number, step: number): void {
    const { queue, state, world, width, statements } = this;
    const asker = queue.a[ev]!;
    const responder = queue.b[ev]!;
    const k = queue.c[ev]!;
    const out = this.out;
    let signed: SignedAnswer | undefined;
    if (world.adversarial[responder] === 1) {
      const c = world.strategy.answer(asker, state.preference(asker, k), k, step);
      if (c === SILENT) return;
      this.protocol.answerFor(c, world.candidates, out);
      if (statements !== null) signed = statements.adversary(responder, k, c);
    } else {
      const preference = statements !== null ? state.preference(responder, k) : NO_CANDIDATE;
      if (this.exchange) {
        const base = ev * width;
        for (let w = 0; w < width; w++) this.query[w] = queue.payload[base + w]!;
      }
      state.respond(responder, k, this.query, out, this.ctx);
      if (this.exchange) world.noteFinal(responder, k, step);
      // A node with no preference has nothing to vouch for: its abstention goes unsigned.
      if (statements !== null && preference !== NO_CANDIDATE) signed = statements.honest(responder, k, preference);
    }
    const ans = queue.alloc(ANSWER);
    queue.a[ans] = asker;
    queue.b[ans] = responder;
    queue.c[ans] = k;
    queue.e[ans] = queue.e[ev]!;
    queue.f[ans] = queue.f[ev]!;
    const base = ans * width;
    if (width === 1) queue.payload[base] = out[0]!;
    else queue.payload.set(out, base);
    if (this.corruption > 0 && this.netRng.nextFloat() < this.corruption) {
      this.counters.corrupted++;
      if (signed !== undefined) signed = statements!.book.damage(signed, this.netRng);
      else for (let w = 0; w < width; w++) queue.payload[base + w] = Number.NaN;
    }
    if (signed !== undefined) queue.refs[ans] = signed;
    this.delivery.send(ans, responder, asker, tick, world.answerBytes + (signed === undefined ? 0 : signed.bytes.length));
  }
}

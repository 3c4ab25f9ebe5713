/**
 * The answering side of the multiplexed request/response protocol: serves one inbound
 * stream that carries many requests from one peer (see rpc-frame.ts, rpc-asker.ts).
 * Nothing the peer sends can crash the node or make it buffer without bound:
 *
 * - a request whose declared length is over `maxRequestBytes` is refused as soon as its
 *   header arrives (error frame, `requestsOversize`) and its body is skipped, not kept;
 * - bytes that are not frames, or a stream that ends or resets inside a frame or before
 *   its first frame, reset the stream (`requestsMalformed`);
 * - a stream that sends no frame within `requestTimeoutMs` of opening, or leaves a frame
 *   unfinished that long, is reset (`requestsTimedOut`), and so is a request the handler
 *   has not answered in that time (error frame);
 * - at most `maxInFlight` requests of a stream are with the handler at once; beyond that
 *   the stream is paused, so Yamux flow control holds the sender back.
 */
import type { Stream } from "@libp2p/interface";
import type { Uint8ArrayList } from "uint8arraylist";
import type { RequestHandler } from "../ports.js";
import type { TransportCounters } from "./counters.js";
import { encodeRpcFrame, RpcFrameDecoder, type RpcDecoded } from "./rpc-frame.js";
import { batchWindowUpdates } from "./yamux-window.js";

/** What a served stream needs from its transport. */
export interface ResponderContext {
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
  readonly requestTimeoutMs: number;
  /** requests of one stream with the handler at once */
  readonly maxInFlight: number;
  readonly stats: TransportCounters;
  /** the handler installed now (it may change while a stream is open) */
  handler(): RequestHandler | undefined;
  isDenied(peer: string): boolean;
}

const encoder = new TextEncoder();

/** Serves the requests `from` sends on `stream` until it closes; never throws. */
export function serveRequests(stream: Stream, from: string, context: ResponderContext): void {
  new ServedStream(stream, from, context).start();
}

class ServedStream {
  private readonly decoder: RpcFrameDecoder;
  /** ids of the requests with the handler (or whose answer is still draining) */
  private readonly inFlight = new Set<number>();
  private sawFrame = false;
  private remoteDone = false;
  private ended = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly stream: Stream,
    private readonly from: string,
    private readonly context: ResponderContext,
  ) {
    this.decoder = new RpcFrameDecoder({ request: context.maxRequestBytes });
  }

  start(): void {
    if (this.context.isDenied(this.from)) return this.fail("deniedDrops", "peer denied");
    const stream = this.stream;
    batchWindowUpdates(stream);
    stream.addEventListener("message", (event) => {
      if (this.ended) return;
      this.decoder.append(event.data as Uint8Array | Uint8ArrayList);
      this.pull();
    });
    // Yamux reports a FIN before the data of the frame that carries it, hence the microtask
    stream.addEventListener("remoteCloseWrite", () =>
      queueMicrotask(() => {
        this.remoteDone = true;
        this.pull();
      }),
    );
    stream.addEventListener("close", (event) => {
      // a reset inside a frame truncates it; a reset between frames is a peer hanging up
      if (!this.ended && event.error !== undefined && this.decoder.midFrame && !this.decoder.skippingOversize) this.count("requestsMalformed");
      this.end();
    });
    this.watch(true);
  }

  /**
   * Takes decoded requests while the handler has free slots. When it has none, the rest
   * stays undecoded and the stream is paused until a slot frees.
   */
  private pull(): void {
    if (this.ended) return;
    let drained = false;
    let progressed = false;
    while (this.inFlight.size < this.context.maxInFlight) {
      let item: RpcDecoded | undefined;
      try {
        item = this.decoder.next();
      } catch (err) {
        return this.fail("requestsMalformed", (err as Error).message);
      }
      if (item === undefined) {
        drained = true;
        break;
      }
      progressed = this.sawFrame = true;
      if (item.type === "oversize") {
        this.count("requestsOversize");
        this.answer(item.id, "error", encoder.encode(`request larger than ${this.context.maxRequestBytes} bytes`));
      } else if (this.inFlight.has(item.id)) {
        return this.fail("requestsMalformed", `request id ${item.id} is already in flight`);
      } else {
        this.inFlight.add(item.id);
        // handle() catches the handler's failures itself; this catch is for the stream
        // calls after it (answer, drain, pull), so a broken stream resets, never rejects unhandled
        void this.handle(item.id, item.body).catch((err: unknown) => this.fail("requestHandlerErrors", `serving request ${item.id} failed: ${String(err)}`));
      }
    }
    if (this.ended) return;
    if (progressed) {
      // a frame ended: the next one gets a fresh time limit
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (!drained) {
      if (this.stream.readStatus === "readable") this.stream.pause();
    } else if (this.stream.readStatus === "paused") {
      // resuming delivers what libp2p held back (synchronously, into a nested pull); look again after
      this.stream.resume();
      return this.pull();
    } else if (this.remoteDone) {
      if (!this.sawFrame) return this.fail("requestsMalformed", "stream ended before a frame");
      if (this.decoder.midFrame) return this.fail(this.decoder.skippingOversize ? undefined : "requestsMalformed", "stream ended inside a frame");
      this.closeIfFinished();
    }
    this.watch(drained);
  }

  private async handle(id: number, request: Uint8Array): Promise<void> {
    if (this.context.isDenied(this.from)) return this.fail("deniedDrops", "peer denied");
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (this.ended) return;
      this.count("requestsTimedOut");
      this.answer(id, "error", encoder.encode(`request not answered within ${this.context.requestTimeoutMs} ms`));
      this.done(id);
    }, this.context.requestTimeoutMs);
    let response: unknown;
    let failed = false;
    try {
      const handler = this.context.handler();
      if (handler === undefined) throw new Error("no request handler");
      response = await handler(this.from, request);
    } catch {
      failed = true;
    }
    clearTimeout(timer);
    if (timedOut || this.ended) return;
    if (failed || !(response instanceof Uint8Array) || response.byteLength > this.context.maxResponseBytes) {
      this.count("requestHandlerErrors");
      this.answer(id, "error", encoder.encode("request handler failed"));
    } else if (this.answer(id, "response", response)) {
      this.context.stats.requestsServed++;
      // hold the slot until the answer leaves: a peer that does not read cannot pile them up
      if (this.stream.writableNeedsDrain) {
        try {
          await this.stream.onDrain({ signal: AbortSignal.timeout(this.context.requestTimeoutMs) });
        } catch {
          return this.fail("requestsTimedOut", "the peer does not read its answers");
        }
      }
    }
    this.done(id);
  }

  /** Sends one frame; false when the stream can no longer carry it. */
  private answer(id: number, kind: "response" | "error", body: Uint8Array): boolean {
    try {
      this.stream.send(encodeRpcFrame(kind, id, body));
      return true;
    } catch {
      return false;
    }
  }

  private done(id: number): void {
    if (!this.inFlight.delete(id) || this.ended) return;
    this.pull(); // takes the next request, or closes our side if the peer is done
  }

  private closeIfFinished(): void {
    if (this.ended || !this.remoteDone || this.inFlight.size > 0 || this.decoder.midFrame) return;
    this.end();
    this.stream.close().catch(() => this.stream.abort(new Error("close failed")));
  }

  /**
   * Keeps one timer: until the first frame, the stream must deliver one; inside a frame,
   * the frame must end. Either within `requestTimeoutMs`. Not while the stream is paused
   * for want of handler slots: then the wait is ours.
   */
  private watch(drained: boolean): void {
    const waiting = !this.sawFrame || (drained && this.decoder.midFrame);
    if (!waiting || this.ended) {
      clearTimeout(this.timer);
      this.timer = undefined;
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      // an oversize frame was counted once already
      this.fail(this.decoder.skippingOversize ? undefined : "requestsTimedOut", `no complete frame within ${this.context.requestTimeoutMs} ms`);
    }, this.context.requestTimeoutMs);
  }

  private count(counter: keyof TransportCounters | undefined): void {
    if (counter !== undefined) this.context.stats[counter]++;
  }

  /** Counts `counter` and resets the stream. */
  private fail(counter: keyof TransportCounters | undefined, why: string): void {
    if (this.ended) return;
    this.count(counter);
    this.end();
    this.stream.abort(new Error(why));
  }

  private end(): void {
    this.ended = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.inFlight.clear();
  }
}

/**
 * The asking side of the multiplexed request/response protocol: one long-lived stream to
 * one peer carries every request to it, each frame tagged with a request id, and
 * responses are matched back by id (see rpc-frame.ts). Opening a stream costs a
 * multistream-select round trip and a Yamux stream setup, which dominated the cost of a
 * request when each had its own stream.
 *
 * The stream is opened lazily by the first request and re-opened by the first request
 * after it closes. When it closes, resets or breaks the framing, every request pending on
 * it fails (reason `refused`); requests after that get a new stream.
 */
import type { Stream } from "@libp2p/interface";
import type { Uint8ArrayList } from "uint8arraylist";
import { TransportError } from "./errors.js";
import { encodeRpcFrame, MAX_RPC_ID, RpcFrameDecoder, type RpcDecoded } from "./rpc-frame.js";
import { batchWindowUpdates } from "./yamux-window.js";

/** Longest reason an error frame may carry; responders send a few words. */
export const MAX_ERROR_FRAME_BYTES = 1024;

/** Limits of one {@link RequestChannel}. */
export interface AskerLimits {
  /** largest response body accepted; a larger one fails its request with `too-large` */
  readonly maxResponseBytes: number;
  /** requests outstanding at once; more wait here for a slot (the responder serves as many) */
  readonly maxInFlight: number;
  /** a frame begun by the responder must end within this time, or the stream is reset */
  readonly frameTimeoutMs: number;
}

/** Opens a new stream to the peer; rejects when no stream can be opened. */
export type OpenStream = (signal: AbortSignal) => Promise<Stream>;

/** One request, from `request()` until it settles. */
interface Call {
  readonly data: Uint8Array;
  resolve(body: Uint8Array): void;
  reject(error: TransportError): void;
  timer?: ReturnType<typeof setTimeout>;
  /** its id on the stream, once sent */
  id?: number;
  /** true from the moment it takes an in-flight slot */
  holdsSlot: boolean;
  settled: boolean;
}

/** All requests from this node to one peer, over one stream at a time. */
export class RequestChannel {
  private stream: Stream | undefined;
  private opening: Promise<Stream> | undefined;
  /** sent requests by id, on the current stream */
  private readonly pending = new Map<number, Call>();
  /** requests waiting for a slot, oldest first */
  private readonly waiting: Call[] = [];
  /** requests holding a slot: being sent (maybe waiting for the stream) or pending */
  private active = 0;
  private nextId = 0;
  /** set once the channel is closed: the error every later or unfinished request gets */
  private closedWith: TransportError | undefined;
  /** aborts an open in progress when the channel closes */
  private readonly lifetime = new AbortController();

  constructor(
    private readonly peer: string,
    private readonly open: OpenStream,
    private readonly limits: AskerLimits,
  ) {}

  /** Requests not yet settled (in flight or waiting for a slot). */
  get load(): number {
    return this.active + this.waiting.length;
  }

  /**
   * Sends `data` and resolves with the response body. Rejects with
   * {@link TransportError}: `timeout` after `timeoutMs`, `unreachable` when no stream can
   * be opened, `too-large` when the response is over the limit, `refused` when the
   * responder answers with an error or the stream breaks, and the error the channel was
   * closed with (`stopped`, `denied`) once it is closed.
   */
  request(data: Uint8Array, timeoutMs: number): Promise<Uint8Array> {
    if (this.closedWith !== undefined) return Promise.reject(this.closedWith);
    return new Promise<Uint8Array>((resolve, reject) => {
      const call: Call = { data, resolve, reject, holdsSlot: false, settled: false };
      call.timer = setTimeout(() => this.finish(call, new TransportError("timeout", `request to ${this.peer} timed out after ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push(call);
      this.pump();
    });
  }

  /** Fails every request with `error` and aborts the stream; the channel takes no more requests. */
  close(error: TransportError): void {
    if (this.closedWith !== undefined) return;
    this.closedWith = error;
    this.lifetime.abort(error);
    const stream = this.stream;
    this.stream = undefined;
    stream?.abort(error);
    for (const call of [...this.pending.values(), ...this.waiting]) this.finish(call, error);
  }

  /** Settles a call once: frees its slot or its place in the queue, lets the next one go. */
  private finish(call: Call, outcome: Uint8Array | TransportError): void {
    if (call.settled) return;
    call.settled = true;
    clearTimeout(call.timer);
    if (call.id !== undefined && this.pending.get(call.id) === call) this.pending.delete(call.id);
    if (call.holdsSlot) {
      this.active--;
    } else {
      const at = this.waiting.indexOf(call);
      if (at >= 0) this.waiting.splice(at, 1);
    }
    if (outcome instanceof TransportError) call.reject(outcome);
    else call.resolve(outcome);
    this.pump();
  }

  /** Starts waiting requests while slots are free. */
  private pump(): void {
    while (this.closedWith === undefined && this.active < this.limits.maxInFlight && this.waiting.length > 0) {
      const call = this.waiting.shift()!;
      call.holdsSlot = true;
      this.active++;
      void this.send(call);
    }
  }

  /** Sends one request on the stream, opening it first if there is none. */
  private async send(call: Call): Promise<void> {
    let stream: Stream;
    try {
      stream = this.stream ?? (await this.openShared());
    } catch (cause) {
      this.finish(call, this.closedWith ?? new TransportError("unreachable", `cannot open a stream to ${this.peer}: ${(cause as Error).message}`, { cause }));
      return;
    }
    if (call.settled) return; // timed out while the stream was opening
    const id = this.freshId();
    call.id = id;
    this.pending.set(id, call);
    try {
      stream.send(encodeRpcFrame("request", id, call.data));
    } catch (cause) {
      this.broken(stream, new TransportError("refused", `request to ${this.peer} failed: ${(cause as Error).message}`, { cause }));
    }
  }

  /** The stream being opened, shared by every request that needs it meanwhile. */
  private openShared(): Promise<Stream> {
    this.opening ??= this.open(this.lifetime.signal)
      .then((stream) => {
        if (this.closedWith !== undefined) {
          stream.abort(new Error("transport stopping"));
          throw new Error("transport stopping");
        }
        this.attach(stream);
        return stream;
      })
      .finally(() => {
        this.opening = undefined;
      });
    return this.opening;
  }

  private attach(stream: Stream): void {
    this.stream = stream;
    batchWindowUpdates(stream);
    const decoder = new RpcFrameDecoder({ response: this.limits.maxResponseBytes, error: MAX_ERROR_FRAME_BYTES });
    let stall: ReturnType<typeof setTimeout> | undefined;
    const broken = (why: string): void => {
      clearTimeout(stall);
      this.broken(stream, new TransportError("refused", `request to ${this.peer} failed: ${why}`));
    };
    stream.addEventListener("message", (event) => {
      decoder.append(event.data as Uint8Array | Uint8ArrayList);
      let progressed = false;
      try {
        for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
          progressed = true;
          this.settle(item);
        }
      } catch (err) {
        return broken((err as Error).message);
      }
      if (progressed || !decoder.midFrame) {
        clearTimeout(stall);
        stall = undefined;
      }
      if (decoder.midFrame) {
        stall ??= setTimeout(() => broken(`a response frame was not completed within ${this.limits.frameTimeoutMs} ms`), this.limits.frameTimeoutMs);
      }
    });
    // the responder closing its side or resetting the stream ends every pending request;
    // Yamux reports a FIN before the data of the frame that carries it, hence the microtask
    stream.addEventListener("remoteCloseWrite", () => queueMicrotask(() => broken("the peer closed the stream")));
    stream.addEventListener("close", (event) => broken(event.error?.message ?? "the stream closed"));
  }

  /** Settles the request a frame answers; frames for unknown ids (timed out ones) are dropped. */
  private settle(item: RpcDecoded): void {
    const call = this.pending.get(item.id);
    if (call === undefined) return;
    if (item.type === "oversize") {
      const tooLarge = item.kind === "response";
      this.finish(
        call,
        tooLarge
          ? new TransportError("too-large", `response from ${this.peer} exceeds ${this.limits.maxResponseBytes} bytes`)
          : new TransportError("refused", `request to ${this.peer} failed`),
      );
    } else if (item.kind === "response") {
      this.finish(call, item.body);
    } else {
      this.finish(call, new TransportError("refused", `request to ${this.peer} failed: ${new TextDecoder().decode(item.body)}`));
    }
  }

  /** Drops a broken stream: its pending requests fail, and the next request opens a new one. */
  private broken(stream: Stream, error: TransportError): void {
    if (this.stream !== stream) return;
    this.stream = undefined;
    stream.abort(error);
    for (const call of [...this.pending.values()]) this.finish(call, error);
  }

  private freshId(): number {
    do this.nextId = this.nextId >= MAX_RPC_ID ? 0 : this.nextId + 1;
    while (this.pending.has(this.nextId));
    return this.nextId;
  }
}

/**
 * Fewer Yamux window updates on long-lived request streams.
 *
 * @chainsafe/libp2p-yamux 8 answers every data frame it receives with a window update
 * frame, so a small request costs four frames (request, its window update, response, its
 * window update), each a Noise encryption and a socket write; on a multiplexed request
 * stream the updates were half the frames and a fifth of the CPU. go-yamux sends an
 * update only once the unread window has fallen below half, which is what this does. The
 * sender always keeps at least half a window of credit, so it is never stalled by it.
 *
 * This reaches into the stream's internals; a stream that is not the expected shape (a
 * different muxer or version) is left as it is.
 */

/** The parts of a YamuxStream this uses (not in its public type). */
interface YamuxWindow {
  state: unknown;
  recvWindow: unknown;
  recvWindowCapacity: unknown;
  sendWindowUpdate: unknown;
}

/** YamuxStream's `StreamState.Established`: past the SYN/ACK exchange, not paused or finished. */
const ESTABLISHED = 3;

/** Makes `stream` send window updates only when less than half its window is left. */
export function batchWindowUpdates(stream: object): void {
  const yamux = stream as Partial<YamuxWindow>;
  const update = yamux.sendWindowUpdate;
  if (typeof update !== "function" || typeof yamux.recvWindow !== "number" || typeof yamux.recvWindowCapacity !== "number" || typeof yamux.state !== "number") {
    return;
  }
  yamux.sendWindowUpdate = function (this: YamuxWindow): void {
    // the first update carries the SYN/ACK flags, and a paused stream withholds updates: both go as before
    if (this.state === ESTABLISHED && (this.recvWindowCapacity as number) >= (this.recvWindow as number) / 2) return;
    update.call(this);
  };
}

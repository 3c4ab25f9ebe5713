import { describe, expect, it } from "vitest";
import { batchWindowUpdates } from "../../../../src/runtime/transport/yamux-window.js";

/** The fields of a YamuxStream that batchWindowUpdates reads, counting the updates sent. */
function fakeStream(state: number, recvWindow: number, recvWindowCapacity: number) {
  const stream = {
    state,
    recvWindow,
    recvWindowCapacity,
    sent: 0,
    sendWindowUpdate(this: { sent: number; recvWindow: number; recvWindowCapacity: number }) {
      this.sent++;
      this.recvWindowCapacity = this.recvWindow;
    },
  };
  batchWindowUpdates(stream);
  return stream;
}

describe("batchWindowUpdates", () => {
  it("holds updates back while at least half the window is unused, then sends one", () => {
    const stream = fakeStream(3, 1000, 1000);
    for (const consumed of [100, 200, 199]) {
      stream.recvWindowCapacity -= consumed;
      stream.sendWindowUpdate();
    }
    expect(stream.sent).toBe(0);
    stream.recvWindowCapacity -= 2; // 499 left: under half
    stream.sendWindowUpdate();
    expect(stream.sent).toBe(1);
    expect(stream.recvWindowCapacity).toBe(1000);
  });

  it("lets every update through before the stream is established or while it is paused", () => {
    for (const state of [0, 1, 2, 5]) {
      const stream = fakeStream(state, 1000, 990);
      stream.sendWindowUpdate();
      expect(stream.sent, `state ${state}`).toBe(1);
    }
  });

  it("leaves a stream of another shape alone", () => {
    const update = () => undefined;
    const other = { sendWindowUpdate: update, recvWindow: "big" };
    batchWindowUpdates(other);
    expect(other.sendWindowUpdate).toBe(update);
  });
});

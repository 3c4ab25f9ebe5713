// evidence.ts signerIs: an answer counts as a peer's only when signed with that peer's own
// key — the first time by deriving the peer id from the key, afterwards by comparing with the
// key the peer proved; another key (a replayed answer) never passes, cached or not.
import { describe, expect, it } from "vitest";
import { Evidence } from "../../../src/runtime/node/evidence.js";
import type { NodeState } from "../../../src/runtime/node/state.js";

describe("Evidence.signerIs", () => {
  it("accepts a peer's own key, refuses any other, and derives the peer id only until the key is proved", () => {
    let derived = 0;
    const peerIdOf = (key: Uint8Array): string => {
      derived++;
      return `peer-${key[0]}`;
    };
    const state = { keyOfPeer: new Map<string, Uint8Array>(), c: { peerIdOf } } as unknown as NodeState;
    const evidence = new Evidence(state);
    const keyA = new Uint8Array(32).fill(1);
    const keyB = new Uint8Array(32).fill(2);
    expect(evidence.signerIs(keyA, "peer-1")).toBe(true);
    expect(evidence.signerIs(keyA.slice(), "peer-1")).toBe(true);
    expect(derived).toBe(1); // the second check compared bytes
    expect(evidence.signerIs(keyB, "peer-1")).toBe(false); // B's answer replayed by peer-1
    expect(evidence.signerIs(keyA, "peer-2")).toBe(false); // A's key is not peer-2's
    expect(evidence.signerIs(keyB, "peer-2")).toBe(true);
    const cached = state.keyOfPeer.get("peer-1")!;
    keyA.fill(9); // the caller's bytes change later: the proved key was copied
    expect(cached[0]).toBe(1);
  });
});

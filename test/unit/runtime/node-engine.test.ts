// The live node's engine on in-memory ports and simulated time (node-net.ts): the same
// protocol objects as the simulators deciding real signed double spends among 4 nodes,
// with roots compared at the end.
import { afterEach, describe, expect, it } from "vitest";
import { createTx } from "../../../src/core/tx.js";
import { utf8 } from "../../../src/core/bytes.js";
import { nodeHasher, nodeSignatures } from "../../../src/runtime/crypto-node.js";
import { peerIdFromKeySeed } from "../../../src/runtime/transport/keys.js";
import { NodeEngine } from "../../../src/runtime/node/engine.js";
import { emtd } from "../../../src/protocols/emtd/index.js";
import { snowball } from "../../../src/protocols/snowball/index.js";
import { tmesh } from "../../../src/protocols/tmesh/index.js";
import type { ConsensusProtocol } from "../../../src/protocols/consensus.js";
import { startTestNet, stopTestNet, type TestNet } from "./node-net.js";

/** The engines of a simulated-time test network (node-net.ts), by role. */
interface Net {
  readonly t: TestNet;
  readonly hub: TestNet["hub"];
  readonly engines: NodeEngine[];
  readonly transports: TestNet["nodes"][number]["transport"][];
  readonly ledgers: TestNet["nodes"][number]["ledger"][];
}

const running: TestNet[] = [];
const FAST = { pollIntervalMs: 2, sealIntervalMs: 20, headsIntervalMs: 50, gossipFlushMs: 5 };

async function startNet(protocol: ConsensusProtocol<unknown>, rawParams: Record<string, unknown>, n: number): Promise<Net> {
  const t = await startTestNet(protocol, rawParams, n, () => FAST);
  running.push(t);
  return { t, hub: t.hub, engines: t.nodes.map((x) => x.engine), transports: t.nodes.map((x) => x.transport), ledgers: t.nodes.map((x) => x.ledger) };
}

afterEach(async () => {
  for (const net of running.splice(0)) await stopTestNet(net);
});

const author = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(99));

async function doubleSpends(net: Net, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let k = 0; k < count; k++) {
    const a = createTx(nodeSignatures, author, k, utf8(`pay alice ${k}`));
    const b = createTx(nodeSignatures, author, k, utf8(`pay bob ${k}`));
    const ra = await net.t.run(net.engines[k % net.engines.length]!.submitTx(a));
    const rb = await net.t.run(net.engines[(k + 1) % net.engines.length]!.submitTx(b));
    expect(ra.ok && rb.ok).toBe(true);
    if (ra.ok) keys.push(ra.conflict);
  }
  return keys;
}

function expectAgreement(net: Net, keys: readonly string[]): void {
  const roots = new Set(net.engines.map((e) => e.status().ledgerRoot));
  expect(roots.size).toBe(1);
  for (const key of keys) {
    const finals = new Set(net.engines.map((e) => e.getConflict(key)?.final));
    expect(finals.size).toBe(1);
    expect([...finals][0]).toMatch(/^b/);
  }
}

const cases: [string, ConsensusProtocol<unknown>, Record<string, unknown>][] = [
  ["snowball", snowball as ConsensusProtocol<unknown>, { k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 8 }],
  ["emtd", emtd as ConsensusProtocol<unknown>, { alpha: 0.7, beta: 4 }],
  ["tmesh", tmesh as ConsensusProtocol<unknown>, {}],
];

describe("node engine on memory ports", () => {
  for (const [name, protocol, params] of cases) {
    it(`${name}: 4 nodes decide 20 double spends identically`, async () => {
      const net = await startNet(protocol, params, 4);
      const keys = await doubleSpends(net, 20);
      await net.t.until("every node finalizes every set", () => net.engines.every((e) => e.status().finalizedCount === keys.length));
      expectAgreement(net, keys);
      for (const e of net.engines) expect(e.status().counters.sheafConflicts).toBe(0);
      // every tx on every node has a final status, and the loser of each pair is rejected
      const view = net.engines[0]!.getConflict(keys[0]!)!;
      expect(view.candidates.map((c) => c.status).sort()).toEqual(["finalized", "rejected"]);
      // decisions reach the DAG and the ledger
      await net.t.until("vertices sealed", () => net.engines.every((e) => e.status().counters.verticesSealed > 0));
      const stored: string[] = [];
      for await (const [k] of net.ledgers[0]!.finalized()) stored.push(k);
      expect(stored.sort()).toEqual([...keys].sort());
    });
  }

  it("refuses a bad signature and a third candidate beyond the limit", async () => {
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 8 }, 4);
    const tx = createTx(nodeSignatures, author, 1000, utf8("x"));
    const forged = { ...tx, payload: utf8("y") };
    await expect(net.t.run(net.engines[0]!.submitTx(forged))).rejects.toThrow(/bad-signature/);
    expect(net.engines[0]!.status().pendingCount).toBe(0);
    for (let c = 0; c < 4; c++) expect((await net.t.run(net.engines[0]!.submitTx(createTx(nodeSignatures, author, 2000, utf8(`c${c}`))))).ok).toBe(true);
    const fifth = await net.t.run(net.engines[0]!.submitTx(createTx(nodeSignatures, author, 2000, utf8("c4"))));
    expect(fifth).toMatchObject({ ok: false, reason: "too-many-candidates" });
  });
});

describe("equivocation in the live node", () => {
  it("a peer signing two candidates for one (set, epoch) is caught, and the proof spreads to nodes it never lied to", async () => {
    const { answerBody, decodeRequest, encodeResponse, signAnswer, candidateId, ID_BYTES } = await import("../../../src/runtime/node/wire.js");
    const { txId } = await import("../../../src/core/tx.js");
    const { encodePollResponse } = await import("../../../src/runtime/node/wire-poll.js");
    const net = await startNet(snowball as ConsensusProtocol<unknown>, { k: 3, alphaPreference: 2, alphaConfidence: 2, beta: 50 }, 3);
    // The equivocator: a raw transport with its own identity key.
    const seedE = new Uint8Array(32).fill(77);
    const keysE = nodeSignatures.generateKeyPair(seedE);
    const e = net.hub.createTransport(peerIdFromKeySeed(seedE));
    await net.t.run(e.start());
    const a = createTx(nodeSignatures, author, 9000, utf8("x"));
    const b = createTx(nodeSignatures, author, 9000, utf8("y"));
    const ids = [candidateId(txId(a, nodeHasher)), candidateId(txId(b, nodeHasher))];
    let flip = 0;
    const victim = net.transports[0]!.peerId;
    // It answers the victim's standing polls in full each time (wire-poll.ts), alternating
    // its preference at one epoch; everyone else gets an error.
    const registered = new Map<number, Uint8Array>();
    e.onRequest(async (from, data) => {
      const q = decodeRequest(data);
      if (q.kind !== "poll" || from !== victim) return encodeResponse({ kind: "error", message: "no" });
      const parts = q.parts.map((part) => {
        if (part.instances !== undefined) registered.set(part.ref, part.instances);
        const instances = registered.get(part.ref)!;
        const n = instances.length / ID_BYTES;
        const preferences = new Uint8Array(n * ID_BYTES);
        const epochs = new Uint8Array(4 * n);
        for (let j = 0; j < n; j++) {
          preferences.set(ids[flip % 2]!, j * ID_BYTES);
          new DataView(epochs.buffer).setUint32(4 * j, 7, true);
        }
        flip++;
        return { status: "full" as const, answer: signAnswer(nodeSignatures, keysE, instances, { epochs, preferences }), seq: flip };
      });
      return encodePollResponse({ kind: "answers", parts }, answerBody);
    });
    e.onMessage(() => "ignore");
    for (const t of net.transports) await net.t.run(e.dial(t.addresses()[0]!));
    for (const t of net.transports) await net.t.run(t.dial(e.addresses()[0]!));
    await net.t.run(net.engines[0]!.submitTx(a));
    await net.t.run(net.engines[1]!.submitTx(b));
    await net.t.until("the victim catches the equivocation", () => net.engines[0]!.status().counters.equivocations >= 1);
    await net.t.until("the others accept the proof", () => net.engines.slice(1).every((x) => x.status().counters.evidenceAccepted === 1));
    for (const x of net.engines.slice(1)) expect(x.status().counters.equivocations).toBe(0); // they were never lied to
    await net.t.run(e.stop());
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UsageError } from "../../../../src/core/errors.js";
import { parseDevnetFile, parseNodeEvent, statusSchema } from "../../../../src/cli/dashboard/inputs.js";

const node = (index: number) => ({
  index,
  api: `http://127.0.0.1:${9000 + index}`,
  multiaddr: `/ip4/127.0.0.1/tcp/${4000 + index}`,
  peerId: `12D3KooW${index}`,
  pid: 100 + index,
  data: `/tmp/n${index}`,
});

describe("parseDevnetFile", () => {
  it("reads the file entropic devnet writes, ignoring fields it does not know", () => {
    const file = parseDevnetFile(JSON.stringify({ protocol: "snowball", nodes: [node(0), node(1)], startedAt: 5 }), "d/devnet.json");
    expect(file.protocol).toBe("snowball");
    expect(file.nodes.map((n) => n.api)).toEqual(["http://127.0.0.1:9000", "http://127.0.0.1:9001"]);
  });

  it("names the file and the bad field", () => {
    expect(() => parseDevnetFile("{", "d/devnet.json")).toThrow(/^d\/devnet\.json: not JSON/);
    expect(() => parseDevnetFile(JSON.stringify({ protocol: "x", nodes: [] }), "f")).toThrow("f: nodes: a devnet has at least one node");
    expect(() => parseDevnetFile(JSON.stringify({ protocol: "x", nodes: [{ ...node(0), api: "file:///etc" }] }), "f")).toThrow(/f: nodes\.0\.api: must be an http/);
    expect(() => parseDevnetFile(JSON.stringify({ protocol: "x", nodes: [node(1), node(1)] }), "f")).toThrow("f: nodes: two nodes share an index");
  });

  it("throws only UsageError, whatever the text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v))), (text) => {
        try {
          parseDevnetFile(text, "f");
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError);
        }
      }),
    );
  });
});

describe("parseNodeEvent", () => {
  it("accepts the four event types and returns them unchanged", () => {
    const events = [
      { type: "finalized", conflict: "k:1", cid: "bafy", latencyMs: 12.5, at: 1 },
      { type: "tx", conflict: "k:1", cid: "bafy", at: 2 },
      { type: "sheaf-conflict", conflict: "k", peer: "p", ours: "a", theirs: "b", at: 3 },
      { type: "observables", at: 4, values: { temperature: 0.5 } },
    ];
    for (const e of events) expect(parseNodeEvent(e.type, JSON.stringify(e))).toEqual(e);
  });

  it("skips unknown types, mismatched names, bad JSON and wrong shapes", () => {
    expect(parseNodeEvent("hello", "{}")).toBeNull();
    expect(parseNodeEvent("__proto__", "{}")).toBeNull();
    expect(parseNodeEvent("tx", "{")).toBeNull();
    expect(parseNodeEvent("tx", JSON.stringify({ type: "finalized", conflict: "k", cid: "c", at: 1 }))).toBeNull();
    expect(parseNodeEvent("finalized", JSON.stringify({ type: "finalized", conflict: "k", cid: "c", latencyMs: -1, at: 1 }))).toBeNull();
  });

  it("never throws, and whatever it returns is an event of the named type", () => {
    const name = fc.constantFrom("finalized", "tx", "sheaf-conflict", "observables", "message", "constructor");
    const shaped = fc.record({
      type: name,
      conflict: fc.string(),
      cid: fc.string(),
      latencyMs: fc.oneof(fc.double(), fc.nat()),
      at: fc.oneof(fc.double(), fc.nat()),
      values: fc.dictionary(fc.string(), fc.double()),
    });
    fc.assert(
      fc.property(name, fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), shaped.map((v) => JSON.stringify(v))), (event, data) => {
        const parsed = parseNodeEvent(event, data);
        if (parsed !== null) expect(parsed.type).toBe(event);
      }),
    );
  });
});

describe("statusSchema", () => {
  it("accepts a StatusView and refuses a missing field", () => {
    const status = {
      peerId: "p",
      protocol: "snowball",
      addresses: [],
      peers: ["q"],
      heads: [],
      ledgerRoot: "00",
      finalizedCount: 3,
      pendingCount: 0,
      uptimeMs: 10,
      counters: { messagesIn: 5 },
    };
    expect(statusSchema.parse(status)).toEqual(status);
    const { ledgerRoot: _, ...partial } = status;
    expect(statusSchema.safeParse(partial).success).toBe(false);
  });
});

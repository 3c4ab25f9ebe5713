import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeRpcFrame, FrameError, MAX_RPC_ID, RpcFrameDecoder, type RpcDecoded, type RpcFrameKind } from "../../../../src/runtime/transport/rpc-frame.js";

const ALL = { request: 1000, response: 1000, error: 1000 };
const kind = fc.constantFrom<RpcFrameKind>("request", "response", "error");
const frame = fc.record({ kind, id: fc.integer({ min: 0, max: MAX_RPC_ID }), body: fc.uint8Array({ maxLength: 300 }) });

/** `bytes` cut at the given points, as a stream delivers them. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y);
  const out: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...points, bytes.length]) {
    if (cut > start) out.push(bytes.subarray(start, cut));
    start = cut;
  }
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function decodeAll(decoder: RpcFrameDecoder, chunks: readonly Uint8Array[]): RpcDecoded[] {
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

describe("rpc frames", () => {
  it("decode to what was encoded, in order, however the stream chunks them", () => {
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 12 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const wire = concat(frames.map((f) => encodeRpcFrame(f.kind, f.id, f.body).subarray()));
        const decoder = new RpcFrameDecoder(ALL);
        const got = decodeAll(decoder, chunked(wire, cuts));
        expect(got).toEqual(frames.map((f) => ({ type: "frame", ...f })));
        expect(decoder.midFrame).toBe(false);
      }),
    );
  });

  it("lays out kind, big-endian id and varint length before the body", () => {
    const wire = encodeRpcFrame("response", 0x01020304, new Uint8Array(300).fill(9)).subarray();
    expect([...wire.subarray(0, 7)]).toEqual([1, 1, 2, 3, 4, 0xac, 0x02]);
    expect(wire.length).toBe(7 + 300);
    expect(() => encodeRpcFrame("request", MAX_RPC_ID + 1, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeRpcFrame("request", -1, new Uint8Array(0))).toThrow(RangeError);
  });

  it("reports an oversize frame from its header, skips its body unbuffered, and decodes the frames after it", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.array(frame, { maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (limit, excess, after, cuts) => {
          const big = encodeRpcFrame("request", 7, new Uint8Array(limit + excess).fill(1)).subarray();
          const rest = after.map((f) => ({ ...f, body: f.body.subarray(0, limit) }));
          const wire = concat([big, ...rest.map((f) => encodeRpcFrame(f.kind, f.id, f.body).subarray())]);
          const decoder = new RpcFrameDecoder({ request: limit, response: limit, error: limit });
          const chunks = chunked(wire, cuts);
          const got: RpcDecoded[] = [];
          let reportedAt = -1;
          chunks.forEach((chunk, i) => {
            const items = decoder.push(chunk);
            if (reportedAt < 0 && items.some((x) => x.type === "oversize")) reportedAt = i;
            got.push(...items);
          });
          expect(got).toEqual([{ type: "oversize", kind: "request", id: 7, length: limit + excess }, ...rest.map((f) => ({ type: "frame", ...f }))]);
          // reported with the chunk that completed the header, not after the body
          const headerEnd = big.length - (limit + excess);
          let seen = 0;
          const headerChunk = chunks.findIndex((c) => (seen += c.length) >= headerEnd);
          expect(reportedAt).toBe(headerChunk);
        },
      ),
    );
  });

  it("hands out one frame per next(), keeping the rest as bytes", () => {
    const decoder = new RpcFrameDecoder(ALL);
    decoder.append(concat([1, 2, 3].map((id) => encodeRpcFrame("request", id, new Uint8Array([id])).subarray())));
    expect(decoder.next()).toEqual({ type: "frame", kind: "request", id: 1, body: new Uint8Array([1]) });
    expect(decoder.midFrame).toBe(true); // two frames still undecoded
    expect(decoder.next()?.id).toBe(2);
    expect(decoder.next()?.id).toBe(3);
    expect(decoder.next()).toBeUndefined();
    expect(decoder.midFrame).toBe(false);
  });

  it("knows when it is inside a frame or skipping an oversize body", () => {
    const decoder = new RpcFrameDecoder({ request: 4 });
    expect(decoder.midFrame).toBe(false);
    decoder.push(new Uint8Array([0, 0, 0]));
    expect(decoder.midFrame).toBe(true);
    expect(decoder.push(new Uint8Array([0, 1, 2, 5, 6]))).toEqual([{ type: "frame", kind: "request", id: 1, body: new Uint8Array([5, 6]) }]);
    expect(decoder.midFrame).toBe(false);
    expect(decoder.push(new Uint8Array([0, 0, 0, 0, 2, 10, 1, 2]))).toEqual([{ type: "oversize", kind: "request", id: 2, length: 10 }]);
    expect(decoder.skippingOversize).toBe(true);
    expect(decoder.push(new Uint8Array(8))).toEqual([]);
    expect(decoder.midFrame).toBe(false);
  });

  it("refuses a kind that may not appear on the stream, an unknown kind, and a varint over 8 bytes", () => {
    const malformed = (limits: ConstructorParameters<typeof RpcFrameDecoder>[0], bytes: number[]): void => {
      const error = (() => {
        try {
          new RpcFrameDecoder(limits).push(new Uint8Array(bytes));
        } catch (err) {
          return err;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(FrameError);
      expect((error as FrameError).reason).toBe("malformed");
    };
    malformed({ request: 10 }, [1, 0, 0, 0, 1, 0]); // a response on a responder's stream
    malformed({ response: 10, error: 10 }, [0, 0, 0, 0, 1, 0]); // a request on an asker's stream
    malformed(ALL, [3]);
    malformed(ALL, [0xff]);
    malformed(ALL, [0, 0, 0, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80]);
    // eight varint bytes are fine (a huge length, reported oversize)
    expect(new RpcFrameDecoder(ALL).push(new Uint8Array([0, 0, 0, 0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]))).toEqual([
      { type: "oversize", kind: "request", id: 1, length: 2 ** 49 },
    ]);
  });

  it("never fails on arbitrary bytes with anything but a malformed FrameError, nor delivers a body over its limit", () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 20 }), fc.integer({ min: 0, max: 300 }), (chunks, limit) => {
        const decoder = new RpcFrameDecoder({ request: limit, response: limit, error: limit });
        try {
          for (const chunk of chunks) {
            for (const item of decoder.push(chunk)) {
              if (item.type === "frame") expect(item.body.length).toBeLessThanOrEqual(limit);
              else expect(item.length).toBeGreaterThan(limit);
            }
          }
        } catch (err) {
          expect(err).toBeInstanceOf(FrameError);
          expect((err as FrameError).reason).toBe("malformed");
        }
      }),
    );
  });
});

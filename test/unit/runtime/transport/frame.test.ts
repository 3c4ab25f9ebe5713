import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { encodeFrame, FrameError, readFrame } from "../../../../src/runtime/transport/frame.js";

/** `bytes` cut at the given points, as a stream delivers them. */
async function* chunked(bytes: Uint8Array, cuts: readonly number[]): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((x, y) => x - y)) {
    if (cut > start) yield bytes.subarray(start, cut);
    start = cut;
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

const encoded = (body: Uint8Array): Uint8Array => encodeFrame(body).subarray();

async function outcome(source: AsyncIterable<Uint8Array>, max: number): Promise<Uint8Array | FrameError> {
  try {
    return await readFrame(source, max);
  } catch (err) {
    if (err instanceof FrameError) return err;
    throw err;
  }
}

describe("readFrame", () => {
  it("returns the body of a frame however the stream chunks it, ignoring what follows", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 20 }), fc.array(fc.nat(), { maxLength: 8 }), async (body, tail, cuts) => {
        const wire = new Uint8Array([...encoded(body), ...tail]);
        expect(await readFrame(chunked(wire, cuts), 600)).toEqual(body);
      }),
    );
  });

  it("refuses a declared length over the limit before reading the body", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 1 << 20 }), async (max, excess) => {
        let pulled = 0;
        const prefix = encoded(new Uint8Array(max + excess)).subarray(0, -(max + excess));
        async function* endless(): AsyncGenerator<Uint8Array> {
          yield prefix;
          for (;;) {
            pulled++;
            yield new Uint8Array(1024);
          }
        }
        const result = await outcome(endless(), max);
        expect(result).toBeInstanceOf(FrameError);
        expect((result as FrameError).reason).toBe("too-large");
        expect(pulled).toBe(0);
      }),
    );
  });

  it("accepts a body of exactly the limit", async () => {
    expect((await readFrame(chunked(encoded(new Uint8Array(1000)), [3, 500]), 1000)).length).toBe(1000);
  });

  it("reports truncation and an endless varint", async () => {
    const wire = encoded(new Uint8Array([1, 2, 3, 4]));
    expect(await outcome(chunked(new Uint8Array(0), []), 10)).toMatchObject({ reason: "truncated" });
    expect(await outcome(chunked(wire.subarray(0, 3), []), 10)).toMatchObject({ reason: "truncated" });
    expect(await outcome(chunked(new Uint8Array(12).fill(0x80), [5]), 10)).toMatchObject({ reason: "malformed" });
  });

  it("on arbitrary bytes returns a body within the limit or throws FrameError, nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.integer({ min: 1, max: 256 }), async (bytes, cuts, max) => {
        const result = await outcome(chunked(bytes, cuts), max);
        if (!(result instanceof FrameError)) expect(result.length).toBeLessThanOrEqual(max);
      }),
    );
  });

  it("passes errors of the stream itself through", async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([5, 1]);
      throw new Error("stream reset");
    }
    await expect(readFrame(failing(), 10)).rejects.toThrow("stream reset");
  });
});

import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { SseOverflowError, SseParser, formatSseComment, formatSseEvent, type SseMessage } from "../../../src/runtime/api/sse.js";

const encoder = new TextEncoder();

function parseAll(text: string | Uint8Array, cuts: readonly number[] = []): SseMessage[] {
  const bytes = typeof text === "string" ? encoder.encode(text) : text;
  const parser = new SseParser();
  const out: SseMessage[] = [];
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    const at = Math.min(cut, bytes.length);
    out.push(...parser.push(bytes.subarray(start, at)));
    start = Math.max(start, at);
  }
  out.push(...parser.push(bytes.subarray(start)));
  out.push(...parser.end());
  return out;
}

describe("SSE format", () => {
  it("formats an event and a comment", () => {
    expect(formatSseEvent("tx", '{"a":1}')).toBe('event: tx\ndata: {"a":1}\n\n');
    expect(formatSseEvent("x", "one\ntwo\r\nthree")).toBe("event: x\ndata: one\ndata: two\ndata: three\n\n");
    expect(formatSseEvent("a\nb", "")).toBe("event: a b\ndata: \n\n");
    expect(formatSseComment("ping")).toBe(": ping\n\n");
  });

  it("parses the spec's fields: comments, default type, multi-line data, CR/CRLF/LF, space after colon, id", () => {
    const text =
      "\uFEFF: comment\n" +
      "data: first\n\n" +
      "event: tx\r\ndata:no-space\r\ndata:  two spaces\r\n\r\n" +
      "id: 7\revent: x\rdata\r\r" +
      "event: lonely\n\n" + // no data: not dispatched
      "retry: 100\nunknown: field\ndata: last\n\n" +
      "data: unterminated";
    expect(parseAll(text)).toEqual([
      { type: "message", data: "first", id: "" },
      { type: "tx", data: "no-space\n two spaces", id: "" },
      { type: "x", data: "", id: "7" },
      { type: "message", data: "last", id: "7" },
    ]);
  });

  it("round-trips formatted events", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ type: fc.stringMatching(/^[a-z-]{1,12}$/), data: fc.string({ unit: "grapheme", maxLength: 40 }) }), { maxLength: 10 }),
        (events) => {
          const text = events.map((e) => formatSseEvent(e.type, e.data)).join("");
          const expected = events.map((e) => ({ type: e.type, data: e.data.replace(/\r\n|\r/g, "\n"), id: "" }));
          expect(parseAll(text)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives the same events however the bytes are split into chunks", () => {
    const streamText = fc
      .array(fc.oneof(fc.constantFrom("data: ", "event: ", ": ", "\r", "\n", "\r\n", "id: ", "é", "€", "😀"), fc.string({ maxLength: 6 })), { maxLength: 40 })
      .map((parts) => parts.join(""));
    fc.assert(
      fc.property(streamText, fc.array(fc.nat({ max: 300 }), { maxLength: 8 }), (text, cuts) => {
        expect(parseAll(text, cuts)).toEqual(parseAll(text));
      }),
      { numRuns: 500 },
    );
  });

  it("never throws on arbitrary bytes below the bound", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.array(fc.nat({ max: 500 }), { maxLength: 5 }), (bytes, cuts) => {
        for (const m of parseAll(bytes, cuts)) {
          expect(typeof m.type).toBe("string");
          expect(typeof m.data).toBe("string");
        }
      }),
      { numRuns: 500 },
    );
  });

  it("refuses an event that outgrows the bound instead of growing memory", () => {
    const line = new SseParser(1000);
    expect(() => line.push(encoder.encode("data: " + "x".repeat(2000)))).toThrow(SseOverflowError);
    const lines = new SseParser(1000);
    expect(() => {
      for (let i = 0; i < 100; i++) lines.push(encoder.encode("data: 0123456789abcdef\n"));
    }).toThrow(SseOverflowError);
    // many small events are fine: the bound is per event
    const many = new SseParser(1000);
    let n = 0;
    for (let i = 0; i < 1000; i++) n += many.push(encoder.encode("data: 0123456789abcdef\n\n")).length;
    expect(n).toBe(1000);
  });
});

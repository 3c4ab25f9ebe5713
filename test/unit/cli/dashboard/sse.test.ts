import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSse, type SseMessage, SseParser } from "../../../../src/cli/dashboard/sse.js";

function parseAll(chunks: readonly string[], max?: number): SseMessage[] {
  const parser = new SseParser(max);
  return chunks.flatMap((c) => parser.push(c));
}

/** Cut `text` at the given (sorted, deduplicated) positions. */
function cut(text: string, positions: readonly number[]): string[] {
  const points = [...new Set(positions.map((p) => p % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let last = 0;
  for (const p of points) {
    parts.push(text.slice(last, p));
    last = p;
  }
  parts.push(text.slice(last));
  return parts;
}

describe("SseParser", () => {
  it("reads events, names, multi-line data, ids and comments", () => {
    const text = ": hello\n\nevent: finalized\ndata: {\"a\":1}\n\ndata: one\ndata: two\nid: 7\n\nevent: tx\ndata:no-space\n\n";
    expect(parseAll([text])).toEqual([
      { event: "finalized", data: '{"a":1}' },
      { event: "message", data: "one\ntwo", id: "7" },
      { event: "tx", data: "no-space", id: "7" },
    ]);
  });

  it("accepts CRLF and lone CR line ends, even split between chunks", () => {
    expect(parseAll(["event: a\r\ndata: 1\r", "\n\r\n"])).toEqual([{ event: "a", data: "1" }]);
    expect(parseAll(["data: x\r\r"])).toEqual([{ event: "message", data: "x" }]);
  });

  it("does not dispatch an event without data, nor one never ended by a blank line", () => {
    expect(parseAll(["event: a\n\n", "data: pending\n"])).toEqual([]);
  });

  it("drops an event whose data exceeds the bound, and recovers for the next one", () => {
    const big = `data: ${"x".repeat(200)}\n\n`;
    expect(parseAll([big, "data: ok\n\n"], 100)).toEqual([{ event: "message", data: "ok" }]);
    // an endless line is dropped too, without buffering it all
    const parser = new SseParser(100);
    for (let i = 0; i < 50; i++) parser.push("y".repeat(50));
    expect(parser.push("\n\ndata: fine\n\n")).toEqual([{ event: "message", data: "fine" }]);
  });

  it("gives the same events however the stream is cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ event: fc.constantFrom("finalized", "tx", "observables"), data: fc.jsonValue() }), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (events, cuts) => {
          const text = events.map((e) => formatSse(e.event, e.data)).join("");
          const whole = parseAll([text]);
          expect(whole.map((m) => ({ event: m.event, data: JSON.parse(m.data) as unknown }))).toEqual(
            events.map((e) => ({ event: e.event, data: JSON.parse(JSON.stringify(e.data)) as unknown })),
          );
          expect(parseAll(cut(text, cuts))).toEqual(whole);
        },
      ),
    );
  });

  it("never throws on arbitrary input and never returns more data than the bound", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom("a", ":", " ", "\n", "\r", "d", "e", "v", "n", "t", "\u00e9") , maxLength: 200 }), { maxLength: 10 }), (chunks) => {
        for (const m of parseAll(chunks, 64)) expect(m.data.length).toBeLessThanOrEqual(64);
      }),
    );
  });
});

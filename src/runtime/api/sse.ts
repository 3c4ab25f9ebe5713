/**
 * The server-sent-events wire format (WHATWG HTML §9.2): the server's formatter and the
 * client's incremental parser. The parser reads bytes from a node that may be hostile, so
 * it accepts any input without throwing except when one event outgrows its bound (an
 * endless line would otherwise grow memory without limit).
 */

/** One dispatched event: its `event:` type ("message" when absent), its data and last id. */
export interface SseMessage {
  readonly type: string;
  readonly data: string;
  readonly id: string;
}

/** Default bound on the characters held for one event (its unfinished line and data). */
export const DEFAULT_MAX_EVENT_CHARS = 4 * 1024 * 1024;

const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * An event block: `event: <type>` then one `data:` line per line of `data`. Line breaks
 * in `type` would end the field early and forge other fields, so they become spaces.
 */
export function formatSseEvent(type: string, data: string): string {
  const safeType = type.replace(LINE_BREAK, " ");
  return `event: ${safeType}\n${data
    .split(LINE_BREAK)
    .map((line) => `data: ${line}\n`)
    .join("")}\n`;
}

/** A comment block (`: text`), ignored by clients; keeps idle connections and proxies alive. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(LINE_BREAK, " ")}\n\n`;
}

/** Thrown when one event exceeds the parser's bound. */
export class SseOverflowError extends RangeError {
  override readonly name = "SseOverflowError";
}

/**
 * Incremental parser: feed byte chunks as they arrive, in any split; get back the events
 * they complete. Chunk boundaries never change the result (a CR at the end of one chunk
 * and an LF at the start of the next are one line break).
 */
export class SseParser {
  private readonly decoder = new TextDecoder("utf-8");
  private pending = "";
  private sawFirstChunk = false;
  private type = "";
  private data: string[] = [];
  private dataChars = 0;
  private lastId = "";

  constructor(private readonly maxEventChars: number = DEFAULT_MAX_EVENT_CHARS) {}

  /** Feed the next chunk; returns the events it completes, in order. */
  push(chunk: Uint8Array): SseMessage[] {
    return this.feed(this.decoder.decode(chunk, { stream: true }), false);
  }

  /** The stream ended: flush the decoder. An unterminated last event is dropped, as the spec says. */
  end(): SseMessage[] {
    return this.feed(this.decoder.decode(), true);
  }

  private feed(text: string, final: boolean): SseMessage[] {
    if (!this.sawFirstChunk && text.length > 0) {
      this.sawFirstChunk = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let buffer = this.pending + text;
    const out: SseMessage[] = [];
    let start = 0;
    for (;;) {
      let i = start;
      while (i < buffer.length && buffer[i] !== "\n" && buffer[i] !== "\r") i++;
      if (i >= buffer.length) break;
      // A CR at the very end may be the first half of CRLF: wait for the next chunk.
      if (buffer[i] === "\r" && i + 1 >= buffer.length && !final) break;
      const message = this.line(buffer.slice(start, i));
      if (message !== undefined) out.push(message);
      start = buffer[i] === "\r" && buffer[i + 1] === "\n" ? i + 2 : i + 1;
    }
    buffer = buffer.slice(start);
    if (final) {
      this.pending = "";
      this.data = [];
      this.dataChars = 0;
    } else {
      this.pending = buffer;
      if (this.pending.length + this.dataChars > this.maxEventChars) {
        throw new SseOverflowError(`event stream: one event exceeds ${this.maxEventChars} characters`);
      }
    }
    return out;
  }

  private line(line: string): SseMessage | undefined {
    if (line === "") return this.dispatch();
    if (line[0] === ":") return undefined;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    if (field === "event") this.type = value;
    else if (field === "data") {
      this.data.push(value);
      this.dataChars += value.length + 1;
      if (this.dataChars > this.maxEventChars) {
        throw new SseOverflowError(`event stream: one event exceeds ${this.maxEventChars} characters`);
      }
    } else if (field === "id" && !value.includes("\0")) this.lastId = value;
    return undefined;
  }

  private dispatch(): SseMessage | undefined {
    const type = this.type;
    const data = this.data;
    this.type = "";
    this.data = [];
    this.dataChars = 0;
    if (data.length === 0) return undefined;
    return { type: type === "" ? "message" : type, data: data.join("\n"), id: this.lastId };
  }
}

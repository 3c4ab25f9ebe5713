/**
 * Server-sent events both ways: an incremental parser for the streams the dashboard reads
 * from nodes (`GET /v1/events`), and the writer for the stream it serves to the page.
 *
 * The parser follows the WHATWG event-stream rules (lines end in CRLF, LF or CR; `:`
 * starts a comment; a blank line dispatches; a field without a colon has an empty value;
 * one leading space after the colon is dropped) and bounds what a peer can make it hold:
 * an event whose data grows past `maxEventBytes` is dropped, not buffered.
 */

/** One dispatched event. `event` defaults to "message", as in browsers. */
export interface SseMessage {
  readonly event: string;
  readonly data: string;
  readonly id?: string;
}

/** Default bound on one event's data (characters). */
export const DEFAULT_MAX_EVENT_BYTES = 1 << 20;

/** Feed it text chunks as they arrive; it returns the events each chunk completed. */
export class SseParser {
  private buffer = "";
  private event = "";
  private data: string[] = [];
  private dataSize = 0;
  private id: string | undefined;
  private oversized = false;
  /** a CR ended the last chunk: an LF starting the next one belongs to it */
  private pendingCr = false;

  constructor(private readonly maxEventBytes = DEFAULT_MAX_EVENT_BYTES) {}

  /** Events completed by this chunk, in order. */
  push(chunk: string): SseMessage[] {
    const out: SseMessage[] = [];
    let text = chunk;
    if (this.pendingCr && text.startsWith("\n")) text = text.slice(1);
    this.pendingCr = false;
    this.buffer += text;
    let start = 0;
    for (;;) {
      const cr = this.buffer.indexOf("\r", start);
      const lf = this.buffer.indexOf("\n", start);
      if (cr < 0 && lf < 0) break;
      let end: number;
      let next: number;
      if (cr >= 0 && (lf < 0 || cr < lf)) {
        end = cr;
        if (cr + 1 === this.buffer.length) {
          this.pendingCr = true;
          next = cr + 1;
        } else next = this.buffer[cr + 1] === "\n" ? cr + 2 : cr + 1;
      } else {
        end = lf;
        next = lf + 1;
      }
      this.line(this.buffer.slice(start, end), out);
      start = next;
    }
    this.buffer = this.buffer.slice(start);
    // A line that never ends is as hostile as an endless event: drop it once too long.
    if (this.buffer.length > this.maxEventBytes) {
      this.buffer = "";
      this.oversized = true;
    }
    return out;
  }

  private line(line: string, out: SseMessage[]): void {
    if (line === "") {
      if (this.data.length > 0 && !this.oversized) {
        out.push({ event: this.event || "message", data: this.data.join("\n"), ...(this.id === undefined ? {} : { id: this.id }) });
      }
      this.event = "";
      this.data = [];
      this.dataSize = 0;
      this.oversized = false;
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.event = value;
    else if (field === "data") {
      if (this.oversized) return;
      this.dataSize += value.length + 1;
      if (this.dataSize > this.maxEventBytes) {
        this.oversized = true;
        this.data = [];
        return;
      }
      this.data.push(value);
    } else if (field === "id" && !value.includes("\0")) this.id = value;
  }
}

/** One event in wire form. `data` is JSON-encoded; JSON never holds a raw newline. */
export function formatSse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

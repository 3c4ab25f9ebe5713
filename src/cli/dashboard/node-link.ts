/**
 * Talking to one node's HTTP API: JSON requests with a deadline, and an event stream that
 * reconnects by itself. Answers are checked against the schemas in inputs.ts.
 */
import type { z } from "zod";
import type { NodeEvent } from "../../runtime/api/facade.js";
import { parseNodeEvent } from "./inputs.js";
import { SseParser } from "./sse.js";

/** The largest JSON answer read from a node. */
const MAX_REPLY_BYTES = 4 << 20;

/** A node request that failed: unreachable, timed out, non-2xx, or an answer of the wrong shape. */
export class NodeRequestError extends Error {
  constructor(
    readonly url: string,
    message: string,
    readonly status?: number,
  ) {
    super(`${url}: ${message}`);
  }
}

async function readLimited(response: Response, url: string): Promise<string> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > MAX_REPLY_BYTES) throw new NodeRequestError(url, `answer of ${length} bytes is too large`);
  const text = await response.text();
  if (text.length > MAX_REPLY_BYTES) throw new NodeRequestError(url, "answer is too large");
  return text;
}

/** `fetch` JSON and check it; throws {@link NodeRequestError}. */
export async function requestJson<T>(
  url: string,
  schema: z.ZodType<T>,
  options: { method?: string; body?: unknown; timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<T> {
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 2000)];
  if (options.signal) signals.push(options.signal);
  let response: Response;
  try {
    response = await fetch(url, {
      method: options.method ?? "GET",
      signal: AbortSignal.any(signals),
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body), headers: { "content-type": "application/json" } }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as Error).name;
    throw new NodeRequestError(url, name === "TimeoutError" ? "timed out" : (cause ?? (error as Error).message));
  }
  const text = await readLimited(response, url);
  if (!response.ok) {
    let detail = text.slice(0, 200);
    try {
      const body = JSON.parse(text) as { error?: { message?: unknown } };
      if (typeof body.error?.message === "string") detail = body.error.message;
    } catch {
      // not JSON: keep the raw text
    }
    throw new NodeRequestError(url, `HTTP ${response.status}${detail ? `: ${detail}` : ""}`, response.status);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new NodeRequestError(url, "answer is not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NodeRequestError(url, `unexpected answer: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/**
 * Follow `GET {api}/v1/events` until `signal` aborts, reconnecting after `retryMs` when the
 * stream ends or fails. Unknown or malformed events are skipped.
 */
export async function followEvents(
  api: string,
  onEvent: (event: NodeEvent) => void,
  signal: AbortSignal,
  options: { retryMs?: number } = {},
): Promise<void> {
  const url = `${api}/v1/events`;
  while (!signal.aborted) {
    try {
      const response = await fetch(url, { signal, headers: { accept: "text/event-stream" } });
      if (response.ok && response.body) {
        const parser = new SseParser();
        const decoder = new TextDecoder();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
            const event = parseNodeEvent(message.event, message.data);
            if (event) onEvent(event);
          }
        }
      } else await response.body?.cancel();
    } catch {
      // refused, reset or aborted: retry below unless aborted
    }
    if (signal.aborted) break;
    await sleep(options.retryMs ?? 1000, signal);
  }
}

/** Resolve after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}

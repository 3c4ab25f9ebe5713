/**
 * A typed client of a node's HTTP API (README "HTTP API") on the global `fetch`. Every
 * failure is an {@link EntropicError}, so the CLI prints it as one line: a non-2xx reply
 * is an {@link ApiError} carrying the server's error code, a node that cannot be reached
 * is an {@link ApiUnreachableError} naming the URL. Replies are read with a size bound,
 * since the node at the other end is not trusted to be small.
 */
import { EntropicError, UsageError } from "../../core/errors.js";
import type { Tx } from "../../core/tx.js";
import type { NodeEvent } from "./facade.js";
import { txToJson } from "./json.js";
import { SseParser } from "./sse.js";
import type { ConflictResponse, StatusResponse, SubmitResponse, TxResponse } from "./wire.js";

/** Largest reply body the client reads: 16 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** Per-request time limit (not applied to the event stream). */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The server answered with a non-2xx status. */
export class ApiError extends EntropicError {
  constructor(
    /** HTTP status */
    readonly status: number,
    /** the server's error code (`bad-signature`, `not-found` …), or `http-<status>` when the body had none */
    readonly errorCode: string,
    /** the server's message */
    readonly serverMessage: string,
    readonly url: string,
    /** schema issues the server listed, if any */
    readonly issues: ReadonlyArray<{ readonly path: string; readonly message: string }> = [],
  ) {
    super("API_ERROR", `${url}: ${status} ${errorCode}: ${serverMessage}`);
  }
}

/** The node could not be reached (refused, reset, timed out, DNS). */
export class ApiUnreachableError extends EntropicError {
  constructor(
    readonly url: string,
    detail: string,
  ) {
    super("API_UNREACHABLE", `cannot reach ${url}: ${detail}`);
  }
}

export interface NodeClientOptions {
  /** Per-request time limit in ms (default {@link DEFAULT_TIMEOUT_MS}). */
  readonly timeoutMs?: number;
  /** Largest reply body read (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  readonly maxResponseBytes?: number;
}

/** Why fetch failed, in a few words: the system error code when there is one. */
function describeFetchFailure(error: unknown): string {
  if (error instanceof Error && error.name === "TimeoutError") return "timed out";
  const cause = error instanceof Error ? (error as Error & { cause?: unknown }).cause : undefined;
  if (cause instanceof Error) {
    const code = (cause as NodeJS.ErrnoException).code;
    return code !== undefined ? `${code} (${cause.message})` : cause.message;
  }
  return error instanceof Error ? error.message : String(error);
}

function isNodeEvent(value: unknown): value is NodeEvent {
  return typeof value === "object" && value !== null && !Array.isArray(value) && typeof (value as { type?: unknown }).type === "string";
}

export class NodeClient {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  /** `baseUrl` is the node's API root, e.g. `http://127.0.0.1:8080`; throws {@link UsageError} unless http(s). */
  constructor(baseUrl: string, options: NodeClientOptions = {}) {
    let parsed: URL;
    try {
      parsed = new URL(baseUrl);
    } catch {
      throw new UsageError(`not a URL: ${JSON.stringify(baseUrl)}`);
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
      throw new UsageError(`API URL must be http or https, got ${JSON.stringify(baseUrl)}`);
    }
    this.baseUrl = `${parsed.origin}${parsed.pathname}`.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  }

  /** `POST /v1/tx`. Resolves on 202; a refused transaction throws {@link ApiError} (400, 409, 503 …). */
  async submitTx(tx: Tx): Promise<SubmitResponse> {
    return this.json<SubmitResponse>("POST", "/v1/tx", JSON.stringify(txToJson(tx)));
  }

  /** `GET /v1/tx/:cid`; an unknown CID throws {@link ApiError} with status 404. */
  async getTx(cid: string): Promise<TxResponse> {
    return this.json<TxResponse>("GET", `/v1/tx/${encodeURIComponent(cid)}`);
  }

  /** `GET /v1/conflicts/:key`; an unknown key throws {@link ApiError} with status 404. */
  async getConflict(key: string): Promise<ConflictResponse> {
    return this.json<ConflictResponse>("GET", `/v1/conflicts/${encodeURIComponent(key)}`);
  }

  /** `GET /v1/status`. */
  async status(): Promise<StatusResponse> {
    return this.json<StatusResponse>("GET", "/v1/status");
  }

  /** `GET /v1/health`: true when the node answers 200. */
  async health(): Promise<boolean> {
    const reply = await this.json<{ ok?: unknown }>("GET", "/v1/health");
    return reply.ok === true;
  }

  /** `GET /v1/metrics`: the Prometheus text. */
  async metricsText(): Promise<string> {
    const res = await this.send("GET", "/v1/metrics", undefined, AbortSignal.timeout(this.timeoutMs));
    return this.readText(res, `${this.baseUrl}/v1/metrics`);
  }

  /**
   * `GET /v1/events`: the node's events as they happen. Ends when the server closes the
   * stream or `signal` aborts (quietly); breaking out of the loop closes the connection.
   */
  async *events(signal?: AbortSignal): AsyncGenerator<NodeEvent, void, undefined> {
    let res: Response;
    try {
      res = await this.send("GET", "/v1/events", undefined, signal);
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    }
    if (res.body === null) return;
    const reader = res.body.getReader();
    const parser = new SseParser();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        const messages = done ? parser.end() : parser.push(value);
        for (const message of messages) {
          let event: unknown;
          try {
            event = JSON.parse(message.data);
          } catch {
            continue; // not ours to fail on: skip what is not a JSON event
          }
          if (isNodeEvent(event)) yield event;
        }
        if (done) return;
      }
    } catch (error) {
      if (signal?.aborted) return;
      if (error instanceof EntropicError) throw error;
      throw new ApiUnreachableError(`${this.baseUrl}/v1/events`, describeFetchFailure(error));
    } finally {
      reader.cancel().catch(() => {});
    }
  }

  // -------------------------------------------------------------------------------------

  private async json<T>(method: string, path: string, body?: string): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const res = await this.send(method, path, body, AbortSignal.timeout(this.timeoutMs));
    const text = await this.readText(res, url);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, "bad-reply", "reply is not JSON", url);
    }
  }

  /** fetch, mapping network failures to {@link ApiUnreachableError} and non-2xx to {@link ApiError}. */
  private async send(method: string, path: string, body: string | undefined, signal: AbortSignal | undefined): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body,
        signal,
      });
    } catch (error) {
      if (signal?.aborted && !(signal.reason instanceof Error && signal.reason.name === "TimeoutError")) throw error;
      throw new ApiUnreachableError(url, describeFetchFailure(error));
    }
    if (!res.ok) throw await this.errorOf(res, url);
    return res;
  }

  private async errorOf(res: Response, url: string): Promise<ApiError> {
    let text = "";
    try {
      text = await this.readText(res, url);
    } catch {
      // an unreadable error body still leaves the status
    }
    try {
      const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; issues?: unknown } };
      const error = parsed.error;
      if (typeof error === "object" && error !== null && typeof error.code === "string" && typeof error.message === "string") {
        const issues = Array.isArray(error.issues)
          ? error.issues.filter(
              (i): i is { path: string; message: string } =>
                typeof i === "object" && i !== null && typeof i.path === "string" && typeof i.message === "string",
            )
          : [];
        return new ApiError(res.status, error.code, error.message, url, issues);
      }
    } catch {
      // not the API's JSON error: fall through
    }
    return new ApiError(res.status, `http-${res.status}`, res.statusText || "request failed", url);
  }

  /** The reply body as text, refusing more than the size bound. */
  private async readText(res: Response, url: string): Promise<string> {
    if (res.body === null) return "";
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let size = 0;
    let text = "";
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        size += value.length;
        if (size > this.maxResponseBytes) {
          await reader.cancel().catch(() => {});
          throw new ApiError(res.status, "reply-too-large", `reply exceeds ${this.maxResponseBytes} bytes`, url);
        }
        text += decoder.decode(value, { stream: true });
      }
    } catch (error) {
      if (error instanceof EntropicError) throw error;
      throw new ApiUnreachableError(url, describeFetchFailure(error));
    }
    return text + decoder.decode();
  }
}

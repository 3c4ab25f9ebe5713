import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { conflictKey, txId } from "../../../src/core/tx.js";
import { EntropicError, UsageError } from "../../../src/core/errors.js";
import { toHex } from "../../../src/core/bytes.js";
import { nodeHasher } from "../../../src/runtime/crypto-node.js";
import { startApiServer, type ApiServer } from "../../../src/runtime/api/server.js";
import { ApiError, ApiUnreachableError, NodeClient } from "../../../src/runtime/api/client.js";
import { txToJson } from "../../../src/runtime/api/json.js";
import type { NodeEvent } from "../../../src/runtime/api/facade.js";
import { FakeNode, STATUS, keys, signedTx, waitFor } from "./api-fake-node.js";
import { parseExposition } from "./prometheus-parse.js";

let node: FakeNode;
let server: ApiServer;
let client: NodeClient;

beforeEach(async () => {
  node = new FakeNode();
  server = await startApiServer(node);
  client = new NodeClient(server.url);
});

afterEach(async () => {
  await server.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

/** A throwaway server answering every request with `handler`. */
async function withRawServer(
  handler: Parameters<typeof createServer>[1],
  body: (url: string) => Promise<void>,
): Promise<void> {
  const raw: Server = createServer(handler!);
  await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
  try {
    await body(`http://127.0.0.1:${(raw.address() as AddressInfo).port}`);
  } finally {
    raw.closeAllConnections();
    await new Promise((resolve) => raw.close(resolve));
  }
}

describe("NodeClient", () => {
  it("submits a transaction and reads it, its conflict set, status, health and metrics back", async () => {
    const tx = signedTx(8, "client");
    const cid = txId(tx, nodeHasher).toString();
    const key = conflictKey(tx);
    expect(await client.submitTx(tx)).toEqual({ cid, conflict: key, status: "pending", isNew: true });
    expect(node.stored.has(cid)).toBe(true);

    const view = await client.getTx(cid);
    expect(view).toEqual({ cid, conflict: key, status: "pending", seenAt: 1000, tx: txToJson(tx) });

    const conflict = await client.getConflict(key);
    expect(conflict.author).toBe(toHex(keys.publicKey));
    expect(conflict.candidates).toEqual([{ cid, status: "pending" }]);

    expect(await client.status()).toEqual(STATUS);
    expect(await client.health()).toBe(true);
    const families = parseExposition(await client.metricsText());
    expect(families.get("entropic_pending")!.samples).toEqual([{ labels: {}, value: 1 }]);
  });

  it("accepts a base URL with a trailing slash", async () => {
    expect(await new NodeClient(`${server.url}/`).health()).toBe(true);
  });

  it("throws ApiError with the status and the server's code and message on non-2xx", async () => {
    const unknown = txId(signedTx(77), nodeHasher).toString();
    const notFound = await rejection(client.getTx(unknown));
    expect(notFound).toBeInstanceOf(ApiError);
    expect(notFound).toBeInstanceOf(EntropicError);
    const e = notFound as ApiError;
    expect(e.code).toBe("API_ERROR");
    expect(e.status).toBe(404);
    expect(e.errorCode).toBe("not-found");
    expect(e.serverMessage).toContain(unknown);
    expect(e.message).toContain(`${server.url}/v1/tx/${unknown}`);

    const bad = (await rejection(client.getConflict("no-such-key"))) as ApiError;
    expect([bad.status, bad.errorCode]).toEqual([400, "invalid"]);

    node.nextResult = { ok: false, reason: "overloaded", detail: "queue full" };
    const busy = (await rejection(client.submitTx(signedTx()))) as ApiError;
    expect([busy.status, busy.errorCode, busy.serverMessage]).toEqual([503, "overloaded", "queue full"]);
  });

  it("reports a bad signature as ApiError bad-signature, and nothing is stored", async () => {
    const tx = signedTx();
    const forged = { ...tx, signature: tx.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    const e = (await rejection(client.submitTx(forged))) as ApiError;
    expect([e.status, e.errorCode]).toEqual([400, "bad-signature"]);
    expect(node.stored.size).toBe(0);
  });

  it("falls back to http-<status> when the error body is not the API's JSON", async () => {
    await withRawServer(
      (_req, res) => {
        res.writeHead(502, { "Content-Type": "text/html" });
        res.end("<h1>bad gateway</h1>");
      },
      async (url) => {
        const e = (await rejection(new NodeClient(url).status())) as ApiError;
        expect([e.status, e.errorCode]).toEqual([502, "http-502"]);
      },
    );
  });

  it("refuses a reply larger than its bound", async () => {
    await withRawServer(
      (_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(`"${"x".repeat(10_000)}"`);
      },
      async (url) => {
        const e = (await rejection(new NodeClient(url, { maxResponseBytes: 1000 }).status())) as ApiError;
        expect(e).toBeInstanceOf(ApiError);
        expect(e.errorCode).toBe("reply-too-large");
      },
    );
  });

  it("throws ApiUnreachableError naming the URL when the connection is refused", async () => {
    const closed = await startApiServer(new FakeNode());
    const url = closed.url;
    await closed.close();
    const e = await rejection(new NodeClient(url).status());
    expect(e).toBeInstanceOf(ApiUnreachableError);
    expect((e as ApiUnreachableError).code).toBe("API_UNREACHABLE");
    expect((e as Error).message).toContain(`${url}/v1/status`);
    expect((e as Error).message).toMatch(/ECONNREFUSED/);
  });

  it("throws ApiUnreachableError on a timeout", async () => {
    await withRawServer(
      () => {
        // never answers
      },
      async (url) => {
        const e = await rejection(new NodeClient(url, { timeoutMs: 100 }).status());
        expect(e).toBeInstanceOf(ApiUnreachableError);
        expect((e as Error).message).toMatch(/timed out/);
      },
    );
  });

  it("refuses a base URL that is not http(s) with a UsageError", () => {
    expect(() => new NodeClient("not a url")).toThrow(UsageError);
    expect(() => new NodeClient("ftp://127.0.0.1/")).toThrow(UsageError);
  });

  it("streams events in order and ends quietly on abort, unsubscribing on the server", async () => {
    const controller = new AbortController();
    const events: NodeEvent[] = [
      { type: "tx", conflict: "k", cid: "a", at: 1 },
      { type: "finalized", conflict: "k", cid: "a", latencyMs: 3, at: 4 },
      { type: "observables", at: 5, values: { finalizedShare: 1 } },
    ];
    const received: NodeEvent[] = [];
    const consumer = (async () => {
      for await (const event of client.events(controller.signal)) {
        received.push(event);
        if (received.length === events.length) controller.abort();
      }
    })();
    await waitFor(() => server.eventStreamCount() === 1, "subscription");
    for (const event of events) node.emit(event);
    await consumer;
    expect(received).toEqual(events);
    await waitFor(() => server.eventStreamCount() === 0, "unsubscribe after abort");
  });

  it("closes the stream when the consumer breaks out of the loop", async () => {
    const consumer = (async () => {
      for await (const event of client.events()) {
        if (event.type === "finalized") break;
      }
    })();
    await waitFor(() => server.eventStreamCount() === 1, "subscription");
    node.emit({ type: "tx", conflict: "k", cid: "a", at: 1 });
    node.emit({ type: "finalized", conflict: "k", cid: "a", latencyMs: 3, at: 4 });
    await consumer;
    await waitFor(() => server.eventStreamCount() === 0, "unsubscribe after break");
  });

  it("ends the event stream when the server closes", async () => {
    const consumer = (async () => {
      const got: NodeEvent[] = [];
      for await (const event of client.events()) got.push(event);
      return got;
    })();
    await waitFor(() => server.eventStreamCount() === 1, "subscription");
    node.emit({ type: "tx", conflict: "k", cid: "a", at: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await server.close();
    expect(await consumer).toEqual([{ type: "tx", conflict: "k", cid: "a", at: 1 }]);
  });

  it("skips event-stream messages that are not JSON node events", async () => {
    await withRawServer(
      (_req, res) => {
        res.writeHead(200, { "Content-Type": "text/event-stream" });
        res.end(': hi\n\ndata: not json\n\nevent: x\ndata: [1]\n\ndata: {"type":"tx","conflict":"k","cid":"c","at":1}\n\n');
      },
      async (url) => {
        const got: NodeEvent[] = [];
        for await (const event of new NodeClient(url).events()) got.push(event);
        expect(got).toEqual([{ type: "tx", conflict: "k", cid: "c", at: 1 }]);
      },
    );
  });
});

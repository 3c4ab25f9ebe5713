import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveStatic, startDashboardServer, type DashboardServer } from "../../../../src/cli/dashboard/server.js";
import { SseParser } from "../../../../src/cli/dashboard/sse.js";
import { DashboardStore, type DashboardSource } from "../../../../src/cli/dashboard/store.js";
import type { DashboardSnapshot, DoubleSpendView } from "../../../../src/web-shared/dashboard-model.js";

const webRoot = mkdtempSync(join(tmpdir(), "entropic-web-"));
mkdirSync(join(webRoot, "assets"));
writeFileSync(join(webRoot, "index.html"), "<!doctype html><title>t</title>");
writeFileSync(join(webRoot, "assets", "app-1234.js"), "console.log(1)");
writeFileSync(join(webRoot, "..", "secret-entropic-test.txt"), "no");

function devnetSource(): DashboardSource & { spends: unknown[] } {
  const store = new DashboardStore("devnet", "fake", "snowball");
  const spends: unknown[] = [];
  return {
    store,
    spends,
    actions: {
      async doubleSpend(request) {
        spends.push(request);
        const view: DoubleSpendView = { id: 1, conflict: "k:1", cids: ["a", "b"], sentTo: [0, 1], startedAt: 0, outcomes: [], winner: null, split: false };
        store.emit({ type: "double-spend", view });
        return view;
      },
    },
    close: async () => {},
  };
}

describe("resolveStatic", () => {
  it("serves files under the root and nothing outside it", () => {
    expect(resolveStatic(webRoot, "/")).toBe(join(webRoot, "index.html"));
    expect(resolveStatic(webRoot, "/assets/app-1234.js")).toBe(join(webRoot, "assets", "app-1234.js"));
    expect(resolveStatic(webRoot, "/../secret-entropic-test.txt")).toBeNull();
    expect(resolveStatic(webRoot, "/%2e%2e/secret-entropic-test.txt")).toBeNull();
    expect(resolveStatic(webRoot, "/assets")).toBeNull();
    expect(resolveStatic(webRoot, "/%E0%A4%A")).toBeNull();
    expect(resolveStatic(webRoot, "/a%00b")).toBeNull();
  });

  it("never resolves outside the root, whatever the path", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("..", ".", "%2e%2e", "%2f", "/", "assets", "index.html", "\\", "secret-entropic-test.txt", "%00"), { maxLength: 8 }), (parts) => {
        const file = resolveStatic(webRoot, `/${parts.join("/")}`);
        if (file !== null) expect(file.startsWith(webRoot)).toBe(true);
      }),
    );
  });
});

describe("dashboard server", () => {
  let server: DashboardServer;
  let source: ReturnType<typeof devnetSource>;
  beforeAll(async () => {
    source = devnetSource();
    server = await startDashboardServer(source, { port: 0, webRoot });
  });
  afterAll(() => server.close());

  const post = (path: string, body: string, type = "application/json") =>
    fetch(new URL(path, server.url), { method: "POST", headers: { "content-type": type }, body });

  it("serves the page and its assets", async () => {
    const page = await fetch(server.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain("<title>t</title>");
    const asset = await fetch(new URL("/assets/app-1234.js", server.url));
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    expect((await fetch(new URL("/nope.js", server.url))).status).toBe(404);
  });

  it("answers the snapshot as JSON", async () => {
    const state = (await (await fetch(new URL("/api/state", server.url))).json()) as DashboardSnapshot;
    expect(state.mode).toBe("devnet");
    expect(state.protocol).toBe("snowball");
  });

  it("refuses bad requests with a JSON error and runs no action", async () => {
    const cases: [Promise<Response>, number, string][] = [
      [post("/api/double-spend", "{}", "text/plain"), 415, "unsupported-media-type"],
      [post("/api/double-spend", "{"), 400, "bad-json"],
      [post("/api/double-spend", '{"a":-1}'), 400, "invalid"],
      [post("/api/double-spend", '{"extra":1}'), 400, "invalid"],
      [post("/api/double-spend", JSON.stringify({ a: "x".repeat(70_000) })), 413, "too-large"],
      [post("/api/sim/start", "{}"), 409, "wrong-mode"],
      [fetch(new URL("/api/double-spend", server.url)), 405, "method-not-allowed"],
      [fetch(new URL("/api/nothing", server.url)), 404, "not-found"],
    ];
    for (const [request, status, code] of cases) {
      const response = await request;
      expect(response.status).toBe(status);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
    expect(source.spends).toEqual([]);
  });

  it("streams the snapshot first, then every event", async () => {
    const abort = new AbortController();
    const response = await fetch(new URL("/api/events", server.url), { signal: abort.signal });
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    const reader = response.body!.getReader();
    const parser = new SseParser();
    const seen: string[] = [];
    const read = async (until: (names: string[]) => boolean) => {
      while (!until(seen)) {
        const { value } = await reader.read();
        for (const m of parser.push(new TextDecoder().decode(value))) seen.push(m.event);
      }
    };
    await read((names) => names.includes("snapshot"));
    const answer = await post("/api/double-spend", '{"a":0,"b":1}');
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as DoubleSpendView).cids).toEqual(["a", "b"]);
    await read((names) => names.includes("double-spend"));
    expect(seen).toEqual(["snapshot", "double-spend"]);
    expect(source.spends).toEqual([{ a: 0, b: 1 }]);
    abort.abort();
  });
});

describe("dashboard server start-up", () => {
  it("refuses to start without a built page, naming the fix", async () => {
    await expect(startDashboardServer(devnetSource(), { webRoot: join(webRoot, "missing") })).rejects.toThrow(/npm run build/);
  });
});

/**
 * The soak's attacker (bench/soak.ts `--abuse`), run as its own process so that its work
 * does not share an event loop with the load generator that measures finality latency:
 * malformed HTTP requests to every node, as fast as they are answered, from
 * `--concurrency` clients, until SIGTERM (or `--seconds`). It connects from
 * `--local-address` (default 127.0.0.2, another loopback address), so a node sees it as
 * a different client address than the honest load on 127.0.0.1, as a remote attacker
 * would be.
 *
 *   node --import tsx bench/soak-abuse.ts --apis URL,URL… [--concurrency 64]
 *        [--local-address 127.0.0.2] [--seconds S]
 *
 * On exit it prints one JSON line: {"requests": n, "byStatus": {"400": n, …}, "cpuS": s},
 * where a key is an HTTP status, or `error:CODE` for a request that got no answer (e.g.
 * `error:ECONNRESET` when the node cut the connection).
 */
import { Agent, request } from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    apis: { type: "string" },
    concurrency: { type: "string" },
    "local-address": { type: "string" },
    seconds: { type: "string" },
  },
});

function usage(message: string): never {
  process.stderr.write(`soak-abuse: ${message}\n`);
  process.exit(2);
}

const apis = (values.apis ?? "").split(",").filter((s) => s.length > 0).map((s) => new URL(s));
if (apis.length === 0) usage("--apis URL[,URL…] is required");
const concurrency = Number(values.concurrency ?? 64);
if (!Number.isInteger(concurrency) || concurrency < 1) usage(`--concurrency must be a positive integer, got ${JSON.stringify(values.concurrency)}`);
const localAddress = values["local-address"] ?? "127.0.0.2";
const seconds = values.seconds === undefined ? Infinity : Number(values.seconds);
if (!(seconds > 0)) usage(`--seconds must be a positive number, got ${JSON.stringify(values.seconds)}`);

interface Shape {
  readonly method: string;
  readonly path: (i: number) => string;
  readonly headers?: Record<string, string>;
  readonly body?: (i: number) => string;
}

/** The same malformed requests the soak always sent: bad JSON, bad CIDs, unknown routes, big headers. */
const SHAPES: readonly Shape[] = [
  { method: "POST", path: () => "/v1/tx", headers: { "content-type": "application/json" }, body: () => "{not json" },
  {
    method: "POST",
    path: () => "/v1/tx",
    headers: { "content-type": "application/json" },
    body: (i) => JSON.stringify({ author: "AAAA", nonce: i, payload: "x", signature: "zz" }),
  },
  { method: "GET", path: (i) => `/v1/tx/not-a-cid-${i}` },
  { method: "GET", path: (i) => `/v1/conflicts/%ff%fe${i}` },
  { method: "DELETE", path: (i) => `/v1/nothing/${i}` },
  { method: "GET", path: () => "/v1/status", headers: { "x-junk": "j".repeat(6000) } },
];

const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const byStatus: Record<string, number> = {};
let requests = 0;
let stopping = false;

function once(url: URL, shape: Shape, i: number): Promise<string> {
  return new Promise((resolve) => {
    const body = shape.body?.(i);
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method: shape.method,
        path: shape.path(i),
        agent,
        localAddress,
        headers: { ...shape.headers, ...(body !== undefined ? { "content-length": String(Buffer.byteLength(body)) } : {}) },
        timeout: 10_000,
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve(String(res.statusCode)));
        res.on("error", () => resolve(String(res.statusCode)));
      },
    );
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(`error:${e.code ?? e.name}`));
    req.end(body);
  });
}

async function worker(w: number): Promise<void> {
  for (let i = 0; !stopping; i++) {
    const key = await once(apis[(w + i) % apis.length]!, SHAPES[(w + i) % SHAPES.length]!, i);
    if (stopping) break;
    requests++;
    byStatus[key] = (byStatus[key] ?? 0) + 1;
  }
}

const workers = Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
const stop = (): void => {
  stopping = true;
  agent.destroy(); // requests still in flight end now (counted as nothing: the run is over)
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
if (Number.isFinite(seconds)) setTimeout(stop, seconds * 1000).unref();

void workers.then(() => {
  const usage = process.cpuUsage();
  process.stdout.write(`${JSON.stringify({ requests, byStatus, cpuS: Math.round((usage.user + usage.system) / 1e4) / 100 })}\n`);
  agent.destroy();
  process.exit(0);
});

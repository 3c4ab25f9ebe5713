/** `entropic tx send|double-spend|status`: a client of a node's HTTP API that signs locally. */
import { join } from "node:path";
import type { Command } from "commander";
import { utf8 } from "../../core/bytes.js";
import { UsageError } from "../../core/errors.js";
import { createTx } from "../../core/tx.js";
import { NodeClient } from "../../runtime/api/client.js";
import { nodeSignatures } from "../../runtime/crypto-node.js";
import { loadOrCreateKeyFile } from "../../runtime/node/identity.js";
import { collect } from "../sim/command.js";
import { RuntimeFailure, ViolationFound } from "../errors.js";
import { checkFileIfPresent } from "../files.js";
import { registerTxSign } from "./sign.js";

export const DEFAULT_CLIENT_KEY = ".entropic/client.key";

function parseNonce(raw: string | undefined): number {
  if (raw === undefined) return Date.now(); // a fresh conflict set per call unless the user picks one
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--nonce must be an integer in [0, 2^53), got ${JSON.stringify(raw)}`);
  return n;
}

/** A node API URL without its trailing slash. @throws UsageError unless http(s) */
export function parseUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    return raw.replace(/\/$/, "");
  } catch {
    throw new UsageError(`--api expects an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Load (or create, mode 0600) the signing key at `path`; a folder or unusable path is a usage error. */
export function loadClientKey(path: string, flag = "--key"): ReturnType<typeof loadOrCreateKeyFile> {
  checkFileIfPresent(path, flag);
  return loadOrCreateKeyFile(path, nodeSignatures);
}

/** The API URLs of every node listed in `DIR/devnet.json`. */
async function devnetApis(dir: string): Promise<string[]> {
  const { readDevnet } = await import("../dashboard/devnet-source.js");
  return readDevnet(dir).nodes.map((n) => parseUrl(n.api));
}

/** Which nodes a double spend's decision was checked on, in words. */
export function checkedNodesText(count: number, devnetDir: string | undefined): string {
  if (devnetDir !== undefined) return `on all ${count} nodes of ${join(devnetDir, "devnet.json")}`;
  return count === 1 ? "on the one node given" : count === 2 ? "on both nodes" : `on all ${count} nodes given`;
}

export function registerTx(program: Command): void {
  const tx = program.command("tx").description("sign transactions locally and send them to a node's HTTP API");
  registerTxSign(tx);

  tx.command("send")
    .description("sign one transaction and submit it")
    .requiredOption("--api <url>", "node API URL")
    .option("--key <file>", "signing key file (created with mode 0600 if absent)", DEFAULT_CLIENT_KEY)
    .option("--nonce <n>", "nonce (default: current time in ms)")
    .option("--payload <text>", "payload text", "hello")
    .option("--json", "print JSON")
    .action(async (o: { api: string; key: string; nonce?: string; payload: string; json?: boolean }) => {
      const url = parseUrl(o.api);
      const nonce = parseNonce(o.nonce);
      const { keys } = loadClientKey(o.key);
      const t = createTx(nodeSignatures, keys, nonce, utf8(o.payload));
      const r = await new NodeClient(url).submitTx(t);
      process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${r.cid}  ${r.status}  conflict ${r.conflict}\n`);
    });

  tx.command("double-spend")
    .description("submit two conflicting transactions (same author and nonce) to two nodes and watch the decision")
    .option("--api <url>", "node API URL (give two: one per transaction)", collect, [])
    .option("--devnet <dir>", "a devnet folder (devnet.json): send to its first two nodes unless --api is given, and check the decision on every node")
    .option("--key <file>", "signing key file", DEFAULT_CLIENT_KEY)
    .option("--nonce <n>", "nonce (default: current time in ms)")
    .option("--wait <seconds>", "how long to wait for every node to finalize", "30")
    .option("--json", "print JSON")
    .action(async (o: { api: string[]; devnet?: string; key: string; nonce?: string; wait: string; json?: boolean }) => {
      if (o.api.length < 1 && o.devnet === undefined) throw new UsageError("double-spend needs --api URL (twice, for two different nodes) or --devnet DIR");
      if (o.api.length > 2) throw new UsageError(`double-spend sends to two nodes: give --api at most twice (got ${o.api.length}); use --devnet DIR to check every node`);
      const given = o.api.map(parseUrl);
      const waitMs = Number(o.wait) * 1000;
      if (!Number.isFinite(waitMs) || waitMs <= 0) throw new UsageError(`--wait must be a positive number of seconds, got ${JSON.stringify(o.wait)}`);
      const nonce = parseNonce(o.nonce);
      const everyNode = o.devnet === undefined ? [] : await devnetApis(o.devnet);
      // Where the two transactions go: the --api URLs, else the devnet's first two nodes.
      const targets = given.length > 0 ? given : everyNode.slice(0, 2);
      // Where the decision is checked: every node of the devnet when given, else the targets.
      const urls = [...new Set([...targets, ...everyNode])];
      const { keys } = loadClientKey(o.key);
      const a = createTx(nodeSignatures, keys, nonce, utf8(`pay alice (nonce ${nonce})`));
      const b = createTx(nodeSignatures, keys, nonce, utf8(`pay bob (nonce ${nonce})`));
      const clients = new Map(urls.map((u) => [u, new NodeClient(u)]));
      const toA = targets[0]!;
      const toB = targets[Math.min(1, targets.length - 1)]!;
      const t0 = Date.now();
      const [ra, rb] = await Promise.all([clients.get(toA)!.submitTx(a), clients.get(toB)!.submitTx(b)]);
      if (!o.json) process.stdout.write(`A ${ra.cid} -> ${toA}\nB ${rb.cid} -> ${toB}\nconflict ${ra.conflict}\n`);
      const finals = new Map<string, string | null>(urls.map((u) => [u, null]));
      while (Date.now() - t0 < waitMs) {
        for (const [u, c] of clients) {
          if (finals.get(u)) continue;
          const view = await c.getConflict(ra.conflict).catch(() => null);
          finals.set(u, view?.final ?? null);
        }
        if ([...finals.values()].every((f) => f)) break;
        await sleep(100);
      }
      const ms = Date.now() - t0;
      const label = (cid: string | null | undefined) => (cid === ra.cid ? "A" : cid === rb.cid ? "B" : cid ? "?" : "undecided");
      const values = [...finals.values()];
      const agreed = new Set(values).size === 1 && values[0] !== null;
      const where = checkedNodesText(urls.length, o.devnet);
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ conflict: ra.conflict, a: ra.cid, b: rb.cid, finals: Object.fromEntries(finals), checked: urls.length, agreed, ms })}\n`);
      } else {
        for (const [u, f] of finals) process.stdout.write(`  ${u}  final ${label(f)}\n`);
        if (agreed) process.stdout.write(`decided ${label(values[0])} ${where} in ${ms} ms\n`);
      }
      if (!agreed) {
        const undecided = values.filter((f) => f === null).length;
        const split = new Set(values.filter((f) => f !== null)).size > 1;
        if (split) throw new ViolationFound(`SAFETY VIOLATED: double spend ${ra.conflict}: nodes finalized different transactions (${[...finals].map(([u, f]) => `${u} ${label(f)}`).join(", ")})`);
        throw new RuntimeFailure(`double spend ${ra.conflict}: not decided ${where} after ${ms} ms (${undecided} of ${urls.length} undecided; --wait ${o.wait})`);
      }
    });

  tx.command("status")
    .description("show a transaction (by CID) or a conflict set (by conflict key)")
    .requiredOption("--api <url>", "node API URL")
    .argument("<id>", "transaction CID or conflict key")
    .action(async (id: string, o: { api: string }) => {
      const client = new NodeClient(parseUrl(o.api));
      const view = id.includes(":") ? await client.getConflict(id) : await client.getTx(id);
      process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    });
}

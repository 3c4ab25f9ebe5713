/** `entropic tx send|double-spend|status`: a client of a node's HTTP API that signs locally. */
import type { Command } from "commander";
import { utf8 } from "../../core/bytes.js";
import { UsageError } from "../../core/errors.js";
import { createTx } from "../../core/tx.js";
import { NodeClient } from "../../runtime/api/client.js";
import { nodeSignatures } from "../../runtime/crypto-node.js";
import { loadOrCreateKeyFile } from "../../runtime/node/identity.js";
import { collect } from "../sim/command.js";

export const DEFAULT_CLIENT_KEY = ".entropic/client.key";

function parseNonce(raw: string | undefined): number {
  if (raw === undefined) return Date.now(); // a fresh conflict set per call unless the user picks one
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--nonce must be an integer in [0, 2^53), got ${JSON.stringify(raw)}`);
  return n;
}

function parseUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    return raw.replace(/\/$/, "");
  } catch {
    throw new UsageError(`--api expects an http(s) URL such as http://127.0.0.1:8080, got ${JSON.stringify(raw)}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerTx(program: Command): void {
  const tx = program.command("tx").description("sign transactions locally and send them to a node's HTTP API");

  tx.command("send")
    .description("sign one transaction and submit it")
    .requiredOption("--api <url>", "node API URL")
    .option("--key <file>", "signing key file (created with mode 0600 if absent)", DEFAULT_CLIENT_KEY)
    .option("--nonce <n>", "nonce (default: current time in ms)")
    .option("--payload <text>", "payload text", "hello")
    .option("--json", "print JSON")
    .action(async (o: { api: string; key: string; nonce?: string; payload: string; json?: boolean }) => {
      const { keys } = loadOrCreateKeyFile(o.key, nodeSignatures);
      const t = createTx(nodeSignatures, keys, parseNonce(o.nonce), utf8(o.payload));
      const r = await new NodeClient(parseUrl(o.api)).submitTx(t);
      process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${r.cid}  ${r.status}  conflict ${r.conflict}\n`);
    });

  tx.command("double-spend")
    .description("submit two conflicting transactions (same author and nonce) to two nodes and watch the decision")
    .requiredOption("--api <url>", "node API URL (give two: one per transaction)", collect, [])
    .option("--key <file>", "signing key file", DEFAULT_CLIENT_KEY)
    .option("--nonce <n>", "nonce (default: current time in ms)")
    .option("--wait <seconds>", "how long to wait for every node to finalize", "30")
    .option("--json", "print JSON")
    .action(async (o: { api: string[]; key: string; nonce?: string; wait: string; json?: boolean }) => {
      if (o.api.length < 1) throw new UsageError("double-spend needs --api URL (twice, for two different nodes)");
      const urls = o.api.map(parseUrl);
      const waitMs = Number(o.wait) * 1000;
      if (!Number.isFinite(waitMs) || waitMs <= 0) throw new UsageError(`--wait must be a positive number of seconds, got ${JSON.stringify(o.wait)}`);
      const { keys } = loadOrCreateKeyFile(o.key, nodeSignatures);
      const nonce = parseNonce(o.nonce);
      const a = createTx(nodeSignatures, keys, nonce, utf8(`pay alice (nonce ${nonce})`));
      const b = createTx(nodeSignatures, keys, nonce, utf8(`pay bob (nonce ${nonce})`));
      const clients = urls.map((u) => new NodeClient(u));
      const t0 = Date.now();
      const [ra, rb] = await Promise.all([clients[0]!.submitTx(a), clients[Math.min(1, clients.length - 1)]!.submitTx(b)]);
      if (!o.json) process.stdout.write(`A ${ra.cid} -> ${urls[0]}\nB ${rb.cid} -> ${urls[Math.min(1, urls.length - 1)]}\nconflict ${ra.conflict}\n`);
      const finals = new Map<string, string | null>();
      while (Date.now() - t0 < waitMs) {
        for (const [i, c] of clients.entries()) {
          if (finals.get(urls[i]!)) continue;
          const view = await c.getConflict(ra.conflict).catch(() => null);
          finals.set(urls[i]!, view?.final ?? null);
        }
        if ([...finals.values()].every((f) => f)) break;
        await sleep(100);
      }
      const ms = Date.now() - t0;
      const label = (cid: string | null | undefined) => (cid === ra.cid ? "A" : cid === rb.cid ? "B" : cid ? "?" : "undecided");
      const agreed = new Set(finals.values()).size === 1 && [...finals.values()][0] !== null;
      if (o.json) {
        process.stdout.write(`${JSON.stringify({ conflict: ra.conflict, a: ra.cid, b: rb.cid, finals: Object.fromEntries(finals), agreed, ms })}\n`);
      } else {
        for (const [u, f] of finals) process.stdout.write(`  ${u}  final ${label(f)}\n`);
        process.stdout.write(agreed ? `decided ${label([...finals.values()][0])} on every node in ${ms} ms\n` : `not decided everywhere after ${ms} ms\n`);
      }
      if (!agreed) process.exitCode = 1;
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

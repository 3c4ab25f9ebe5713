// `entropic tx sign` writes the tx.json the README's curl example posts: run the built CLI,
// then the README's curl command against a node's API server, and the node accepts it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile, spawnSync } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRng } from "../../src/core/prng.js";
import { verifyTx } from "../../src/core/tx.js";
import { toHex } from "../../src/core/bytes.js";
import { nodeCrypto, nodeSignatures } from "../../src/runtime/crypto-node.js";
import { systemClock } from "../../src/runtime/clock.js";
import { MemoryLedger } from "../../src/runtime/ledger/memory.js";
import { MemoryNetwork } from "../../src/runtime/transport/memory.js";
import { peerIdFromKeySeed } from "../../src/runtime/transport/keys.js";
import { NodeEngine } from "../../src/runtime/node/engine.js";
import { snowball } from "../../src/protocols/snowball/index.js";
import { loadOrCreateKeyFile } from "../../src/runtime/node/identity.js";
import { startApiServer, type ApiServer } from "../../src/runtime/api/server.js";
import { txFromJson, txJsonSchema } from "../../src/runtime/api/json.js";
import { entropic } from "../helpers/cli.js";

const haveCurl = spawnSync("curl", ["--version"]).status === 0;
if (!haveCurl) console.warn("tx-sign: curl not found; posting tx.json with fetch instead");

let dir: string;
let engine: NodeEngine;
let ledger: MemoryLedger;
let server: ApiServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "entropic-tx-sign-"));
  const seed = new Uint8Array(32).fill(3);
  const transport = new MemoryNetwork().createTransport(peerIdFromKeySeed(seed));
  await transport.start();
  ledger = new MemoryLedger();
  await ledger.open();
  engine = await NodeEngine.open({
    protocol: snowball,
    params: snowball.params.parse({ k: 1, alphaPreference: 1, alphaConfidence: 1, beta: 1 }),
    transport,
    ledger,
    clock: systemClock,
    crypto: nodeCrypto,
    keys: nodeSignatures.generateKeyPair(seed),
    rng: createRng(1, "tx-sign"),
  });
  server = await startApiServer(engine);
});

afterAll(async () => {
  await server?.close();
  await engine?.stop();
  await ledger?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POST the file as the README does (curl --data @file), or with fetch when curl is absent. */
async function postFile(file: string): Promise<{ status: number; body: { cid?: string; status?: string; error?: { code: string } } }> {
  if (haveCurl) {
    // Asynchronously: the server answering curl runs in this process.
    const r = await promisify(execFile)(
      "curl",
      ["-s", "-m", "20", "-w", "\n%{http_code}", "-X", "POST", "-H", "Content-Type: application/json", "--data", `@${file}`, `${server.url}/v1/tx`],
      { encoding: "utf8" },
    );
    const lines = r.stdout.trimEnd().split("\n");
    const status = Number(lines.pop());
    return { status, body: JSON.parse(lines.join("\n")) as { cid?: string } };
  }
  const res = await fetch(`${server.url}/v1/tx`, { method: "POST", headers: { "Content-Type": "application/json" }, body: readFileSync(file) });
  return { status: res.status, body: (await res.json()) as { cid?: string } };
}

describe("entropic tx sign", () => {
  it("writes a tx.json that the README's curl command submits (202), signed by the key file", async () => {
    const key = join(dir, "client.key");
    const out = join(dir, "tx.json");
    const r = entropic(["tx", "sign", "--key", key, "--nonce", "7", "--payload", "hello", "--out", out]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const printed = /^wrote (\S+) {2}cid (\S+) {2}conflict (\S+)\n$/.exec(r.stdout);
    expect(printed, r.stdout).not.toBeNull();
    const json = txJsonSchema.parse(JSON.parse(readFileSync(out, "utf8")));
    expect(json.nonce).toBe(7);
    expect(Buffer.from(json.payload, "base64").toString("utf8")).toBe("hello");
    expect(json.author).toBe(toHex(loadOrCreateKeyFile(key, nodeSignatures).keys.publicKey));
    expect(verifyTx(nodeSignatures, txFromJson(json))).toBe(true);

    const reply = await postFile(out);
    expect(reply.status).toBe(202);
    expect(reply.body.cid).toBe(printed![2]);
    expect(engine.getTx(printed![2]!)?.conflict).toBe(printed![3]);
  });

  it("prints the JSON on standard output without --out, and a payload given in base64", () => {
    const key = join(dir, "client.key");
    const r = entropic(["tx", "sign", "--key", key, "--nonce", "8", "--payload-base64", "AAEC/w=="]);
    expect(r.status).toBe(0);
    const json = txJsonSchema.parse(JSON.parse(r.stdout));
    expect([...Buffer.from(json.payload, "base64")]).toEqual([0, 1, 2, 255]);
    expect(verifyTx(nodeSignatures, txFromJson(json))).toBe(true);
  });

  it("a tampered tx.json is refused by the node with 400 bad-signature", async () => {
    const key = join(dir, "client.key");
    const out = join(dir, "tampered.json");
    expect(entropic(["tx", "sign", "--key", key, "--nonce", "9", "--out", out]).status).toBe(0);
    const json = JSON.parse(readFileSync(out, "utf8")) as { nonce: number };
    json.nonce = 10;
    const { writeFileSync } = await import("node:fs");
    writeFileSync(out, JSON.stringify(json));
    const reply = await postFile(out);
    expect(reply.status).toBe(400);
    expect(reply.body.error?.code).toBe("bad-signature");
  });

  it("refuses bad options with one line and exit code 2", () => {
    const key = join(dir, "client.key");
    for (const args of [
      ["--nonce", "-1"],
      ["--nonce", "x"],
      ["--payload", "a", "--payload-base64", "YQ=="],
      ["--payload-base64", "not base64!"],
      ["--payload", "x".repeat(70_000)],
    ]) {
      const r = entropic(["tx", "sign", "--key", key, ...args]);
      expect(r.status, args.join(" ")).toBe(2);
      expect(r.stderr.trim().split("\n"), args.join(" ")).toHaveLength(1);
      expect(r.stdout).toBe("");
    }
  });
});

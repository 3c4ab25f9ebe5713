/**
 * `entropic tx sign`: a transaction signed locally, written as the JSON body `POST /v1/tx`
 * takes (README "HTTP API"), so curl or any HTTP client can submit it:
 *
 *   entropic tx sign --nonce 7 --payload hello --out tx.json
 *   curl -s -X POST -H 'Content-Type: application/json' --data @tx.json http://127.0.0.1:8080/v1/tx
 */
import type { Command } from "commander";
import { utf8 } from "../../core/bytes.js";
import { UsageError } from "../../core/errors.js";
import { conflictKey, createTx, MAX_PAYLOAD_BYTES, txId } from "../../core/tx.js";
import { txJsonSchema, txToJson } from "../../runtime/api/json.js";
import { nodeHasher, nodeSignatures } from "../../runtime/crypto-node.js";
import { checkFileIfPresent, writeFileAtomic } from "../files.js";
import { DEFAULT_CLIENT_KEY, loadClientKey } from "./command.js";

interface SignOptions {
  readonly key: string;
  readonly nonce?: string;
  readonly payload?: string;
  readonly payloadBase64?: string;
  readonly out?: string;
}

function parseNonce(raw: string | undefined): number {
  if (raw === undefined) return Date.now(); // a fresh conflict set per call unless the user picks one
  const n = Number(raw);
  if (raw.trim() === "" || !Number.isSafeInteger(n) || n < 0) throw new UsageError(`--nonce must be an integer in [0, 2^53), got ${JSON.stringify(raw)}`);
  return n;
}

function parsePayload(o: SignOptions): Uint8Array {
  if (o.payload !== undefined && o.payloadBase64 !== undefined) throw new UsageError("give --payload or --payload-base64, not both");
  let bytes: Uint8Array;
  if (o.payloadBase64 !== undefined) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(o.payloadBase64) || o.payloadBase64.length % 4 === 1) {
      throw new UsageError(`--payload-base64 is not base64: ${JSON.stringify(o.payloadBase64.slice(0, 40))}`);
    }
    bytes = new Uint8Array(Buffer.from(o.payloadBase64, "base64"));
  } else {
    bytes = utf8(o.payload ?? "hello");
  }
  if (bytes.length > MAX_PAYLOAD_BYTES) throw new UsageError(`payload of ${bytes.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  return bytes;
}

/** Adds `sign` to the `tx` command. */
export function registerTxSign(tx: Command): void {
  tx.command("sign")
    .description("sign one transaction locally and write it as the JSON body of POST /v1/tx (for curl and other clients)")
    .option("--key <file>", "signing key file (created with mode 0600 if absent)", DEFAULT_CLIENT_KEY)
    .option("--nonce <n>", "nonce (default: current time in ms)")
    .option("--payload <text>", "payload text (default \"hello\")")
    .option("--payload-base64 <b64>", "payload bytes in base64, instead of --payload")
    .option("--out <file>", "write the JSON here (default: standard output)")
    .action((o: SignOptions) => {
      const nonce = parseNonce(o.nonce);
      const payload = parsePayload(o);
      if (o.out !== undefined) checkFileIfPresent(o.out, "--out");
      const { keys } = loadClientKey(o.key);
      const signed = createTx(nodeSignatures, keys, nonce, payload);
      const json = txToJson(signed);
      // What the node will check first: the same strict schema.
      txJsonSchema.parse(json);
      const text = `${JSON.stringify(json)}\n`;
      if (o.out === undefined) {
        process.stdout.write(text);
        return;
      }
      writeFileAtomic(o.out, text);
      process.stdout.write(`wrote ${o.out}  cid ${txId(signed, nodeHasher).toString()}  conflict ${conflictKey(signed)}\n`);
    });
}

/**
 * The JSON form of transactions used by the HTTP API, the CLI client and the dashboard:
 * `{author: hex(32 bytes), nonce: integer, payload: base64, signature: hex(64 bytes)}`.
 * Parsing is strict (zod, unknown fields refused) and checks sizes before decoding.
 */
import { z } from "zod";
import { fromHex, toHex } from "../../core/bytes.js";
import { MAX_PAYLOAD_BYTES, type Tx } from "../../core/tx.js";

/** zod schema of the JSON transaction (shapes only; the signature is checked by the node). */
export const txJsonSchema = z.strictObject({
  author: z.string().regex(/^[0-9a-fA-F]{64}$/, "author must be 64 hex characters (a 32-byte Ed25519 public key)"),
  nonce: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  payload: z
    .string()
    .max(Math.ceil(MAX_PAYLOAD_BYTES / 3) * 4, `payload must be at most ${MAX_PAYLOAD_BYTES} bytes`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, "payload must be base64"),
  signature: z.string().regex(/^[0-9a-fA-F]{128}$/, "signature must be 128 hex characters (64 bytes)"),
});

export type TxJson = z.infer<typeof txJsonSchema>;

export function txToJson(tx: Tx): TxJson {
  return { author: toHex(tx.author), nonce: tx.nonce, payload: Buffer.from(tx.payload).toString("base64"), signature: toHex(tx.signature) };
}

/** A Tx from validated JSON (run {@link txJsonSchema} first). */
export function txFromJson(json: TxJson): Tx {
  const payload = new Uint8Array(Buffer.from(json.payload, "base64"));
  if (payload.length > MAX_PAYLOAD_BYTES) throw new RangeError(`payload of ${payload.length} bytes exceeds ${MAX_PAYLOAD_BYTES}`);
  return { author: fromHex(json.author), nonce: json.nonce, payload, signature: fromHex(json.signature) };
}

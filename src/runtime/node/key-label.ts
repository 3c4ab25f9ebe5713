/**
 * Node keys derived from a public label (`entropic node --key-seed LABEL`), so a deployment
 * file can name every node's peer id before any node has started: a compose file or a
 * StatefulSet bootstraps each node to the others by `/dns4/NAME/tcp/PORT/p2p/PEER_ID`.
 *
 * The key is SHA-256 of a fixed prefix and the label: anyone who knows the label knows the
 * private key. For devnets and tests only, never for a node whose key must stay secret.
 * (No libp2p import here: the CLI checks labels before loading the node.)
 */
import { createHash } from "node:crypto";
import { closeSync, constants, existsSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { toHex } from "../../core/bytes.js";
import { EntropicError } from "../../core/errors.js";

/** What a label may hold: letters, digits, `.`, `_`, `-`, 1 to 64 characters (a pod or service name fits). */
export const KEY_LABEL_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

const PREFIX = "entropic/key-seed/v1\0";

/** The Ed25519 key seed (32 bytes) of `label`. */
export function keySeedFromLabel(label: string): Uint8Array {
  if (!KEY_LABEL_PATTERN.test(label)) throw new RangeError(`a key label is 1 to 64 of [A-Za-z0-9._-], got ${JSON.stringify(label)}`);
  return new Uint8Array(createHash("sha256").update(PREFIX + label, "utf8").digest());
}

/** The node folder's key file holds another key than the label gives (the user's input: exit 2). */
export class KeyLabelMismatchError extends EntropicError {
  constructor(readonly path: string, label: string) {
    super("USAGE", `${path} holds another key than --key-seed ${label} gives; use the folder's own key (drop --key-seed) or another --data folder`);
  }
}

/**
 * Write the key file of `label` at `path` (mode 0600) unless a file is there already. The
 * caller then loads the file as usual and compares: see {@link checkKeyMatches}.
 */
export function writeLabelKeyIfAbsent(path: string, label: string): void {
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return; // another process wrote it first: compared below
    throw err;
  }
  try {
    writeSync(fd, `${toHex(keySeedFromLabel(label))}\n`); // the key-file form of transport/keys.ts
  } finally {
    closeSync(fd);
  }
}

/** @throws KeyLabelMismatchError when `seed` (read from `path`) is not the key of `label` */
export function checkKeyMatches(path: string, seed: Uint8Array, label: string): void {
  if (toHex(seed) !== toHex(keySeedFromLabel(label))) throw new KeyLabelMismatchError(path, label);
}

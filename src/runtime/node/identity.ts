/**
 * A node's identity on disk: `DATA/node.key`, the 32-byte Ed25519 seed as hex, created on
 * first start with mode 0600 and refused afterwards when others can read it (as ssh does
 * with private keys). One key is both the libp2p peer identity and the signing key of
 * answers and vertices, so a signature names the peer that sent it.
 */
import { closeSync, constants, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { KeyPair, SignatureScheme } from "../../core/crypto.js";
import { EntropicError } from "../../core/errors.js";
import { decodeKeySeed, encodeKeySeed, generateKeySeed } from "../transport/keys.js";

export const KEY_FILE = "node.key";

/** The key file exists but group or others may read it. */
export class KeyFilePermissionError extends EntropicError {
  constructor(readonly path: string, mode: number) {
    super("KEY_FILE_PERMISSIONS", `${path}: mode ${(mode & 0o777).toString(8)} lets others read the node key; run chmod 600 ${path}`);
  }
}

export interface Identity {
  readonly seed: Uint8Array;
  readonly keys: KeyPair;
  /** true when this call created the key file */
  readonly created: boolean;
}

/** Load `dir/node.key`, creating it (mode 0600, never overwriting) when absent. */
export function loadOrCreateIdentity(dir: string, signatures: SignatureScheme): Identity {
  return loadOrCreateKeyFile(join(dir, KEY_FILE), signatures);
}

/** Load an Ed25519 key file at `path`, creating it (and its folder) with mode 0600 when absent. */
export function loadOrCreateKeyFile(path: string, signatures: SignatureScheme): Identity {
  mkdirSync(dirname(path), { recursive: true });
  let created = false;
  let seed: Uint8Array;
  try {
    // O_EXCL: two processes starting on one folder cannot both create (and disagree on) the key.
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    seed = generateKeySeed();
    try {
      writeSync(fd, encodeKeySeed(seed));
    } finally {
      closeSync(fd);
    }
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const mode = statSync(path).mode;
    if ((mode & 0o077) !== 0) throw new KeyFilePermissionError(path, mode);
    seed = decodeKeySeed(readFileSync(path, "utf8"), path);
  }
  return { seed, keys: signatures.generateKeyPair(seed), created };
}

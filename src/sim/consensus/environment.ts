/**
 * What the simulator gives a run beyond the protocol contract's {@link RunEnvironment}:
 * the crypto suite, injected by the caller (the CLI passes node:crypto's) because the pure
 * layer may not import it. Only the event driver uses it (signed answers); runs that need
 * it and do not get it throw {@link missingCrypto}'s error.
 */
import type { CryptoSuite } from "../../core/crypto.js";
import type { RunEnvironment } from "../../protocols/protocol.js";
import type { MessageRecord } from "../event/trace.js";

export interface SimEnvironment extends RunEnvironment {
  /** signatures and hashing; absent unless the caller injects them */
  readonly crypto?: CryptoSuite;
  /** the event driver calls this for every message sent (its message trace, src/sim/event/trace.ts) */
  readonly onMessage?: (message: MessageRecord) => void;
}

/** The crypto suite of an environment, or a clear error naming what asked for it. */
export function requireCrypto(env: RunEnvironment, what: string): CryptoSuite {
  const crypto = (env as SimEnvironment).crypto;
  if (crypto === undefined) {
    throw new Error(
      `${what} needs a signature scheme, but none was injected: pass { crypto } to simulate() (the CLI passes nodeCrypto from src/runtime/crypto-node.ts), or set network.signatures: false`,
    );
  }
  return crypto;
}

/**
 * verify_rate: Ed25519 verifications per second on one core of this machine, measured
 * in-process. Two figures: through the project's `nodeSignatures.verify` (the strict
 * encoding checks of core/ed25519-strict.ts, the KeyObject cache, node:crypto) and raw
 * OpenSSL (`crypto.verify` with a prepared KeyObject) beside it. Messages are distinct
 * 100-byte strings signed beforehand, under one key (the devnet load signs with one key, so
 * the node's key cache always hits; a first-seen key costs about one more verification).
 *
 * The throughput limit of issue 12 is C × verify_rate / N: every one of N nodes verifies
 * every transaction once, on C cores shared by all.
 */
import { createPublicKey, verify as osslVerify } from "node:crypto";
import { nodeSignatures } from "../../src/runtime/crypto-node.js";

export interface VerifyRate {
  /** verifications/s through nodeSignatures.verify (strict checks included) */
  readonly project: number;
  /** verifications/s of bare crypto.verify on a prepared KeyObject */
  readonly openssl: number;
  /**
   * The same two per second of this process's own CPU time (user + system) rather than
   * wall-clock: what one core does when it runs only this, so on a machine shared with
   * other work it is the better estimate of the quiet-machine rate (the wall-clock figures
   * fall with the load average).
   */
  readonly projectPerCpuSecond: number;
  readonly opensslPerCpuSecond: number;
  readonly samples: number;
  /** wall-clock ms spent measuring */
  readonly ms: number;
}

const SPKI_ED25519_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/**
 * Best of `rounds` timed passes of `count` verifications each (the best pass is the one
 * least disturbed by other processes on a shared machine).
 */
export function measureVerifyRate(options: { count?: number; rounds?: number } = {}): VerifyRate {
  const count = options.count ?? 2000;
  const rounds = options.rounds ?? 5;
  const start = performance.now();
  const keys = nodeSignatures.generateKeyPair(new Uint8Array(32).fill(99));
  const messages: Uint8Array[] = [];
  const sigs: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const m = new Uint8Array(100);
    new DataView(m.buffer).setUint32(0, i);
    messages.push(m);
    sigs.push(nodeSignatures.sign(keys.secretKey, m));
  }
  const keyObject = createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, Buffer.from(keys.publicKey)]), format: "der", type: "spki" });
  const best = { project: 0, openssl: 0, projectCpu: 0, opensslCpu: 0 };
  const cpuS = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
  for (let r = 0; r < rounds; r++) {
    let t = performance.now();
    let c = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      if (!nodeSignatures.verify(keys.publicKey, messages[i]!, sigs[i]!)) throw new Error("verify-rate: a valid signature failed to verify");
    }
    best.project = Math.max(best.project, count / ((performance.now() - t) / 1000));
    best.projectCpu = Math.max(best.projectCpu, count / cpuS(process.cpuUsage(c)));
    t = performance.now();
    c = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      if (!osslVerify(null, messages[i]!, keyObject, sigs[i]!)) throw new Error("verify-rate: a valid signature failed to verify (OpenSSL)");
    }
    best.openssl = Math.max(best.openssl, count / ((performance.now() - t) / 1000));
    best.opensslCpu = Math.max(best.opensslCpu, count / cpuS(process.cpuUsage(c)));
  }
  return {
    project: best.project,
    openssl: best.openssl,
    projectPerCpuSecond: best.projectCpu,
    opensslPerCpuSecond: best.opensslCpu,
    samples: count * rounds,
    ms: performance.now() - start,
  };
}

/** Finalized tx/s no design can exceed here: C × verify_rate / N. */
export function throughputLimit(cores: number, verifyRate: number, nodes: number): number {
  return (cores * verifyRate) / nodes;
}

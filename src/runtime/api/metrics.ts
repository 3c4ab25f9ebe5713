/**
 * Metrics the API layer adds to the node's own (README "HTTP API", `/v1/metrics`), and the
 * unit rule every exposed name follows: Prometheus base units (`_seconds`, `_bytes`) and
 * `_total` on counters. Kept apart from the renderer so the engine, the server and tests
 * share one definition of each name.
 */
import type { SignatureScheme } from "../../core/crypto.js";
import { strictRefusal } from "../../core/ed25519-strict.js";
import type { HistogramMetric, MetricSample } from "./facade.js";

/** Upper bounds (seconds) of the finality-latency buckets; `+Inf` is implied. */
export const FINALITY_LATENCY_BUCKETS_SECONDS: readonly number[] = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** A cumulative Prometheus histogram with fixed bucket bounds. */
export class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    /** strictly increasing finite upper bounds */
    readonly bounds: readonly number[],
  ) {
    for (let i = 0; i < bounds.length; i++) {
      if (!Number.isFinite(bounds[i]!) || (i > 0 && !(bounds[i]! > bounds[i - 1]!))) {
        throw new RangeError(`histogram ${name}: bucket bounds must be finite and strictly increasing`);
      }
    }
    this.counts = new Array<number>(bounds.length).fill(0);
  }

  /** Record one observation; NaN and negative values are ignored (they cannot be latencies). */
  observe(value: number): void {
    if (!(value >= 0)) return;
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++;
  }

  get observations(): number {
    return this.count;
  }

  snapshot(): HistogramMetric {
    return {
      name: this.name,
      help: this.help,
      type: "histogram",
      buckets: this.bounds.map((le, i) => ({ le, count: this.counts[i]! })),
      sum: this.sum,
      count: this.count,
    };
  }
}

/** The histogram of `entropic_finality_latency_seconds` (first seen on this node → finalized). */
export function finalityLatencyHistogram(): Histogram {
  return new Histogram(
    "entropic_finality_latency_seconds",
    "Time from this node first seeing a transaction to finalizing its conflict set.",
    FINALITY_LATENCY_BUCKETS_SECONDS,
  );
}

/** Outcome of one signature verification. */
export type SignatureVerdict = "ok" | "refused" | "bad";

/** Verification outcomes: the shape of `nodeSignatures.verifications` (runtime/crypto-node.ts). */
export interface SignatureCountsView {
  readonly ok: number;
  readonly refused: number;
  readonly bad: number;
}

/**
 * Counts of signature verifications by outcome: `ok` verified, `refused` rejected before
 * any curve arithmetic (a key or signature encoding the scheme does not accept), `bad` a
 * well-formed signature that does not verify.
 */
export class SignatureCounts implements SignatureCountsView {
  ok = 0;
  refused = 0;
  bad = 0;

  record(verdict: SignatureVerdict): void {
    this[verdict]++;
  }
}

/** `entropic_signature_verifications_total{result="ok|refused|bad"}` of `counts`. */
export function signatureSamples(counts: SignatureCountsView): MetricSample[] {
  const help = "Signature verifications by result: ok, refused (encoding refused before verifying), bad (does not verify).";
  return (["ok", "refused", "bad"] as const).map((result) => ({
    name: "entropic_signature_verifications_total",
    help,
    type: "counter" as const,
    value: counts[result],
    labels: { result },
  }));
}

/**
 * Tells whether `verify` refuses this key and signature by their encoding alone, so
 * {@link countingSignatures} counts them as `refused` rather than `bad`.
 */
export type SignatureRefusalCheck = (publicKey: Uint8Array, signature: Uint8Array) => boolean;

/** The default: the strict Ed25519 encoding rules (core/ed25519-strict.ts: lengths, small-order or non-canonical key or R, S ≥ L). */
export const refusesStrictly: SignatureRefusalCheck = (publicKey, signature) => strictRefusal(publicKey, signature) !== null;

/**
 * `inner` with every `verify` counted in `counts`, for a scheme that does not count its
 * own (node:crypto's `nodeSignatures` does: its `verifications`). Signing and key
 * generation pass through. A false verification is `refused` when `refuses` says so,
 * `bad` otherwise.
 */
export function countingSignatures(inner: SignatureScheme, counts: SignatureCounts, refuses: SignatureRefusalCheck = refusesStrictly): SignatureScheme {
  return {
    generateKeyPair: (seed32) => inner.generateKeyPair(seed32),
    sign: (secretKey, message) => inner.sign(secretKey, message),
    verify(publicKey, message, signature) {
      const ok = inner.verify(publicKey, message, signature);
      counts.record(ok ? "ok" : refuses(publicKey, signature) ? "refused" : "bad");
      return ok;
    },
  };
}

/**
 * The node's samples in base units: a name carrying milliseconds (`…_ms`, `…_ms_total`)
 * becomes seconds (`…_seconds`, `…_seconds_total`) with its value divided by 1000, and a
 * counter without `_total` gains it. Other samples pass unchanged.
 */
export function toBaseUnits(samples: readonly MetricSample[]): MetricSample[] {
  return samples.map((s) => {
    let name = s.name;
    let value = s.value;
    let help = s.help;
    const ms = /_ms(_total)?$/.exec(name);
    if (ms !== null) {
      name = `${name.slice(0, ms.index)}_seconds${ms[1] ?? ""}`;
      value = value / 1000;
      help = `${help} (seconds)`;
    }
    if (s.type === "counter" && !name.endsWith("_total")) name = `${name}_total`;
    return name === s.name ? s : { ...s, name, value, help };
  });
}

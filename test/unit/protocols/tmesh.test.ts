import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Xoshiro128 } from "../../../src/core/prng.js";
import { NO_CANDIDATE } from "../../../src/protocols/consensus.js";
import { type TmeshParams, STATE_TOLERANCE, TmeshState, tmesh, tmeshParams } from "../../../src/protocols/tmesh/index.js";
import { type CMatrix, add, fromParts, isHermitian, kron, maxAbsDiff, mul, adjoint, trace, zeros } from "../../../src/physics/complex.js";
import { amplify, dephase, isDensityMatrix, pureDensity, vonNeumannEntropy } from "../../../src/physics/density.js";
import { applyUnitary, partialSwapGossip, partialSwapUnitary, partialTrace } from "../../../src/physics/partial.js";
import { shannonEntropy } from "../../../src/physics/entropy.js";
import { finalizedSectionSheaf } from "../../../src/physics/finalized-sheaf.js";
import { coboundaryNorm } from "../../../src/physics/sheaf.js";
import { randomDensity, randomUnitary, rngFor } from "../physics/helpers.js";

const ctx = { tick: 0, rng: new Xoshiro128(0) };

function make(nodes: number, d: number, params: Partial<TmeshParams> = {}, instances = 1): TmeshState {
  return new TmeshState({ nodes, instances, candidates: d }, tmeshParams.parse(params));
}

function words(rho: CMatrix): Float64Array {
  const w = new Float64Array(2 * rho.n * rho.n);
  w.set(rho.re, 0);
  w.set(rho.im, rho.n * rho.n);
  return w;
}

function fromWords(w: Float64Array, d: number): CMatrix {
  const m = zeros(d);
  m.re.set(w.subarray(0, d * d));
  m.im.set(w.subarray(d * d, 2 * d * d));
  return m;
}

function pure(d: number, c: number): CMatrix {
  return pureDensity(Array.from({ length: d }, (_, k) => (k === c ? 1 : 0)));
}

function diagonal(p: number[]): CMatrix {
  const d = p.length;
  const m = zeros(d);
  p.forEach((v, k) => (m.re[k * d + k] = v));
  return m;
}

/** One pair exchange: `asker` polls `responder`. Returns the query and the answer. */
function exchange(st: TmeshState, asker: number, responder: number, instance = 0) {
  const w = st.width;
  const query = new Float64Array(w);
  const answer = new Float64Array(w);
  st.prepareQuery(asker, instance, query);
  st.respond(responder, instance, query, answer, ctx);
  st.onPoll(asker, instance, answer, Int32Array.of(responder), 1, ctx);
  return { query, answer };
}

/** Feed `node` the same answer `times` times (as if polling like-minded peers). */
function feed(st: TmeshState, node: number, rho: CMatrix, times: number, instance = 0): void {
  const w = words(rho);
  for (let t = 0; t < times; t++) st.onPoll(node, instance, w, Int32Array.of(0), 1, ctx);
}

/** Introduce `c` and poll β like-minded answers: the slot finalizes on c. */
function finalizeOn(st: TmeshState, node: number, c: number, instance = 0): void {
  st.introduce(node, instance, c);
  feed(st, node, pure(st.d, c), st.beta, instance);
  expect(st.isFinal(node, instance)).toBe(true);
}

/** Tr_B[U(a⊗b)U†] with U = exp(iθ·SWAP), by the explicit d²×d² route. */
function explicitGossip(a: CMatrix, b: CMatrix, theta: number): CMatrix {
  return partialTrace(applyUnitary(partialSwapUnitary(a.n, theta), kron(a, b)), a.n, b.n, "A");
}

describe("tmesh params", () => {
  it("defaults", () => {
    expect(tmeshParams.parse({})).toEqual({
      theta: Math.PI / 4,
      collapse: "dephase-amplify",
      m: 2,
      epsilon: 0.01,
      partners: 1,
      sheafEpsilon: 1e-6,
      conflictLogLimit: 1000,
    });
    // beta left out: a function of n (tmeshDefaultBeta), fixed when the state is created
    expect(new TmeshState({ nodes: 2000, instances: 1, candidates: 2 }, tmeshParams.parse({})).beta).toBe(13);
  });

  it.each([
    [{ theta: 0 }, /theta .* must be a finite number in \(0, π\/2\]; got 0/],
    [{ theta: 2 }, /theta/],
    [{ theta: NaN }, /theta/],
    [{ m: 0.5 }, /m \(amplification exponent.*\[1, 1000\]; got 0.5/],
    [{ epsilon: 0 }, /epsilon/],
    [{ beta: 0 }, /beta .* integer in \[1, 1000000000\]; got 0/],
    [{ beta: 2.5 }, /beta/],
    [{ collapse: "measure" }, /collapse must be "dephase-amplify" or "none"; got "measure"/],
    [{ sheafEpsilon: -1 }, /sheafEpsilon/],
    [{ conflictLogLimit: -1 }, /conflictLogLimit/],
    [{ thetta: 1 }, /thetta/],
  ])("%j is rejected with a clear message", (input, message) => {
    const r = tmeshParams.safeParse(input);
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.message + " " + i.path.join(".") + " " + JSON.stringify(i)).join("\n")).toMatch(message);
  });
});

describe("tmesh protocol surface", () => {
  it("pair exchange with 2·d² words", () => {
    expect(tmesh.name).toBe("tmesh");
    expect(tmesh.exchange).toBe(true);
    expect(tmesh.sampleSize(tmeshParams.parse({}))).toBe(1);
    expect([2, 3, 8].map((d) => tmesh.answerWidth(d))).toEqual([8, 18, 128]);
    expect(tmesh.observables).toEqual(["meanVonNeumann", "maxVonNeumann", "rejectedStates", "sheafConflicts"]);
    expect(tmesh.createState({ nodes: 2, instances: 3, candidates: 4 }, tmeshParams.parse({}))).toBeInstanceOf(TmeshState);
  });

  it("answerFor writes |c⟩⟨c| (re then im, row-major), which an honest node accepts", () => {
    const out = new Float64Array(18).fill(7);
    tmesh.answerFor(1, 3, out);
    expect(maxAbsDiff(fromWords(out, 3), pure(3, 1))).toBe(0);
    const st = make(2, 3);
    st.introduce(0, 0, 1);
    st.onPoll(0, 0, out, Int32Array.of(1), 1, ctx);
    expect(st.rejectedStates).toBe(0);
    expect(st.streak[0]).toBe(1);
  });
});

describe("tmesh state and first sight", () => {
  it("an introduced node starts at |c⟩⟨c|; a second introduction is ignored; bad candidates throw", () => {
    const st = make(2, 3);
    st.introduce(0, 0, 2);
    st.introduce(0, 0, 1);
    expect(maxAbsDiff(st.density(0, 0), pure(3, 2))).toBe(0);
    expect(st.preference(0, 0)).toBe(2);
    expect(st.entropy(0, 0)).toBe(0);
    expect(st.wantsPoll(0, 0)).toBe(true);
    expect(() => st.introduce(1, 0, 3)).toThrow(RangeError);
    expect(() => st.introduce(1, 0, 0.5)).toThrow(RangeError);
  });

  it("an empty node polls with an abstention and adopts the answer; the responder does not move", () => {
    const st = make(2, 2, { collapse: "none" });
    st.setDensity(0, 0, diagonal([0.25, 0.75]));
    expect(st.wantsPoll(1, 0)).toBe(true); // the contract: nodes that know nothing poll and learn
    const { query } = exchange(st, 1, 0);
    expect(query.every((x) => x === 0)).toBe(true);
    expect(st.rejectedStates).toBe(0);
    expect(maxAbsDiff(st.density(0, 0), diagonal([0.25, 0.75]))).toBe(0);
    expect(maxAbsDiff(st.density(1, 0), diagonal([0.25, 0.75]))).toBe(0);
    expect(st.streak[1]).toBe(0); // adoption is not an interaction
  });

  it("an empty node prefers nothing, answers an abstention and adopts the first query", () => {
    const st = make(2, 2);
    expect(st.preference(1, 0)).toBe(NO_CANDIDATE);
    expect(st.entropy(1, 0)).toBeNaN();
    st.introduce(0, 0, 1);
    const { answer } = exchange(st, 0, 1);
    expect(Array.from(answer)).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    // The asker ignored the abstention: no interaction, nothing rejected.
    expect(st.streak[0]).toBe(0);
    expect(st.rejectedStates).toBe(0);
    expect(maxAbsDiff(st.density(1, 0), pure(2, 1))).toBe(0);
    expect(st.preference(1, 0)).toBe(1);
    expect(st.wantsPoll(1, 0)).toBe(true);
    expect(st.streak[1]).toBe(0); // adoption is not an interaction
  });

  it("an empty node that polls anyway adopts the first valid answer, then interacts with the next", () => {
    const st = make(1, 2, { collapse: "none" });
    const a = words(diagonal([0.75, 0.25]));
    const b = words(pure(2, 1));
    const answers = new Float64Array(24);
    answers.set(new Float64Array(8).fill(NaN), 0);
    answers.set(a, 8);
    answers.set(b, 16);
    st.onPoll(0, 0, answers, Int32Array.of(1, 2, 3), 3, ctx);
    expect(st.rejectedStates).toBe(1);
    // adopted (0.75, 0.25), then the half-swap with |1⟩⟨1|: (0.375, 0.625)
    expect(maxAbsDiff(st.density(0, 0), diagonal([0.375, 0.625]))).toBeLessThan(1e-15);
  });

  it("setDensity validates and stores; density returns a copy", () => {
    const st = make(1, 2);
    expect(() => st.setDensity(0, 0, diagonal([0.6, 0.5]))).toThrow(RangeError);
    expect(() => st.setDensity(0, 0, pure(3, 0))).toThrow(RangeError);
    st.setDensity(0, 0, diagonal([0.25, 0.75]));
    const copy = st.density(0, 0);
    copy.re[0] = 9;
    expect(st.density(0, 0).re[0]).toBe(0.25);
    expect(st.preference(0, 0)).toBe(1);
  });
});

describe("tmesh interaction = partial-swap quantum gossip", () => {
  const arb = fc.tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 4 }), fc.double({ min: 1e-3, max: Math.PI / 2, noNaN: true }));

  it("asker and responder end at Tr_partner[U(ρ⊗σ)U†] (explicit kron, unitary, partial trace); query and answer carry the pre-update states", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rng = rngFor(seed);
        const rhoI = randomDensity(rng, d, 1 + (seed % d));
        const rhoJ = randomDensity(rng, d, 1 + ((seed >>> 3) % d));
        const st = make(2, d, { collapse: "none", theta });
        st.setDensity(0, 0, rhoI);
        st.setDensity(1, 0, rhoJ);
        const { query, answer } = exchange(st, 0, 1);
        expect(maxAbsDiff(fromWords(query, d), rhoI)).toBeLessThan(1e-15);
        expect(maxAbsDiff(fromWords(answer, d), rhoJ)).toBeLessThan(1e-15);
        const asker = st.density(0, 0);
        const responder = st.density(1, 0);
        expect(maxAbsDiff(asker, explicitGossip(rhoI, rhoJ, theta))).toBeLessThan(1e-12);
        expect(maxAbsDiff(responder, explicitGossip(rhoJ, rhoI, theta))).toBeLessThan(1e-12);
        // The responder's update is also the other marginal of the same joint evolution.
        const joint = applyUnitary(partialSwapUnitary(d, theta), kron(rhoI, rhoJ));
        expect(maxAbsDiff(responder, partialTrace(joint, d, d, "B"))).toBeLessThan(1e-12);
        for (const m of [asker, responder]) {
          expect(Math.abs(trace(m).re - 1)).toBeLessThan(1e-14);
          expect(isHermitian(m, 0)).toBe(true);
          expect(isDensityMatrix(m, 1e-12)).toBe(true);
        }
      }),
      { numRuns: 120, seed: 2015 },
    );
  });

  it("without collapse the exchange conserves ρ_i + ρ_j", () => {
    fc.assert(
      fc.property(arb, ([seed, d, theta]) => {
        const rng = rngFor(seed);
        const rhoI = randomDensity(rng, d);
        const rhoJ = randomDensity(rng, d, 1);
        const st = make(2, d, { collapse: "none", theta });
        st.setDensity(0, 0, rhoI);
        st.setDensity(1, 0, rhoJ);
        exchange(st, 0, 1);
        expect(maxAbsDiff(add(st.density(0, 0), st.density(1, 0)), add(rhoI, rhoJ))).toBeLessThan(1e-13);
      }),
      { numRuns: 150, seed: 2016 },
    );
  });

  it("a run of exchanges keeps every state a density matrix (trace drift does not compound)", () => {
    const rng = rngFor(77);
    const n = 10;
    const d = 3;
    const st = make(n, d, { collapse: "none", beta: 1e9 });
    for (let i = 0; i < n; i++) st.setDensity(i, 0, randomDensity(rng, d));
    for (let t = 0; t < 5000; t++) {
      const a = rng.nextInt(n);
      const b = (a + 1 + rng.nextInt(n - 1)) % n;
      exchange(st, a, b);
    }
    expect(st.rejectedStates).toBe(0);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(trace(st.density(i, 0)).re - 1)).toBeLessThan(1e-14);
      expect(isDensityMatrix(st.density(i, 0), 1e-12)).toBe(true);
    }
  });

  it("diagonal (commuting) states take the O(d) path, bit-identical to the general closed form", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 2, maxLength: 6 }),
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 2, maxLength: 6 }),
        fc.double({ min: 1e-3, max: Math.PI / 2, noNaN: true }),
        (ra, rb, theta) => {
          const d = Math.min(ra.length, rb.length);
          // Dyadic probabilities: exact trace 1, so no renormalisation on the way in.
          const dyadic = (r: number[]) => {
            const v = r.slice(0, d).map((x) => x + 1);
            const total = v.reduce((s, x) => s + x, 0);
            const p = v.map((x) => Math.floor((x / total) * 1024) / 1024);
            p[0] = p[0]! + (1 - p.reduce((s, x) => s + x, 0));
            return diagonal(p);
          };
          const a = dyadic(ra);
          const b = dyadic(rb);
          const st = make(2, d, { collapse: "none", theta });
          st.setDensity(0, 0, a);
          st.setDensity(1, 0, b);
          exchange(st, 0, 1);
          const expected = partialSwapGossip(a, b, theta);
          let tr = 0;
          for (let k = 0; k < d; k++) tr += expected.re[k * d + k]!;
          if (tr !== 1) for (let k = 0; k < d * d; k++) expected.re[k] = expected.re[k]! * (1 / tr);
          expect(maxAbsDiff(st.density(0, 0), expected)).toBe(0);
        },
      ),
      { numRuns: 200, seed: 2017 },
    );
  });
});

describe("tmesh collapse: dephase, then ρ^m / Tr ρ^m", () => {
  /** The collapse of ρ as the protocol applies it: exchange with a peer holding the same ρ (gossip is then the identity). */
  function collapseViaProtocol(rho: CMatrix, m: number): CMatrix {
    const st = make(2, rho.n, { m, beta: 1e9 });
    st.setDensity(0, 0, rho);
    st.setDensity(1, 0, rho);
    exchange(st, 0, 1);
    return st.density(0, 0);
  }

  const argmaxDiag = (rho: CMatrix) => {
    let best = 0;
    for (let c = 1; c < rho.n; c++) if (rho.re[c * rho.n + c]! > rho.re[best * rho.n + best]!) best = c;
    return best;
  };
  const diagOf = (rho: CMatrix) => Array.from({ length: rho.n }, (_, c) => rho.re[c * rho.n + c]!);

  it("equals amplify(dephase(ρ), m) from the physics layer, keeps the argmax, and lowers entropy below the dephased state's", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 2, max: 5 }), fc.constantFrom(1.5, 2, 3), (seed, d, m) => {
        const rho = randomDensity(rngFor(seed), d, 1 + (seed % d));
        const out = collapseViaProtocol(rho, m);
        expect(maxAbsDiff(out, amplify(dephase(rho), m))).toBeLessThan(1e-12);
        expect(argmaxDiag(out)).toBe(argmaxDiag(rho));
        const sDephased = shannonEntropy(diagOf(rho));
        expect(vonNeumannEntropy(out)).toBeLessThan(sDephased);
      }),
      { numRuns: 150, seed: 2018 },
    );
  });

  it("for diagonal states (every state of an honest run) it strictly lowers entropy unless uniform on the support", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: 2, maxLength: 6 }), (raw) => {
        const total = raw.reduce((s, x) => s + x, 0);
        const rho = diagonal(raw.map((x) => x / total));
        const before = vonNeumannEntropy(rho);
        const after = vonNeumannEntropy(collapseViaProtocol(rho, 2));
        const uniform = Math.max(...raw) - Math.min(...raw) < 1e-9;
        if (uniform) expect(Math.abs(after - before)).toBeLessThan(1e-12);
        else expect(after).toBeLessThan(before);
      }),
      { numRuns: 200, seed: 2019 },
    );
    expect(vonNeumannEntropy(collapseViaProtocol(diagonal([0.5, 0.5, 0]), 2))).toBeCloseTo(Math.LN2, 14);
  });

  it("but it can RAISE the entropy of a coherent state: |+⟩⟨+| (S = 0) collapses to I/2 (S = ln 2)", () => {
    const plus = pureDensity([1, 1]);
    expect(vonNeumannEntropy(plus)).toBeLessThan(1e-12);
    const out = collapseViaProtocol(plus, 2);
    expect(maxAbsDiff(out, diagonal([0.5, 0.5]))).toBeLessThan(1e-15);
    expect(vonNeumannEntropy(out)).toBeCloseTo(Math.LN2, 14);
  });

  it("after one collapse every state is diagonal, so later exchanges are classical convex gossip", () => {
    const rng = rngFor(8);
    const d = 3;
    const st = make(6, d, { beta: 1e9 });
    for (let i = 0; i < 6; i++) st.setDensity(i, 0, randomDensity(rng, d));
    for (let t = 0; t < 30; t++) exchange(st, t % 6, (t + 1 + (t % 5)) % 6);
    for (let i = 0; i < 6; i++) {
      const rho = st.density(i, 0);
      for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) if (a !== b) expect(rho.re[a * d + b]).toBe(0);
      expect(rho.im.every((x) => x === 0)).toBe(true);
    }
    // Two diagonal states: the half-swap is the average, then sharpening.
    const st2 = make(2, 2);
    st2.setDensity(0, 0, diagonal([0.5, 0.5]));
    st2.setDensity(1, 0, diagonal([1, 0]));
    exchange(st2, 0, 1);
    // average (0.75, 0.25) → squared (0.5625, 0.0625) / 0.625 = (0.9, 0.1)
    expect(maxAbsDiff(st2.density(0, 0), diagonal([0.9, 0.1]))).toBeLessThan(1e-15);
    expect(maxAbsDiff(st2.density(1, 0), diagonal([0.9, 0.1]))).toBeLessThan(1e-15);
  });
});

describe("tmesh finality", () => {
  it("finalizes after exactly β own interactions with S < ε, on argmax diag ρ", () => {
    const st = make(1, 3, { beta: 4 });
    st.introduce(0, 0, 2);
    feed(st, 0, pure(3, 2), 3);
    expect(st.isFinal(0, 0)).toBe(false);
    feed(st, 0, pure(3, 2), 1);
    expect(st.isFinal(0, 0)).toBe(true);
    expect(st.preference(0, 0)).toBe(2);
    expect(st.wantsPoll(0, 0)).toBe(false);
  });

  it("an interaction leaving S ≥ ε clears the streak, as responder too", () => {
    const st = make(2, 2, { beta: 3 });
    st.introduce(0, 0, 0);
    feed(st, 0, pure(2, 0), 2);
    feed(st, 0, diagonal([0.5, 0.5]), 1); // avg (0.75, 0.25) → (0.9, 0.1): S > ε
    expect(st.streak[0]).toBe(0);
    // From (0.9, 0.1): (0.997, 0.003) has S ≈ 0.019 ≥ ε, so the first of these does not count.
    feed(st, 0, pure(2, 0), 3);
    expect(st.streak[0]).toBe(2);
    expect(st.isFinal(0, 0)).toBe(false);
    // Now node 1 (|1⟩) asks node 0: node 0 mixes as responder, and its streak is cleared.
    st.introduce(1, 0, 1);
    exchange(st, 1, 0);
    expect(st.streak[0]).toBe(0);
  });

  it("is irreversible: later answers, queries and setDensity do not move a final slot", () => {
    const st = make(2, 2);
    finalizeOn(st, 0, 0);
    const before = st.density(0, 0);
    feed(st, 0, pure(2, 1), 20);
    st.introduce(1, 0, 1);
    for (let t = 0; t < 10; t++) exchange(st, 1, 0);
    expect(maxAbsDiff(st.density(0, 0), before)).toBe(0);
    expect(st.isFinal(0, 0)).toBe(true);
    expect(st.preference(0, 0)).toBe(0);
    expect(() => st.setDensity(0, 0, pure(2, 1))).toThrow(/finalized/);
    // It still answers with its state, so it anchors others.
    const { answer } = exchange(st, 1, 0);
    expect(maxAbsDiff(fromWords(answer, 2), before)).toBe(0);
  });

  it("with collapse 'none', opposite pure states mix and never finalize", () => {
    const st = make(2, 2, { collapse: "none" });
    st.introduce(0, 0, 0);
    st.introduce(1, 0, 1);
    for (let t = 0; t < 50; t++) exchange(st, t % 2, 1 - (t % 2));
    expect(st.isFinal(0, 0) || st.isFinal(1, 0)).toBe(false);
    expect(st.entropy(0, 0)).toBeCloseTo(Math.LN2, 12);
  });
});

describe("tmesh rejects malformed states", () => {
  const d = 2;
  const rotate = (values: number[]) => {
    const u = randomUnitary(rngFor(3), d);
    return mul(mul(u, diagonal(values)), adjoint(u));
  };
  const bad: [string, Float64Array][] = [
    ["NaN entry", Float64Array.of(NaN, 0, 0, 1, 0, 0, 0, 0)],
    ["infinite entry", Float64Array.of(1, Infinity, Infinity, 0, 0, 0, 0, 0)],
    ["non-Hermitian real part", Float64Array.of(0.5, 0.2, 0.1, 0.5, 0, 0, 0, 0)],
    ["non-Hermitian imaginary part", Float64Array.of(0.5, 0, 0, 0.5, 0, 0.1, 0.1, 0)],
    ["imaginary diagonal", Float64Array.of(0.5, 0, 0, 0.5, 1e-6, 0, 0, 0)],
    ["trace 0.9", Float64Array.of(0.5, 0, 0, 0.4, 0, 0, 0, 0)],
    ["trace 1 + 2e-9", Float64Array.of(0.5 + 2e-9, 0, 0, 0.5, 0, 0, 0, 0)],
    ["negative eigenvalue (diagonal)", Float64Array.of(1.5, 0, 0, -0.5, 0, 0, 0, 0)],
    ["eigenvalue −2e-9 (rotated)", words(rotate([1 + 2e-9, -2e-9]))],
    ["eigenvalue −0.3 (rotated)", words(rotate([1.3, -0.3]))],
    ["wrong sign convention: ρ_ab = ρ_ba* violated by a symmetric imaginary part", words(fromParts([[0.5, 0.1], [0.1, 0.5]], [[0, 0.2], [0.2, 0]]))],
  ];

  it.each(bad)("%s: ignored and counted, as answer and as query", (_label, w) => {
    const st = make(2, d);
    st.introduce(0, 0, 0);
    st.introduce(1, 0, 0);
    st.onPoll(0, 0, w, Int32Array.of(1), 1, ctx);
    expect(st.rejectedStates).toBe(1);
    expect(st.streak[0]).toBe(0);
    const out = new Float64Array(8);
    st.respond(1, 0, w, out, ctx);
    expect(st.rejectedStates).toBe(2);
    expect(maxAbsDiff(st.density(0, 0), pure(2, 0))).toBe(0);
    expect(maxAbsDiff(st.density(1, 0), pure(2, 0))).toBe(0);
    // An empty node does not adopt it either.
    const empty = make(2, d);
    empty.respond(1, 0, w, out, ctx);
    expect(empty.preference(1, 0)).toBe(NO_CANDIDATE);
    expect(empty.observe([0, 1]).rejectedStates).toBe(1);
  });

  it("errors within the 1e-9 tolerance are accepted (and cleaned to a Hermitian, trace-1 state)", () => {
    expect(STATE_TOLERANCE).toBe(1e-9);
    const ok = [
      Float64Array.of(0.5 + 5e-10, 0, 0, 0.5, 0, 0, 0, 0),
      Float64Array.of(0.5, 0.1 + 5e-10, 0.1, 0.5, 0, 0.05, -0.05 + 5e-10, 0),
      words(rotate([1 + 5e-10, -5e-10])),
    ];
    for (const w of ok) {
      const st = make(2, d, { collapse: "none" });
      st.introduce(0, 0, 0);
      st.onPoll(0, 0, w, Int32Array.of(1), 1, ctx);
      expect(st.rejectedStates).toBe(0);
      expect(isHermitian(st.density(0, 0), 0)).toBe(true);
      expect(Math.abs(trace(st.density(0, 0)).re - 1)).toBeLessThan(1e-15);
    }
  });

  it("an all-zero vector is an abstention: ignored, not counted", () => {
    const st = make(2, d);
    st.introduce(0, 0, 0);
    st.onPoll(0, 0, new Float64Array(8), Int32Array.of(1), 1, ctx);
    st.respond(0, 0, new Float64Array(8), new Float64Array(8), ctx);
    expect(st.rejectedStates).toBe(0);
    expect(st.streak[0]).toBe(0);
  });
});

describe("tmesh observables", () => {
  it("mean and max von Neumann entropy over the given nodes' known slots, plus the counters", () => {
    const st = make(4, 2, { collapse: "none" }, 2);
    st.setDensity(0, 0, diagonal([0.5, 0.5]));
    st.setDensity(0, 1, diagonal([0.9, 0.1]));
    st.introduce(1, 0, 1);
    const rho = randomDensity(rngFor(4), 2);
    st.setDensity(2, 1, rho);
    st.onPoll(3, 0, Float64Array.of(NaN, 0, 0, 0, 0, 0, 0, 0), Int32Array.of(0), 1, ctx);
    const s = [Math.LN2, shannonEntropy([0.9, 0.1]), 0, vonNeumannEntropy(rho)];
    const o = st.observe([0, 1, 2, 3]);
    expect(o.meanVonNeumann).toBeCloseTo(s.reduce((a, b) => a + b) / 4, 12);
    expect(o.maxVonNeumann).toBeCloseTo(Math.LN2, 12);
    expect(o.rejectedStates).toBe(1);
    expect(o.sheafConflicts).toBe(0);
    expect(Object.keys(o)).toEqual([...tmesh.observables]);
    expect(st.observe([1]).meanVonNeumann).toBe(0);
    expect(st.observe([]).meanVonNeumann).toBe(0);
  });
});

describe("tmesh sheafCheck", () => {
  it("detects a planted conflict, records it, prunes the dissenter, and does not report it twice", () => {
    const st = make(4, 2);
    finalizeOn(st, 0, 0);
    finalizeOn(st, 1, 0);
    finalizeOn(st, 2, 1);
    expect(st.sheafCheck([0, 1], 7)).toBe(0);
    expect(st.sheafCheck([0, 1, 2], 8)).toBe(1);
    expect(st.sheafConflicts).toBe(1);
    expect(st.conflicts).toHaveLength(1);
    const c = st.conflicts[0]!;
    expect(Array.from(c.members)).toEqual([0, 1, 2]);
    expect(Array.from(c.candidates)).toEqual([0, 0, 1]);
    expect(c.instance).toBe(0);
    expect(c.majority).toBe(0);
    expect(c.tick).toBe(8);
    expect(c.norm).toBeCloseTo(Math.sqrt(4 / 3), 14);
    expect(Array.from(st.pruned)).toEqual([0, 0, 1, 0]);
    expect(st.prunedSlots).toBe(1);
    // The pruned node keeps its decision but no longer answers with its state.
    expect(st.isFinal(2, 0)).toBe(true);
    expect(st.preference(2, 0)).toBe(1);
    st.introduce(3, 0, 1);
    const { answer } = exchange(st, 3, 2);
    expect(answer.every((x) => x === 0)).toBe(true);
    expect(maxAbsDiff(st.density(3, 0), pure(2, 1))).toBe(0); // abstention: the asker did not move
    // It has left the cover for that instance: the same hyperedge no longer conflicts.
    expect(st.sheafCheck([0, 1, 2])).toBe(0);
    expect(st.sheafCheck([2, 0])).toBe(0);
    expect(st.observe([0]).sheafConflicts).toBe(1);
  });

  it("a tied hyperedge (any 1-vs-1 pair) has no majority: every member is pruned", () => {
    const st = make(2, 3);
    finalizeOn(st, 0, 2);
    finalizeOn(st, 1, 0);
    expect(st.sheafCheck([1, 0])).toBe(1);
    expect(st.conflicts[0]!.majority).toBe(NO_CANDIDATE);
    expect(st.conflicts[0]!.norm).toBeCloseTo(1, 14);
    expect(Array.from(st.pruned)).toEqual([1, 1]);
  });

  it("compares only instances every member has finalized, and prunes per instance", () => {
    const st = make(3, 2, {}, 3);
    finalizeOn(st, 0, 0, 0);
    finalizeOn(st, 1, 1, 0);
    finalizeOn(st, 0, 1, 1);
    finalizeOn(st, 1, 1, 1);
    finalizeOn(st, 0, 0, 2);
    st.introduce(1, 2, 1); // not final on instance 2
    expect(st.sheafCheck([0, 1])).toBe(1);
    expect(st.conflicts.map((c) => c.instance)).toEqual([0]);
    expect(Array.from(st.pruned)).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0]);
    // A member that finalized nothing empties the overlap.
    expect(st.sheafCheck([0, 1, 2])).toBe(0);
  });

  it("matches the generic sheaf coboundary (physics/sheaf) on random finalized sections", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 2, maxLength: 6 }), (cands) => {
        const st = make(cands.length, 3, { beta: 1 });
        cands.forEach((c, v) => finalizeOn(st, v, c));
        const members = cands.map((_, v) => v);
        const s = finalizedSectionSheaf(3, cands.map((c) => new Map([[0, c]])), [members]);
        const expected = coboundaryNorm(s.sheaf, s.section);
        const found = st.sheafCheck(members);
        expect(found).toBe(expected > 0 ? 1 : 0);
        if (found) expect(Math.abs(st.conflicts[0]!.norm - expected)).toBeLessThan(1e-14);
      }),
      { numRuns: 200, seed: 2020 },
    );
  });

  it("keeps a bounded log but counts every conflict; ignores repeated members; rejects bad ids", () => {
    const st = make(2, 2, { conflictLogLimit: 2 }, 5);
    for (let k = 0; k < 5; k++) {
      finalizeOn(st, 0, 0, k);
      finalizeOn(st, 1, 1, k);
    }
    expect(st.sheafCheck([0, 1, 1, 0])).toBe(5);
    expect(st.sheafConflicts).toBe(5);
    expect(st.conflicts.map((c) => c.instance)).toEqual([0, 1]);
    expect(Array.from(st.conflicts[0]!.members)).toEqual([0, 1]);
    expect(st.sheafCheck([0])).toBe(0);
    expect(st.sheafCheck([])).toBe(0);
    expect(() => st.sheafCheck([0, 2])).toThrow(RangeError);
    expect(() => st.sheafCheck([0.5, 1])).toThrow(RangeError);
  });
});

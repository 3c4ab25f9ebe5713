// Seeded random matrices and independent (mathjs / nested-array) constructions for the
// physics tests. Nothing here calls the code under test except to wrap data in a CMatrix.
import * as math from "mathjs";
import { type Rng, Xoshiro128, randomNormal } from "../../../src/core/prng.js";
import { type CMatrix, zeros } from "../../../src/physics/complex.js";

export function rngFor(seed: number): Rng {
  return new Xoshiro128(seed);
}

/** A complex Gaussian (Ginibre) n×m matrix as nested [re, im] pairs. */
export function ginibre(rng: Rng, rows: number, cols: number): { re: number[][]; im: number[][] } {
  const re: number[][] = [];
  const im: number[][] = [];
  for (let i = 0; i < rows; i++) {
    re.push([]);
    im.push([]);
    for (let j = 0; j < cols; j++) {
      re[i]!.push(randomNormal(rng));
      im[i]!.push(randomNormal(rng));
    }
  }
  return { re, im };
}

export function randomComplexMatrix(rng: Rng, n: number): CMatrix {
  const g = ginibre(rng, n, n);
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      m.re[i * n + j] = g.re[i]![j]!;
      m.im[i * n + j] = g.im[i]![j]!;
    }
  }
  return m;
}

/** (G + G†)/2 for a Ginibre G: a random Hermitian matrix (GUE up to scale). */
export function randomHermitian(rng: Rng, n: number, scale = 1): CMatrix {
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    m.re[i * n + i] = scale * randomNormal(rng);
    for (let j = i + 1; j < n; j++) {
      const r = scale * randomNormal(rng);
      const s = scale * randomNormal(rng);
      m.re[i * n + j] = r;
      m.im[i * n + j] = s;
      m.re[j * n + i] = r;
      m.im[j * n + i] = -s;
    }
  }
  return m;
}

/** Random state vector (not normalised). */
export function randomVector(rng: Rng, d: number): { re: number[]; im: number[] } {
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k < d; k++) re.push(randomNormal(rng));
  for (let k = 0; k < d; k++) im.push(randomNormal(rng));
  return { re, im };
}

/** G·G† / Tr(G·G†) with G a d×rank Ginibre matrix: a random density matrix of the given rank. */
export function randomDensity(rng: Rng, d: number, rank = d): CMatrix {
  const g = ginibre(rng, d, rank);
  const m = zeros(d);
  let tr = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < rank; k++) {
        // g_ik · conj(g_jk)
        const ar = g.re[i]![k]!, ai = g.im[i]![k]!, br = g.re[j]![k]!, bi = -g.im[j]![k]!;
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      m.re[i * d + j] = sr;
      m.im[i * d + j] = si;
    }
    tr += m.re[i * d + i]!;
  }
  for (let k = 0; k < d * d; k++) {
    m.re[k] = m.re[k]! / tr;
    m.im[k] = m.im[k]! / tr;
  }
  // Exact Hermitian symmetry, so tests of "preserves Hermiticity" start from a clean state.
  for (let i = 0; i < d; i++) {
    m.im[i * d + i] = 0;
    for (let j = i + 1; j < d; j++) {
      m.re[j * d + i] = m.re[i * d + j]!;
      m.im[j * d + i] = -m.im[i * d + j]!;
    }
  }
  return m;
}

/** A Haar-ish random unitary: Gram–Schmidt on the columns of a Ginibre matrix (independent of eigen.ts). */
export function randomUnitary(rng: Rng, d: number): CMatrix {
  const g = ginibre(rng, d, d);
  const cols: { re: number[]; im: number[] }[] = [];
  for (let j = 0; j < d; j++) {
    const vr = g.re.map((row) => row[j]!);
    const vi = g.im.map((row) => row[j]!);
    for (const u of cols) {
      // v -= <u, v> u
      let pr = 0;
      let pi = 0;
      for (let k = 0; k < d; k++) {
        pr += u.re[k]! * vr[k]! + u.im[k]! * vi[k]!;
        pi += u.re[k]! * vi[k]! - u.im[k]! * vr[k]!;
      }
      for (let k = 0; k < d; k++) {
        vr[k] = vr[k]! - (pr * u.re[k]! - pi * u.im[k]!);
        vi[k] = vi[k]! - (pr * u.im[k]! + pi * u.re[k]!);
      }
    }
    let nrm = 0;
    for (let k = 0; k < d; k++) nrm += vr[k]! * vr[k]! + vi[k]! * vi[k]!;
    nrm = Math.sqrt(nrm);
    cols.push({ re: vr.map((x) => x / nrm), im: vi.map((x) => x / nrm) });
  }
  const u = zeros(d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      u.re[i * d + j] = cols[j]!.re[i]!;
      u.im[i * d + j] = cols[j]!.im[i]!;
    }
  }
  return u;
}

/** A CMatrix as a mathjs matrix of Complex numbers. */
export function toMath(m: CMatrix): math.Matrix {
  const rows: math.Complex[][] = [];
  for (let i = 0; i < m.n; i++) {
    const row: math.Complex[] = [];
    for (let j = 0; j < m.n; j++) row.push(math.complex(m.re[i * m.n + j]!, m.im[i * m.n + j]!));
    rows.push(row);
  }
  return math.matrix(rows);
}

/** A square mathjs matrix (numbers or Complex) back to a CMatrix. */
export function fromMath(x: math.Matrix): CMatrix {
  const data = x.toArray() as unknown as (number | math.Complex)[][];
  const n = data.length;
  const m = zeros(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = data[i]![j]!;
      m.re[i * n + j] = typeof v === "number" ? v : v.re;
      m.im[i * n + j] = typeof v === "number" ? 0 : v.im;
    }
  }
  return m;
}

/** Element (i, j) of a CMatrix as a mathjs Complex. */
export function at(m: CMatrix, i: number, j: number): math.Complex {
  return math.complex(m.re[i * m.n + j]!, m.im[i * m.n + j]!);
}

export { math };

/**
 * Random and regular graph generators. Each takes its randomness from an injected
 * {@link Rng} and returns a {@link Csr} whose rows are in a documented, deterministic order.
 *
 * Where networkx has the same generator, the algorithm and the order of random draws follow
 * networkx 3.x, so with a {@link PythonRandom} seeded like networkx's `seed=` argument the
 * graph is networkx's graph, neighbour order included (Watts–Strogatz, G(n,p), random
 * geometric). With any other Rng the graphs have the same distribution.
 *
 * The random geometric graph (a swarm with a radio range, with its node positions) is
 * geometric.ts.
 */
import type { Rng } from "../core/prng.js";
import { libmLog } from "../core/numpy-random.js";
import { type Csr, MAX_CSR_ENTRIES, csrFromPairsUnchecked } from "./csr.js";
import { checkInt, EdgeBuffer } from "./generator-parts.js";

/** Largest node count a generator accepts (node ids are Int32). */
export const MAX_NODES = 0x7fffffff;
/** Largest n for {@link complete}: n(n−1) directed entries must fit a CSR. */
export const MAX_COMPLETE_NODES = 46341;

function checkProbability(fn: string, name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${fn}: ${name} must be a probability in [0, 1], got ${value}`);
}

/**
 * Per-node neighbour lists that keep insertion order under appends and deletions, like the
 * dicts of a networkx Graph: a deletion closes the gap, an append goes to the end. All lists
 * live in one slab; a full list moves to the slab's end with twice the room. Degrees are
 * small in the graphs built this way, so membership is a linear scan.
 */
class OrderedAdjacency {
  private readonly start: Int32Array;
  private readonly len: Int32Array;
  private readonly cap: Int32Array;
  private slab: Int32Array;
  private top: number;

  constructor(
    readonly n: number,
    initialCapacity: number,
  ) {
    this.start = new Int32Array(n);
    this.len = new Int32Array(n);
    this.cap = new Int32Array(n).fill(initialCapacity);
    this.slab = new Int32Array(Math.max(1, n * initialCapacity + (n >> 3) * 2 * initialCapacity));
    for (let i = 0; i < n; i++) this.start[i] = i * initialCapacity;
    this.top = n * initialCapacity;
  }

  degree(u: number): number {
    return this.len[u]!;
  }

  has(u: number, w: number): boolean {
    const s = this.start[u]!;
    const e = s + this.len[u]!;
    const slab = this.slab;
    for (let i = s; i < e; i++) if (slab[i] === w) return true;
    return false;
  }

  append(u: number, w: number): void {
    if (this.len[u] === this.cap[u]) this.grow(u);
    this.slab[this.start[u]! + this.len[u]!] = w;
    this.len[u]!++;
  }

  remove(u: number, w: number): void {
    const s = this.start[u]!;
    const e = s + this.len[u]!;
    const slab = this.slab;
    for (let i = s; i < e; i++) {
      if (slab[i] === w) {
        slab.copyWithin(i, i + 1, e);
        this.len[u]!--;
        return;
      }
    }
    throw new Error(`internal: edge (${u}, ${w}) not present`);
  }

  private grow(u: number): void {
    const newCap = this.cap[u]! * 2;
    if (this.top + newCap > this.slab.length) {
      const next = new Int32Array(Math.max(this.slab.length * 2, this.top + newCap));
      next.set(this.slab.subarray(0, this.top));
      this.slab = next;
    }
    this.slab.copyWithin(this.top, this.start[u]!, this.start[u]! + this.len[u]!);
    this.start[u] = this.top;
    this.cap[u] = newCap;
    this.top += newCap;
  }

  toCsr(): Csr {
    const n = this.n;
    const offsets = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i]! + this.len[i]!;
    const targets = new Int32Array(offsets[n]!);
    for (let i = 0; i < n; i++) targets.set(this.slab.subarray(this.start[i]!, this.start[i]! + this.len[i]!), offsets[i]!);
    return { n, offsets, targets };
  }
}

/**
 * Watts–Strogatz small-world graph with networkx 3.x `watts_strogatz_graph` semantics,
 * exactly: a ring lattice where each node links to its ⌊k/2⌋ nearest neighbours on each
 * side (so an odd k behaves as k − 1), then, for each distance j = 1..⌊k/2⌋ and each node u
 * in order, with probability p the edge (u, u+j) is replaced by (u, w) for a uniform w that
 * is neither u nor already a neighbour. If u's neighbours run out while redrawing
 * (degree ≥ n − 1) the edge is kept. k = n gives the complete graph, as in networkx.
 *
 * Draws: one `nextFloat()` per lattice edge, then `nextInt(n)` per candidate w — CPython's
 * `random()` and `choice(nodes)` — so `wattsStrogatz(n, k, p, new PythonRandom(s))` is
 * `nx.watts_strogatz_graph(n, k, p, seed=s)`. Rows are networkx's neighbour order (the
 * insertion order of its adjacency dicts after the lattice adds and the rewiring's
 * remove/add), which the EMTD seed port sums energies in.
 *
 * The graph has n·⌊k/2⌋ edges. Throws RangeError if n or k is not a non-negative
 * integer, k > n, or p is outside [0, 1].
 */
export function wattsStrogatz(n: number, k: number, p: number, rng: Rng): Csr {
  checkInt("wattsStrogatz", "n", n, 0, MAX_NODES);
  checkInt("wattsStrogatz", "k", k, 0, MAX_NODES);
  if (k > n) throw new RangeError(`wattsStrogatz: k must not exceed n (k = ${k}, n = ${n})`);
  checkProbability("wattsStrogatz", "p", p);
  if (k === n) return complete(n);
  const half = Math.floor(k / 2);
  if (2 * half * n > MAX_CSR_ENTRIES) throw new RangeError(`wattsStrogatz: n·k = ${2 * half * n} entries exceed the CSR limit ${MAX_CSR_ENTRIES}`);
  const adj = new OrderedAdjacency(n, 2 * half + 2);
  // For k < n, j ≤ ⌊k/2⌋ < n/2, so lattice edges are distinct and never self-loops.
  for (let j = 1; j <= half; j++) {
    for (let u = 0; u < n; u++) {
      const v = u + j < n ? u + j : u + j - n;
      adj.append(u, v);
      adj.append(v, u);
    }
  }
  for (let j = 1; j <= half; j++) {
    for (let u = 0; u < n; u++) {
      if (!(rng.nextFloat() < p)) continue;
      const v = u + j < n ? u + j : u + j - n;
      let w = rng.nextInt(n);
      let rewire = true;
      // networkx's `while …: … break … else:` — the degree test comes after each redraw.
      while (w === u || adj.has(u, w)) {
        w = rng.nextInt(n);
        if (adj.degree(u) >= n - 1) {
          rewire = false;
          break;
        }
      }
      if (rewire) {
        adj.remove(u, v);
        adj.remove(v, u);
        adj.append(u, w);
        adj.append(w, u);
      }
    }
  }
  return adj.toCsr();
}

/**
 * Erdős–Rényi G(n, p): each of the n(n−1)/2 pairs is an edge independently with
 * probability p. Uses geometric skipping (Batagelj & Brandes 2005), one `nextFloat()` per
 * edge plus one, so time is O(n + edges). This is networkx's `fast_gnp_random_graph`
 * draw for draw (including CPython's `math.log`, via {@link libmLog} where
 * it could matter): with a {@link PythonRandom} it
 * returns networkx's graph and neighbour order. p = 0 gives no edges, p = 1 the complete
 * graph, without draws, as networkx does.
 */
export function erdosRenyi(n: number, p: number, rng: Rng): Csr {
  checkInt("erdosRenyi", "n", n, 0, MAX_NODES);
  checkProbability("erdosRenyi", "p", p);
  if (p >= 1) return complete(n);
  const buf = new EdgeBuffer(p > 0 ? (p * n * (n - 1)) / 2 + 4 * Math.sqrt(p * n * n + 1) : 0);
  if (p <= 0) return buf.toCsr(n);
  // For p below 2^-53, 1 − p rounds to 1 and networkx divides by log(1) = 0 (and raises);
  // log1p keeps the skip lengths finite there instead.
  const lp = 1 - p === 1 ? Math.log1p(-p) : libmLog(1 - p);
  let v = 1;
  let w = -1;
  while (v < n) {
    const u = 1 - rng.nextFloat();
    let q = Math.log(u) / lp;
    // Math.log may differ from the C library's log in the last bit, which matters only when
    // the quotient sits next to an integer; recompute those rare cases exactly.
    if (Math.abs(q - Math.round(q)) <= q * 1e-12) q = libmLog(u) / lp;
    w = w + 1 + Math.trunc(q);
    while (w >= v && v < n) {
      w -= v;
      v++;
    }
    if (v < n) buf.push(v, w);
  }
  return buf.toCsr(n);
}

/**
 * Barabási–Albert preferential attachment, networkx's algorithm: start from a star on
 * m + 1 nodes (centre 0), then each new node links to m distinct existing nodes drawn
 * uniformly from a list holding every node once per incident edge. The graph has
 * m(n − m) edges. Targets are kept in draw order; networkx keeps them in a Python set,
 * whose iteration order differs, so even with a PythonRandom the graphs are not
 * networkx's (same distribution). Throws RangeError unless 1 ≤ m < n.
 */
export function barabasiAlbert(n: number, m: number, rng: Rng): Csr {
  checkInt("barabasiAlbert", "n", n, 2, MAX_NODES);
  checkInt("barabasiAlbert", "m", m, 1, n - 1);
  const edges = m * (n - m);
  if (2 * edges > MAX_CSR_ENTRIES) throw new RangeError(`barabasiAlbert: m(n − m) = ${edges} edges exceed the CSR limit`);
  const pairs = new Int32Array(2 * edges);
  let e = 0;
  const repeated = new Int32Array(2 * edges);
  let r = 0;
  for (let leaf = 1; leaf <= m; leaf++) {
    pairs[e++] = 0;
    pairs[e++] = leaf;
  }
  for (let i = 0; i < m; i++) repeated[r++] = 0;
  for (let leaf = 1; leaf <= m; leaf++) repeated[r++] = leaf;
  const targets = new Int32Array(m);
  for (let source = m + 1; source < n; source++) {
    let t = 0;
    while (t < m) {
      const x = repeated[rng.nextInt(r)]!;
      let seen = false;
      for (let i = 0; i < t; i++) {
        if (targets[i] === x) {
          seen = true;
          break;
        }
      }
      if (!seen) targets[t++] = x;
    }
    for (let i = 0; i < m; i++) {
      pairs[e++] = source;
      pairs[e++] = targets[i]!;
      repeated[r++] = targets[i]!;
    }
    for (let i = 0; i < m; i++) repeated[r++] = source;
  }
  return csrFromPairsUnchecked(n, pairs, edges);
}

/**
 * Cycle on n ≥ 3 nodes: i — i+1 (mod n). Rows are networkx's `cycle_graph` order: node 0
 * lists [1, n−1], node i lists [i−1, i+1], node n−1 lists [n−2, 0].
 */
export function ring(n: number): Csr {
  checkInt("ring", "n", n, 3, MAX_CSR_ENTRIES >> 1);
  const offsets = new Int32Array(n + 1);
  const targets = new Int32Array(2 * n);
  for (let i = 0; i <= n; i++) offsets[i] = 2 * i;
  targets[0] = 1;
  targets[1] = n - 1;
  for (let i = 1; i < n - 1; i++) {
    targets[2 * i] = i - 1;
    targets[2 * i + 1] = i + 1;
  }
  targets[2 * n - 2] = n - 2;
  targets[2 * n - 1] = 0;
  return { n, offsets, targets };
}

/** Complete graph on n nodes (0 ≤ n ≤ 46341), rows ascending as in networkx's `complete_graph`. */
export function complete(n: number): Csr {
  checkInt("complete", "n", n, 0, MAX_COMPLETE_NODES);
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) offsets[i] = i * (n > 0 ? n - 1 : 0);
  const targets = new Int32Array(n * Math.max(0, n - 1));
  let e = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (j !== i) targets[e++] = j;
  }
  return { n, offsets, targets };
}

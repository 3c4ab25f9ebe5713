// What a typed array costs to allocate in V8 (Node's build), by size: on its own (V8
// keeps those over 64 bytes outside its heap), as a view into a buffer allocated once, and
// carved by src/core/transient.ts. The reason the node's hot paths carve short-lived
// arrays and decode byte strings as views (docs/node-simulator.md).
//
//   node --import tsx bench/typed-alloc.ts
//
// One process, each case timed over 1,000,000 allocations after 20,000 warm-up ones, one
// in 1,024 kept alive (so the collector has live arrays to trace, as in a real run). The
// reference measured in the same run is the view: the ratio is each case's cost over it.
// Results: bench/results/typed-alloc.md.
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { transientBytes } from "../src/core/transient.js";
import { refuseArguments } from "./lib/no-arguments.js";

refuseArguments("typed-alloc");

const N = 1_000_000;
const SIZES = [32, 64, 65, 128, 256, 1024, 4096];
let kept: unknown[] = [];

function time(make: (n: number) => Uint8Array, n: number): number {
  for (let i = 0; i < 20_000; i++) make(n);
  kept = [];
  const t0 = performance.now();
  for (let i = 0; i < N; i++) {
    const a = make(n);
    if ((i & 1023) === 0) kept.push(a);
  }
  return ((performance.now() - t0) * 1000) / N; // µs per allocation
}

const slab = new ArrayBuffer(1 << 20);
let at = 0;
const view = (n: number): Uint8Array => {
  if (at + n > slab.byteLength) at = 0;
  const v = new Uint8Array(slab, at, n);
  at += n;
  return v;
};

const rows: string[] = [];
for (const n of SIZES) {
  const own = time((k) => new Uint8Array(k), n);
  // multiformats reads `.buffer` of every digest and CID it is given (bytes.js
  // toArrayBufferBackedArray): an on-heap array then moves out of V8's heap.
  const ownBuffer = time((k) => {
    const a = new Uint8Array(k);
    if (!(a.buffer instanceof ArrayBuffer)) throw new Error("unreachable");
    return a;
  }, n);
  const v = time(view, n);
  const carved = time(transientBytes, n);
  rows.push(`| ${n} | ${own.toFixed(3)} | ${ownBuffer.toFixed(3)} | ${v.toFixed(3)} | ${carved.toFixed(3)} | ${(own / v).toFixed(1)}× | ${(ownBuffer / v).toFixed(1)}× |`);
  console.log(`${n} B: own ${own.toFixed(3)} µs, own + .buffer ${ownBuffer.toFixed(3)} µs, view ${v.toFixed(3)} µs, transient ${carved.toFixed(3)} µs`);
}

const here = dirname(fileURLToPath(import.meta.url));
const md = `# Typed-array allocation cost (${new Date().toISOString()}, \`node --import tsx bench/typed-alloc.ts\`)

Node ${process.version}, ${process.arch}. µs per allocation of a \`Uint8Array\`, over ${N.toLocaleString("en")} allocations, one in 1,024 kept alive:
*own* is \`new Uint8Array(n)\`; *own + .buffer* the same with its \`.buffer\` read once, as multiformats does to every digest and CID it is given;
*view* a view into a 1 MiB buffer allocated once (the reference); *transient* src/core/transient.ts
(views carved from 64 KiB chunks, a new chunk when one is full; arrays of 64 bytes or less are allocated on their own, on V8's heap).

| bytes | own | own + .buffer | view | transient | own / view | own + .buffer / view |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join("\n")}

V8 keeps typed arrays of more than 64 bytes outside its heap (its build-time \`typed_array_max_size_in_heap\`, not a runtime flag),
so each such allocation is a calloc plus an extension the collector tracks and sweeps. A smaller one lives on the heap until its \`.buffer\` is read; V8 then
moves it out, at about the cost of an off-heap allocation (src/core/codec.ts \`cidOf\` carves CIDs for this reason). One measurement on a shared machine: expect ±20 % or more between runs.
`;
writeFileSync(resolve(here, "results/typed-alloc.md"), md);
console.log("wrote bench/results/typed-alloc.md");

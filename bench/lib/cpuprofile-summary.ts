/**
 * Summarise V8 .cpuprofile files (as `node --cpu-prof` writes them): self time by
 * category (signature verification, CBOR, CID hashing, gossipsub, yamux/noise, protocol,
 * ledger, HTTP, GC, …), by module/package, and the top functions. Several files (one per
 * node of a devnet) are added together.
 *
 *   node --import tsx bench/lib/cpuprofile-summary.ts [--top 25] [--skip S] [--json] FILE.cpuprofile...
 *
 * Self time of a sample goes to the frame on top of the stack; native work (OpenSSL, the
 * hash functions) shows as the self time of the JavaScript function that called into it
 * (`verify` of node:internal/crypto/sig, say). Shares are of the busy time: "(idle)" is
 * reported apart and left out.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Ordered: the first rule that matches a frame names its category. */
const CATEGORIES: ReadonlyArray<readonly [string, (fn: string, url: string) => boolean]> = [
  ["idle", (fn) => fn === "(idle)"],
  ["GC", (fn) => fn === "(garbage collector)"],
  ["native/other (program)", (fn) => fn === "(program)"],
  // native socket writes have no url; their callers are libp2p's TCP connections (one write per frame) and the HTTP API
  ["socket writes (native)", (fn, url) => url === "" && /^(writeBuffer|writev|writeUtf8String|writeLatin1String)$/.test(fn)],
  ["module loading (start-up)", (fn, url) => url.startsWith("node:internal/modules") || (url === "" && /^(internalModuleStat|internalModuleReadJSON|ModuleWrap)$/.test(fn))],
  ["Ed25519 verify (node:crypto)", (fn, url) => url.includes("internal/crypto/sig") && /verify/i.test(fn)],
  ["Ed25519 sign (node:crypto)", (fn, url) => url.includes("internal/crypto/sig") && /sign/i.test(fn)],
  ["node:crypto keys", (fn, url) => url.includes("internal/crypto/keys")],
  ["sha256 (node:crypto hash)", (fn, url) => url.includes("internal/crypto/hash")],
  ["strict Ed25519 checks", (fn, url) => url.includes("ed25519-strict")],
  ["libp2p peer signatures (@noble/@libp2p crypto)", (fn, url) => /@noble\/(curves|ed25519)|@libp2p\/crypto/.test(url)],
  ["noise (encryption)", (fn, url) => /libp2p-noise|@noble\/ciphers|@noble\/hashes|chacha|poly1305|internal\/crypto\/cipher/.test(url)],
  ["yamux (stream muxing)", (fn, url) => /libp2p-yamux/.test(url)],
  ["gossipsub", (fn, url) => /libp2p-gossipsub|@libp2p\/gossipsub/.test(url)],
  ["protobuf (protons)", (fn, url) => /protons-runtime|\/pb\//.test(url)],
  ["CBOR (cborg/dag-cbor)", (fn, url) => /cborg|dag-cbor/.test(url)],
  ["CID/multiformats", (fn, url) => /multiformats|uint8arrays/.test(url)],
  ["libp2p streams/connections", (fn, url) => /node_modules\/(@libp2p|libp2p|it-|uint8arraylist|p-queue|@multiformats|main-event|race-signal|@chainsafe)/.test(url)],
  ["ledger (level)", (fn, url) => /\/runtime\/ledger\/|classic-level|abstract-level|level-transcoder|memory-level/.test(url)],
  ["HTTP API", (fn, url) => /\/runtime\/api\/|node:_http|_http_|undici/.test(url) || url === "node:http"],
  ["engine (runtime/node)", (fn, url) => /\/runtime\/node\//.test(url)],
  ["transport glue (runtime/transport)", (fn, url) => /\/runtime\/transport\//.test(url)],
  ["protocol (protocols, core)", (fn, url) => /\/dist\/(protocols|core|physics)\//.test(url)],
  ["other project code", (fn, url) => /\/dist\//.test(url)],
  ["node streams/net/timers", (fn, url) => /^node:(internal\/)?(streams|stream|net|timers|events|buffer|internal\/process|internal\/async_hooks|internal\/event_target|internal\/abort_controller|internal\/util|internal\/webstreams|internal\/perf|internal\/fs)/.test(url)],
  ["other node internals", (fn, url) => url.startsWith("node:")],
  ["other packages", (fn, url) => url.includes("node_modules")],
];

export function categoryOf(fn: string, url: string): string {
  for (const [name, test] of CATEGORIES) if (test(fn, url)) return name;
  return fn.startsWith("(") ? fn : "other (no url)";
}

/** "node_modules/@scope/pkg" or "dist/runtime/node" or "node:internal/crypto/sig". */
export function moduleOf(fn: string, url: string): string {
  if (url === "") return fn.startsWith("(") ? fn : "(native)";
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const parts = url.slice(nm + "node_modules/".length).split("/");
    return parts[0]!.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const dist = url.indexOf("/dist/");
  if (dist >= 0) return `dist/${url.slice(dist + 6).split("/").slice(0, -1).join("/")}`;
  if (url.startsWith("node:")) return url;
  return url;
}

export interface Summary {
  /** busy µs (idle excluded) */
  readonly busyUs: number;
  readonly idleUs: number;
  readonly wallUs: number;
  readonly byCategory: ReadonlyArray<readonly [string, number]>;
  readonly byModule: ReadonlyArray<readonly [string, number]>;
  readonly byFunction: ReadonlyArray<readonly [string, number]>;
}

/** `skipUs`: leave out each profile's first µs (start-up, meshing) before counting. */
export function summarise(profiles: readonly CpuProfile[], skipUs = 0): Summary {
  const cat = new Map<string, number>();
  const mod = new Map<string, number>();
  const fun = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  let wallUs = 0;
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  for (const p of profiles) {
    wallUs += Math.max(0, p.endTime - p.startTime - skipUs);
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    let t = p.startTime;
    // timeDeltas[i] is the time before sample i; the time a sample stands for is the gap to the next one
    for (let i = 0; i < p.samples.length; i++) {
      t += p.timeDeltas[i] ?? 0;
      const dt = p.timeDeltas[i + 1] ?? 0;
      if (t - p.startTime < skipUs) continue;
      const node = byId.get(p.samples[i]!);
      if (node === undefined || dt <= 0) continue;
      const { functionName, url, lineNumber } = node.callFrame;
      const c = categoryOf(functionName, url);
      if (c === "idle") {
        idleUs += dt;
        continue;
      }
      busyUs += dt;
      add(cat, c, dt);
      add(mod, moduleOf(functionName, url), dt);
      const short = url.replace(/^.*node_modules\//, "").replace(/^.*\/dist\//, "dist/");
      add(fun, `${functionName || "(anonymous)"} ${short}:${lineNumber + 1}`, dt);
    }
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { busyUs, idleUs, wallUs, byCategory: sorted(cat), byModule: sorted(mod), byFunction: sorted(fun) };
}

export function summaryMarkdown(s: Summary, top: number): string {
  const pct = (v: number) => `${((100 * v) / s.busyUs).toFixed(1)}%`;
  const ms = (v: number) => (v / 1000).toFixed(0);
  const table = (title: string, rows: ReadonlyArray<readonly [string, number]>) => [
    `| ${title} | self ms | share of busy |`,
    "|---|---:|---:|",
    ...rows.map(([k, v]) => `| ${k.replace(/\|/g, "\\|")} | ${ms(v)} | ${pct(v)} |`),
    "",
  ];
  return [
    `Busy ${ms(s.busyUs)} ms, idle ${ms(s.idleUs)} ms, profiled ${ms(s.wallUs)} ms (summed over profiles).`,
    "",
    ...table("category", s.byCategory),
    ...table("module/package", s.byModule.slice(0, top)),
    ...table("function", s.byFunction.slice(0, top)),
  ].join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "25" }, skip: { type: "string", default: "0" }, json: { type: "boolean", default: false } } });
  if (positionals.length === 0) {
    process.stderr.write("usage: cpuprofile-summary [--top N] [--skip S] [--json] FILE.cpuprofile...\n");
    process.exit(2);
  }
  // A node killed while writing its profile (the devnet sends SIGKILL 5 s after SIGTERM)
  // leaves a truncated file: say so and summarise the others.
  const profiles: CpuProfile[] = [];
  for (const f of positionals) {
    try {
      profiles.push(JSON.parse(readFileSync(f, "utf8")) as CpuProfile);
    } catch (e) {
      process.stderr.write(`cpuprofile-summary: skipping ${f}: ${(e as Error).message}\n`);
    }
  }
  if (profiles.length === 0) {
    process.stderr.write("cpuprofile-summary: no readable profile\n");
    process.exit(1);
  }
  process.stderr.write(`cpuprofile-summary: ${profiles.length} of ${positionals.length} profiles\n`);
  const skip = Number(values.skip);
  if (!Number.isFinite(skip) || skip < 0) {
    process.stderr.write(`cpuprofile-summary: --skip must be seconds >= 0, got "${values.skip}"\n`);
    process.exit(2);
  }
  const s = summarise(profiles, skip * 1e6);
  process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : `${summaryMarkdown(s, Number(values.top))}\n`);
}

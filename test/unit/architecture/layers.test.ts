// The layer rules of eslint.config.js, checked through ESLint's Node API on small snippets
// placed (in memory) at pure-layer paths: each banned construct must be reported, and the
// allowed ones must not, so the rule cannot silently stop working.
import { resolve } from "node:path";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../../..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

interface Finding {
  readonly ruleId: string | null;
  readonly message: string;
}

async function lint(file: string, code: string): Promise<Finding[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.map((m) => ({ ruleId: m.ruleId, message: m.message }));
}

/** Only the architecture rules' findings (ignore e.g. unused variables in the snippets). */
const architectural = (found: Finding[]) =>
  found.filter((f) => f.ruleId !== null && ["entropic/layers", "no-restricted-globals", "no-restricted-properties", "no-restricted-syntax", "@typescript-eslint/no-restricted-imports"].includes(f.ruleId));

describe("pure layers: banned constructs are reported", () => {
  const banned: [what: string, file: string, code: string, rule: string, message: RegExp][] = [
    ["node: import", "src/core/probe.ts", 'import { readFileSync } from "node:fs";\nexport const f = readFileSync;', "entropic/layers", /node built-in \("node:fs"\)/],
    ["built-in without prefix", "src/physics/probe.ts", 'import { createHash } from "crypto";\nexport const h = createHash;', "entropic/layers", /node built-in \("crypto"\)/],
    ["node:util", "src/topology/probe.ts", 'import { inspect } from "node:util";\nexport const i = inspect;', "entropic/layers", /node built-in/],
    ["node:buffer", "src/protocols/snowball/probe.ts", 'import { Buffer as B } from "node:buffer";\nexport const b = B;', "entropic/layers", /node built-in/],
    ["re-export of a built-in", "src/sim/probe.ts", 'export { join } from "node:path";', "entropic/layers", /node built-in/],
    ["dynamic import of a built-in", "src/sim/probe.ts", 'export const m = import("node:net");', "entropic/layers", /node built-in \("node:net"\)/],
    ["computed dynamic import", "src/sim/probe.ts", "export const load = (name: string) => import(name);", "entropic/layers", /literal module names/],
    ["require", "src/core/probe.ts", 'export const fs = require("fs");', "entropic/layers", /node built-in \("fs"\)/],
    ["import = require", "src/core/probe.ts", 'import os = require("node:os");\nexport const o = os;', "entropic/layers", /node built-in/],
    ["libp2p", "src/protocols/probe.ts", 'import { createLibp2p } from "libp2p";\nexport const c = createLibp2p;', "entropic/layers", /network or storage stack/],
    ["classic-level", "src/sim/probe.ts", 'import { ClassicLevel } from "classic-level";\nexport const c = ClassicLevel;', "entropic/layers", /network or storage stack/],
    ["runtime", "src/sim/probe.ts", 'import { nodeCrypto } from "../runtime/crypto-node.js";\nexport const c = nodeCrypto;', "entropic/layers", /src\/sim may import only .*not src\/runtime\/crypto-node\.js/],
    ["cli", "src/protocols/emtd/probe.ts", 'import { x } from "../../cli/main.js";\nexport const y = x;', "entropic/layers", /not src\/cli\/main\.js/],
    ["report", "src/sim/consensus/probe.ts", 'export * from "../../report/index.js";', "entropic/layers", /not src\/report\/index\.js/],
    ["web", "src/core/probe.ts", 'import { x } from "../../web/src/api.js";\nexport const y = x;', "entropic/layers", /not web\/src\/api\.js/],
    ["the package entry", "src/sim/probe.ts", 'import { simulate } from "../index.js";\nexport const s = simulate;', "entropic/layers", /not src\/index\.js/],
    ["core imports physics (upward)", "src/core/probe.ts", 'import { x } from "../physics/potts.js";\nexport const y = x;', "entropic/layers", /src\/core may import only src\/core, not src\/physics/],
    ["topology imports physics", "src/topology/probe.ts", 'import { x } from "../physics/potts.js";\nexport const y = x;', "entropic/layers", /not src\/physics/],
    ["physics imports protocols", "src/physics/probe.ts", 'import { x } from "../protocols/consensus.js";\nexport const y = x;', "entropic/layers", /not src\/protocols/],
    ["protocols import sim", "src/protocols/snowball/probe.ts", 'import { x } from "../../sim/registry.js";\nexport const y = x;', "entropic/layers", /not src\/sim/],
    ["web-shared imports sim", "src/web-shared/probe.ts", 'import { x } from "../sim/registry.js";\nexport const y = x;', "entropic/layers", /not src\/sim/],
    ["Buffer", "src/core/probe.ts", 'export const b = Buffer.from("x");', "no-restricted-globals", /Buffer/],
    ["Buffer as a type", "src/core/probe.ts", "export const f = (b: Buffer) => b.length;", "no-restricted-syntax", /Buffer/],
    ["node types", "src/sim/probe.ts", "export let t: NodeJS.Timeout | undefined;", "no-restricted-syntax", /node types/],
    ["globalThis", "src/sim/probe.ts", "export const g = globalThis;", "no-restricted-globals", /global object/],
    ["global", "src/sim/probe.ts", "export const g = global;", "no-restricted-globals", /global object/],
    ["setTimeout", "src/sim/event/probe.ts", "setTimeout(() => {}, 1);", "no-restricted-globals", /timers/],
    ["setImmediate", "src/sim/probe.ts", "setImmediate(() => {});", "no-restricted-globals", /timers/],
    ["clearTimeout", "src/sim/probe.ts", "export const c = (t: number) => clearTimeout(t);", "no-restricted-globals", /timers/],
    ["queueMicrotask", "src/protocols/probe.ts", "queueMicrotask(() => {});", "no-restricted-globals", /timers/],
    ["Date.now", "src/protocols/probe.ts", "export const t = Date.now();", "no-restricted-properties", /injected clock/],
    ["new Date", "src/physics/probe.ts", "export const t = new Date();", "no-restricted-globals", /injected clock/],
    ["performance.now", "src/topology/probe.ts", "export const t = performance.now();", "no-restricted-properties", /injected clock/],
    ["Math.random", "src/topology/probe.ts", "export const r = Math.random();", "no-restricted-properties", /seeded Rng/],
    ["process", "src/core/probe.ts", "export const e = process.env;", "no-restricted-globals", /process/],
    ["fetch", "src/sim/probe.ts", 'export const r = fetch("http://x");', "no-restricted-globals", /no I\/O/],
    ["webcrypto", "src/core/probe.ts", "export const u = crypto.getRandomValues(new Uint8Array(4));", "no-restricted-globals", /CryptoSuite/],
  ];
  for (const [what, file, code, rule, message] of banned) {
    it(`${what} (${file})`, async () => {
      const found = architectural(await lint(file, code));
      expect(found.some((f) => f.ruleId === rule && message.test(f.message)), JSON.stringify(found)).toBe(true);
    });
  }
});

describe("pure layers: what the layers may do is not reported", () => {
  const allowed: [what: string, file: string, code: string][] = [
    ["sim imports every pure layer", "src/sim/probe.ts", 'import { createRng } from "../core/prng.js";\nimport { ring } from "../topology/generators.js";\nimport { pottsEnergy } from "../physics/potts.js";\nimport { snowball } from "../protocols/snowball/index.js";\nexport const all = [createRng, ring, pottsEnergy, snowball];'],
    ["physics imports topology types", "src/physics/probe.ts", 'import type { Csr } from "../topology/csr.js";\nexport type C = Csr;'],
    ["protocols import physics", "src/protocols/tmesh/probe.ts", 'import * as p from "../../physics/index.js";\nexport const q = p;'],
    ["web-shared imports core", "src/web-shared/probe.ts", 'import { EntropicError } from "../core/errors.js";\nexport const e = EntropicError;'],
    ["packages of the pure stack", "src/core/probe.ts", 'import { z } from "zod";\nimport { CID } from "multiformats/cid";\nexport const a = [z, CID];'],
    ["locals named like globals", "src/sim/probe.ts", "export function f(crypto: { a: number }, self: number, global: boolean) { return [crypto.a, self, global]; }\nexport class EdgeBuffer {}"],
    ["TextEncoder and typed arrays", "src/core/probe.ts", 'export const b = new TextEncoder().encode("x");\nexport const c = new Uint8Array(b.buffer);'],
    ["the page imports the dashboard model", "web/src/probe.ts", 'import { applyEvent } from "../../src/web-shared/dashboard-model.js";\nimport { x } from "./api.js";\nexport const a = [applyEvent, x];'],
  ];
  for (const [what, file, code] of allowed) {
    it(`${what} (${file})`, async () => {
      expect(architectural(await lint(file, code))).toEqual([]);
    });
  }

  it("the runtime and the CLI may still use node built-ins, timers and clocks (the node's loop included)", async () => {
    const code = 'import { readFileSync } from "node:fs";\nimport { nodeCrypto } from "../crypto-node.js";\nexport const a = [readFileSync, nodeCrypto, Date.now(), setTimeout, Buffer.alloc(1), globalThis];';
    expect(architectural(await lint("src/runtime/probe.ts", code))).toEqual([]);
    expect(architectural(await lint("src/runtime/node/engine.ts", code))).toEqual([]);
  });

  it("the node core imports the ports' types and constants, the core and the protocols", async () => {
    const code = 'import { TOPICS, LedgerConflictError } from "../ports.js";\nimport type { NodeEvent } from "../api/facade.js";\nimport { ManualClock } from "../clock.js";\nimport { snowball } from "../../protocols/snowball/index.js";\nexport const a = [TOPICS, LedgerConflictError, ManualClock, snowball];\nexport type E = NodeEvent;';
    expect(architectural(await lint("src/runtime/node/probe.ts", code))).toEqual([]);
  });
});

describe("the node core (src/runtime/node/ but the loop's side): no I/O, no host time", () => {
  const banned: [what: string, code: string, rule: string, message: RegExp][] = [
    ["node: import", 'import { readFileSync } from "node:fs";\nexport const f = readFileSync;', "@typescript-eslint/no-restricted-imports", /does no I\/O/],
    ["libp2p", 'import { peerIdFromString } from "@libp2p/peer-id";\nexport const p = peerIdFromString;', "@typescript-eslint/no-restricted-imports", /network or storage stack/],
    ["a transport", 'import { MemoryNetwork } from "../transport/memory.js";\nexport const m = MemoryNetwork;', "@typescript-eslint/no-restricted-imports", /asks for I\/O in its Ready/],
    ["a ledger", 'import { LevelLedger } from "../ledger/level.js";\nexport const l = LevelLedger;', "@typescript-eslint/no-restricted-imports", /asks for I\/O in its Ready/],
    ["the API's router", 'import { apiRoutes } from "../api/router.js";\nexport const r = apiRoutes;', "@typescript-eslint/no-restricted-imports", /only the facade's types/],
    ["the loop", 'import { NodeEngine } from "./engine.js";\nexport const e = NodeEngine;', "@typescript-eslint/no-restricted-imports", /loop's side/],
    ["setTimeout", "setTimeout(() => {}, 1);", "no-restricted-globals", /timers/],
    ["Date.now", "export const t = Date.now();", "no-restricted-properties", /injected clock/],
    ["Math.random", "export const r = Math.random();", "no-restricted-properties", /seeded Rng/],
    ["Buffer", 'export const b = Buffer.from("x");', "no-restricted-globals", /Buffer/],
  ];
  for (const [what, code, rule, message] of banned) {
    it(what, async () => {
      const found = architectural(await lint("src/runtime/node/probe.ts", code));
      expect(found.some((f) => f.ruleId === rule && message.test(f.message)), JSON.stringify(found)).toBe(true);
    });
  }
});

describe("the page", () => {
  it("imports from src/ nothing but pure layers (not the CLI's dashboard server, not the runtime)", async () => {
    const found = architectural(await lint("web/src/probe.ts", 'import { x } from "../../src/cli/dashboard/store.js";\nimport { y } from "../../src/runtime/ports.js";\nexport const a = [x, y];'));
    expect(found.map((f) => f.message)).toEqual([
      "the page imports from src/ only pure layers, not src/cli/dashboard/store.js",
      "the page imports from src/ only pure layers, not src/runtime/ports.js",
    ]);
  });
});

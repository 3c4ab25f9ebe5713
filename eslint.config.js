// Lint rules that hold the architecture in place (DESIGN.md §6, docs/architecture.md
// "Layers"): the pure layers (core, topology, physics, protocols, sim, and web-shared, the
// code the dashboard page shares with the server) do no I/O, touch no node built-in and
// take time and randomness only by injection; each imports only the layers below it:
//   core ← topology ← physics ← protocols ← sim
// and none imports runtime/, cli/, report/, web/ or the network and storage stack. The
// page (web/src) imports from src/ only pure layers. test/unit/architecture/layers.test.ts
// lints small snippets at these paths and checks each ban still fires.
import { builtinModules } from "node:module";
import path from "node:path";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const root = import.meta.dirname;

/** What each pure layer may import besides itself (src/<layer>/). */
const pureLayerImports = {
  core: [],
  topology: ["core"],
  physics: ["core", "topology"],
  protocols: ["core", "topology", "physics"],
  sim: ["core", "topology", "physics", "protocols"],
  "web-shared": ["core"],
};
const pureLayers = Object.keys(pureLayerImports);
const pureFiles = pureLayers.map((layer) => `src/${layer}/**/*.ts`);

const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
const stackPackages = /^(libp2p($|\/)|@libp2p\/|@chainsafe\/|@multiformats\/multiaddr|classic-level|level($|\/)|it-)/;

/** src/<layer>/… → layer; web/src/… → "web"; anything else → null. */
function layerOf(file) {
  const rel = path.relative(root, file).split(path.sep);
  if (rel[0] === "src" && rel.length > 2) return rel[1];
  if (rel[0] === "src") return "entry";
  if (rel[0] === "web" && rel[1] === "src") return "web";
  return null;
}

/** `entropic/layers`: the import rules above, for static, dynamic and require() imports alike. */
const layersRule = {
  meta: { type: "problem", schema: [], docs: { description: "pure layers import no node built-in, no I/O stack and only the layers below them" } },
  create(context) {
    const file = context.filename;
    const own = layerOf(file);
    if (own === null || (own !== "web" && !(own in pureLayerImports))) return {};
    const allowed = own === "web" ? new Set(["web", ...pureLayers]) : new Set([own, ...pureLayerImports[own]]);
    function check(node, specifier) {
      if (typeof specifier !== "string") {
        context.report({ node, message: "pure layers import only literal module names (no computed import())" });
        return;
      }
      if (builtins.has(specifier) || specifier.startsWith("node:")) {
        context.report({ node, message: `pure layers use no node built-in ("${specifier}"): inject what is needed from runtime/ or cli/` });
        return;
      }
      if (stackPackages.test(specifier)) {
        context.report({ node, message: `pure layers must not depend on the network or storage stack ("${specifier}")` });
        return;
      }
      if (!specifier.startsWith(".")) return;
      const target = path.resolve(path.dirname(file), specifier);
      const layer = layerOf(target);
      const rel = path.relative(root, target);
      if (layer !== null && allowed.has(layer)) return;
      const what = own === "web" ? "the page imports from src/ only pure layers" : `src/${own} may import only ${[...allowed].map((l) => `src/${l}`).join(", ")}`;
      context.report({ node, message: `${what}, not ${rel}` });
    }
    const sourceOf = (n) => (n && n.type === "Literal" ? n.value : n && n.type === "TemplateLiteral" && n.expressions.length === 0 ? n.quasis[0].value.cooked : undefined);
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ImportExpression: (node) => check(node, sourceOf(node.source)),
      TSImportEqualsDeclaration: (node) => node.moduleReference.type === "TSExternalModuleReference" && check(node, sourceOf(node.moduleReference.expression)),
      "CallExpression[callee.name='require']": (node) => check(node, sourceOf(node.arguments[0])),
    };
  },
};

/**
 * The live node's core (src/runtime/node/, docs/architecture.md "The core and its loop"):
 * every file but the loop's side (engine, views, recovery, start and the key files) is
 * held to the pure layers' rules below, and may import nothing of the transport, the
 * ledger, the simulator or the loop (ports.ts, the ports' types and constants, is pure).
 */
const nodeShellFiles = ["engine", "views", "recovery", "start", "identity", "key-label", "message-counts"].map((f) => `src/runtime/node/${f}.ts`);
const nodeCoreFiles = ["src/runtime/node/*.ts"];

/** Lines a source module may have without a reason written at its top (the max-lines rule below). */
export const MAX_MODULE_LINES = 400;

const noClock = "time arrives as ticks or an injected clock";
const noTimer = "no timers in pure layers: time arrives as ticks";
const noHost = "pure layers do not reach the host: inject what is needed";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "out/", "bench/results/", "web/dist/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly", TextEncoder: "readonly", TextDecoder: "readonly" } },
    plugins: { entropic: { rules: { layers: layersRule } } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: [...pureFiles, "web/src/**/*.ts"],
    rules: { "entropic/layers": "error" },
  },
  {
    files: nodeCoreFiles,
    ignores: nodeShellFiles,
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: "^node:", message: "the node core does no I/O: the loop (engine.ts) does it for it" },
            { regex: "^(libp2p|@libp2p/|@chainsafe/|classic-level|level)", message: "the node core must not depend on the network or storage stack" },
            { regex: "^\\.\\./(transport|ledger|simnet|api/(?!facade\\.js$))", message: "the node core asks for I/O in its Ready (ready.ts); it imports no port implementation (of the API, only the facade's types)" },
            { regex: "^\\./(engine|views|recovery|start|identity|key-label|message-counts)\\.js$", message: "the node core does not import the loop's side" },
          ],
        },
      ],
    },
  },
  {
    files: [...pureFiles, ...nodeCoreFiles],
    ignores: nodeShellFiles,
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "inject a seeded Rng (core/prng)" },
        { object: "Date", property: "now", message: noClock },
        { object: "performance", property: "now", message: noClock },
      ],
      "no-restricted-globals": [
        "error",
        ...["setTimeout", "setInterval", "setImmediate", "clearTimeout", "clearInterval", "clearImmediate", "queueMicrotask", "requestAnimationFrame"].map((name) => ({ name, message: noTimer })),
        { name: "Date", message: noClock },
        { name: "performance", message: noClock },
        { name: "Buffer", message: "Buffer is a node built-in: use Uint8Array (core/bytes)" },
        ...["globalThis", "global", "window", "self"].map((name) => ({ name, message: `${noHost} (no global object)` })),
        { name: "process", message: "pure layers do not touch the process" },
        ...["require", "module", "__dirname", "__filename"].map((name) => ({ name, message: `${noHost} (no CommonJS)` })),
        ...["fetch", "XMLHttpRequest", "WebSocket"].map((name) => ({ name, message: "pure layers do no I/O" })),
        { name: "crypto", message: "inject a CryptoSuite or a seeded Rng (core/crypto, core/prng)" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "TSTypeReference[typeName.name='Buffer']", message: "Buffer is a node built-in: use Uint8Array (core/bytes)" },
        { selector: "TSQualifiedName[left.name='NodeJS']", message: "pure layers use no node types" },
      ],
    },
  },
  {
    // One job per module (issue 11): a source file over 400 lines says why at its top, as
    // `/* eslint-disable max-lines -- <the reason> */`; a directive no longer needed is an
    // error, and test/unit/architecture/file-size.test.ts checks that each gives a reason.
    files: ["src/**/*.ts"],
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: { "max-lines": ["error", { max: MAX_MODULE_LINES }] },
  },
);

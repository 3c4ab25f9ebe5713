// Lint rules that hold the architecture in place (DESIGN.md §6): the pure layers
// (core, physics, protocols, sim) import no I/O, no libp2p and no runtime code, and take
// time and randomness only by injection.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const pureLayers = ["src/core/**/*.ts", "src/physics/**/*.ts", "src/protocols/**/*.ts", "src/sim/**/*.ts", "src/topology/**/*.ts"];

const ioModules = [
  "fs", "fs/promises", "net", "http", "https", "http2", "dgram", "child_process", "cluster",
  "worker_threads", "os", "process", "readline", "tls", "dns", "perf_hooks", "timers", "timers/promises",
];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "out/", "bench/results/", "web/dist/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: "readonly", process: "readonly", URL: "readonly", TextEncoder: "readonly", TextDecoder: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: pureLayers,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            ...ioModules.map((name) => ({ name, message: "pure layers do no I/O: inject it from runtime/ or cli/" })),
            ...ioModules.map((name) => ({ name: `node:${name}`, message: "pure layers do no I/O: inject it from runtime/ or cli/" })),
          ],
          patterns: [
            { group: ["**/runtime/**", "**/cli/**", "**/report/**"], message: "pure layers must not depend on runtime, cli or report" },
            { group: ["libp2p", "@libp2p/*", "@chainsafe/*", "classic-level"], message: "pure layers must not depend on the network or storage stack" },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "Math", property: "random", message: "inject a seeded Rng (core/prng)" },
        { object: "Date", property: "now", message: "time arrives as ticks or an injected clock" },
        { object: "performance", property: "now", message: "time arrives as ticks or an injected clock" },
      ],
      "no-restricted-globals": [
        "error",
        { name: "setTimeout", message: "no timers in pure layers" },
        { name: "setInterval", message: "no timers in pure layers" },
        { name: "setImmediate", message: "no timers in pure layers" },
        { name: "queueMicrotask", message: "no timers in pure layers" },
        { name: "performance", message: "time arrives as ticks or an injected clock" },
        { name: "process", message: "pure layers do not touch the process" },
      ],
      "no-restricted-syntax": [
        "error",
        { selector: "NewExpression[callee.name='Date']", message: "time arrives as ticks or an injected clock" },
      ],
    },
  },
);

/**
 * Run one scenario (JSON in argv[2]) in this process and print its summary with the
 * process's peak memory: benchmarks spawn it so each case's maxRSS is its own.
 */
import { performance } from "node:perf_hooks";
import { simulate } from "../../src/sim/cycle/driver.js";
import { validateScenario } from "../../src/sim/scenario/schema.js";

const { summary } = simulate(validateScenario(JSON.parse(process.argv[2] ?? "{}")), { clock: () => performance.now(), recordSteps: false });
process.stdout.write(`${JSON.stringify({ summary, maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);

/** One swarm seed on a worker thread: runs it and posts its {@link SwarmLine}. */
import { parentPort, workerData } from "node:worker_threads";
import { runSwarmSeed } from "../../runtime/simnet/swarm.js";
import type { SwarmLine } from "./command.js";

const { seed } = workerData as { seed: number };
try {
  const r = await runSwarmSeed(seed);
  const s = r.output.summary;
  const line: SwarmLine = { seed, failed: r.failed, checks: { ...s.checks }, violations: s.violations, protocol: s.protocol, nodes: s.nodes, events: s.events, wallMs: r.output.speed.wallMs };
  parentPort!.postMessage(line);
} catch (e) {
  const line: SwarmLine = { seed, failed: true, checks: {}, violations: [], protocol: "?", nodes: 0, events: 0, wallMs: 0, error: `crashed: ${e instanceof Error ? e.message : String(e)}` };
  parentPort!.postMessage(line);
}

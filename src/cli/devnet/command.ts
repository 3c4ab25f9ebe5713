/** `entropic devnet`: N local node processes, one command; Ctrl-C stops them all. */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { LIVE_PROTOCOLS, parseParams, parsePartitionMode, parseProtocol } from "../node/command.js";
import { collect } from "../sim/command.js";
import { checkOutputDir } from "../files.js";
import { checkLiveParams } from "../live-options.js";
import { RuntimeFailure } from "../errors.js";

interface DevnetOptions {
  nodes: string;
  protocol: string;
  dir: string;
  param: string[];
  denyFiles?: boolean;
  partitionMode: string;
  minAdmitted?: string;
  restart?: boolean;
}

export function registerDevnet(program: Command): void {
  program
    .command("devnet")
    .description("start N live nodes on 127.0.0.1 (fully meshed) and keep them running until Ctrl-C")
    .option("--nodes <n>", "number of nodes", "4")
    .option("--protocol <name>", `consensus protocol: ${LIVE_PROTOCOLS.join(", ")}`, "snowball")
    .option("--dir <dir>", "folder for the nodes' data and devnet.json", "devnet")
    .option("--param <name=value>", "protocol parameter for every node (repeatable)", collect, [])
    .option("--deny-files", "give each node a deny list file (DIR/node-i/deny.json) for partition experiments")
.option("--partition-mode <mode>", "every node's partition mode: safe or available (docs/partitions.md)", "safe")
    .option("--min-admitted <n>", "every node's admission floor (entropic node --min-admitted); default 32768 / nodes², within [64, 2048]")
    .option("--restart", "bring a node that exits back with the same arguments (devnet.json is updated); without it, devnet stops and exits 1 when a node exits")
    .action(async (opts: DevnetOptions) => {
      const n = Number(opts.nodes);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--nodes must be an integer in [1, 64], got ${JSON.stringify(opts.nodes)}`);
      const protocol = parseProtocol(opts.protocol);
      const params = parseParams(opts.param);
      const partitionMode = parsePartitionMode(opts.partitionMode);
      const minAdmitted = opts.minAdmitted === undefined ? undefined : Number(opts.minAdmitted);
      if (minAdmitted !== undefined && !(Number.isInteger(minAdmitted) && minAdmitted >= 0 && minAdmitted <= 1_000_000)) {
        throw new UsageError(`--min-admitted must be an integer in [0, 1000000], got ${JSON.stringify(opts.minAdmitted)}`);
      }
      checkOutputDir(opts.dir, "--dir");
      const { startDevnet, devnetSnowballParams, describeExit } = await import("./devnet.js");
      // Checked here, before any child starts: a bad --param is one line, not N dead nodes.
      await checkLiveParams(protocol, params, protocol === "snowball" ? devnetSnowballParams(n) : {});
      const devnet = await startDevnet({
        nodes: n,
        protocol,
        dir: opts.dir,
        params,
        ...(opts.denyFiles ? { denyFiles: true } : {}),
        partitionMode,
        ...(minAdmitted !== undefined ? { minAdmitted } : {}),
      });
      process.stdout.write(`devnet of ${n} ${opts.protocol} nodes; ${opts.dir}/devnet.json\n`);
      for (const node of devnet.file.nodes) process.stdout.write(`  node ${node.index}  ${node.api}  pid ${node.pid}\n`);
      process.stdout.write(`try: npx entropic tx double-spend --devnet ${opts.dir}\n`);
      // Children report their exits here, at once; the devnet ends on Ctrl-C or SIGTERM, or
      // when it cannot be kept up. The interval keeps the event loop alive once every child
      // is gone: a top-level await left unsettled on an empty loop ends Node with status 13.
      const keepAlive = setInterval(() => undefined, 1 << 30);
      const say = (line: string) => process.stderr.write(`devnet: ${line}\n`);
      const failure = await Promise.race([
        new Promise<null>((resolve) => {
          process.once("SIGINT", () => resolve(null));
          process.once("SIGTERM", () => resolve(null));
        }),
        devnet.supervise({
          restart: opts.restart === true,
          onExit: (e) =>
            say(`node ${e.index} (pid ${e.pid}) exited with ${describeExit(e)}${e.reason ? ` (${e.reason})` : ""}; last lines of ${e.log}:\n${e.tail.map((l) => `  | ${l}`).join("\n")}`),
          onRestart: (r) =>
            say(
              r.node ? `node ${r.index} is back: pid ${r.node.pid}, ${r.node.api} (devnet.json updated)`
              : r.error ? `node ${r.index} failed to restart: ${r.error}`
              : `restarting node ${r.index} in ${r.delayMs} ms (attempt ${r.attempt})`,
            ),
        }),
      ]);
      clearInterval(keepAlive);
      if (failure !== null) say(`stopping the other nodes`);
      await devnet.stop();
      if (failure !== null) throw new RuntimeFailure(`devnet: ${failure}`);
    });
}

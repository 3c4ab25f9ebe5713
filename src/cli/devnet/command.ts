/** `entropic devnet`: N local node processes, one command; Ctrl-C stops them all. */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import { LIVE_PROTOCOLS, parseParams, parseProtocol } from "../node/command.js";
import { collect } from "../sim/command.js";
import { checkOutputDir } from "../files.js";
import { checkLiveParams } from "../live-options.js";

interface DevnetOptions {
  nodes: string;
  protocol: string;
  dir: string;
  param: string[];
  denyFiles?: boolean;
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
    .action(async (opts: DevnetOptions) => {
      const n = Number(opts.nodes);
      if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`--nodes must be an integer in [1, 64], got ${JSON.stringify(opts.nodes)}`);
      const protocol = parseProtocol(opts.protocol);
      const params = parseParams(opts.param);
      checkOutputDir(opts.dir, "--dir");
      const { startDevnet, devnetSnowballParams } = await import("./devnet.js");
      // Checked here, before any child starts: a bad --param is one line, not N dead nodes.
      await checkLiveParams(protocol, params, protocol === "snowball" ? devnetSnowballParams(n) : {});
      const devnet = await startDevnet({
        nodes: n,
        protocol,
        dir: opts.dir,
        params,
        ...(opts.denyFiles ? { denyFiles: true } : {}),
      });
      process.stdout.write(`devnet of ${n} ${opts.protocol} nodes; ${opts.dir}/devnet.json\n`);
      for (const node of devnet.file.nodes) process.stdout.write(`  node ${node.index}  ${node.api}  pid ${node.pid}\n`);
      process.stdout.write(`try: entropic tx double-spend --api ${devnet.file.nodes[0]!.api} --api ${devnet.file.nodes[Math.min(1, n - 1)]!.api}\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve);
        process.once("SIGTERM", resolve);
      });
      await devnet.stop();
    });
}

// For benchmarks that take no options: anything given is a usage error (exit 2, one line),
// never silently ignored.
import { parseArgs } from "node:util";

/** Exit 2 with one line naming `bench/<name>.ts` when the command line holds anything. */
export function refuseArguments(name: string): void {
  try {
    parseArgs({ args: process.argv.slice(2), options: {}, strict: true, allowPositionals: false });
  } catch (e) {
    console.error(`${name}: ${(e as Error).message} (usage: node --import tsx bench/${name}.ts)`);
    process.exit(2);
  }
}

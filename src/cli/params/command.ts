/**
 * `entropic params [PROTOCOL]`: every parameter a scenario can set, with its default,
 * accepted values and meaning, generated from the scenario schemas (src/sim/scenario/docs.ts).
 */
import type { Command } from "commander";
import { UsageError } from "../../core/errors.js";
import type { FieldDoc } from "../../sim/scenario/introspect.js";
import { type ProtocolDocs, protocolDocs } from "../../sim/scenario/docs.js";
import { type ProtocolName, protocolNames } from "../../sim/registry.js";

interface ParamsOptions {
  json?: boolean;
}

export function registerParams(program: Command): void {
  program
    .command("params")
    .description("list every protocol's parameters (default, accepted values, meaning); with PROTOCOL, also its scenario fields")
    .argument("[protocol]", `one of ${protocolNames.join(", ")}`)
    .option("--json", "print the lists as JSON")
    .action((protocol: string | undefined, opts: ParamsOptions) => {
      if (protocol !== undefined && !(protocolNames as readonly string[]).includes(protocol)) {
        throw new UsageError(`params: unknown protocol ${JSON.stringify(protocol)}; protocols: ${protocolNames.join(", ")}`);
      }
      const names = protocol === undefined ? protocolNames : [protocol as ProtocolName];
      const docs = names.map(protocolDocs);
      process.stdout.write(opts.json ? `${JSON.stringify(protocol === undefined ? docs : docs[0], null, 2)}\n` : formatDocs(docs, protocol !== undefined));
    });
}

/** The text `entropic params` prints: one table per protocol; the shared fields once, or in full for one protocol. */
export function formatDocs(docs: readonly ProtocolDocs[], single: boolean): string {
  const out: string[] = [];
  for (const d of docs) {
    out.push(`${d.protocol}: ${d.description}`);
    out.push(...table(d.params, "  ", "--set NAME=VALUE or params.NAME in a scenario"));
    out.push("");
  }
  if (single) {
    const d = docs[0]!;
    out.push("scenario fields", ...table(d.general, "  "), "");
    if (d.sections.length > 0) out.push(`${d.protocol} scenario sections (--set section.field=VALUE)`, ...table(d.sections, "  "), "");
  } else {
    out.push("scenario fields (every protocol)", ...table(docs[0]!.general, "  "), "");
    const consensus = docs.filter((d) => d.sections.length > 0);
    if (consensus.length > 0) {
      out.push(
        `consensus scenario sections (${consensus.map((d) => d.protocol).join(", ")}; --set section.field=VALUE)`,
        ...table(consensus[0]!.sections, "  "),
        "",
      );
    }
    out.push("entropic params PROTOCOL shows one protocol; --json prints the same as JSON.");
  }
  return `${out.join("\n").replace(/\n+$/, "")}\n`;
}

function table(rows: readonly FieldDoc[], indent: string, note?: string): string[] {
  if (rows.length === 0) return [`${indent}(none)`];
  const header = { path: "field", default: "default", range: "accepts", meaning: note ? `meaning (${note})` : "meaning" };
  const cells = [header, ...rows.map((r) => ({ path: r.path, default: r.default, range: r.range, meaning: r.when ? `[${r.when}] ${r.meaning}` : r.meaning }))];
  const width = (key: "path" | "default" | "range"): number => Math.min(48, Math.max(...cells.map((c) => c[key].length)));
  const w = { path: width("path"), default: width("default"), range: width("range") };
  return cells.map((c) => `${indent}${pad(c.path, w.path)}  ${pad(c.default, w.default)}  ${pad(c.range, w.range)}  ${c.meaning}`.trimEnd());
}

/** Pad to width; a longer cell keeps its full text and pushes the rest of its row right. */
function pad(text: string, width: number): string {
  return text.length >= width ? text : text.padEnd(width);
}

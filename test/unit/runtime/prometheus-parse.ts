/**
 * A strict little reader of the Prometheus text format 0.0.4, for tests: it throws on any
 * line the format does not allow, on a family whose samples are not contiguous, on a
 * sample before its family's HELP and TYPE, and on a repeated label.
 */

export interface ParsedFamily {
  help: string;
  type: string;
  /** histogram samples also carry their suffix (`_bucket`, `_sum`, `_count`) */
  samples: { labels: Record<string, string>; value: number; suffix?: string }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function unescape(text: string, allowQuote: boolean): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== "\\") {
      if (c === "\n" || (c === '"' && allowQuote)) throw new Error(`unescaped ${JSON.stringify(c)} in ${JSON.stringify(text)}`);
      out += c;
      continue;
    }
    const next = text[++i];
    if (next === "\\") out += "\\";
    else if (next === "n") out += "\n";
    else if (next === '"' && allowQuote) out += '"';
    else throw new Error(`bad escape \\${next ?? ""} in ${JSON.stringify(text)}`);
  }
  return out;
}

function parseValue(text: string): number {
  if (text === "NaN") return NaN;
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value ${JSON.stringify(text)}`);
  return Number(text);
}

/** `{a="x",b="y"}` starting at `start` (the `{`); returns the labels and the index after `}`. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  if (line[i] === "}") return { labels, end: i + 1 };
  for (;;) {
    const eq = line.indexOf("=", i);
    if (eq < 0) throw new Error(`no '=' in labels of ${JSON.stringify(line)}`);
    const name = line.slice(i, eq);
    if (!LABEL_NAME.test(name)) throw new Error(`bad label name ${JSON.stringify(name)}`);
    if (Object.hasOwn(labels, name)) throw new Error(`repeated label ${name}`);
    if (line[eq + 1] !== '"') throw new Error(`label value not quoted in ${JSON.stringify(line)}`);
    let j = eq + 2;
    let raw = "";
    while (j < line.length && line[j] !== '"') {
      if (line[j] === "\\") raw += line[j++];
      raw += line[j++];
    }
    if (j >= line.length) throw new Error(`unterminated label value in ${JSON.stringify(line)}`);
    // defineProperty: a label may be called __proto__ or toString
    Object.defineProperty(labels, name, { value: unescape(raw, true), enumerable: true, writable: true, configurable: true });
    i = j + 1;
    if (line[i] === "}") return { labels, end: i + 1 };
    if (line[i] !== ",") throw new Error(`expected ',' or '}' in ${JSON.stringify(line)}`);
    i++;
  }
}

export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("exposition must end with a line feed");
  const families = new Map<string, ParsedFamily>();
  let current: string | undefined;
  const pending = new Map<string, { help?: string; type?: string }>();
  for (const line of text.split("\n").slice(0, -1)) {
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/s.exec(line);
    if (meta !== null) {
      const [, kind, name, rest] = meta as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`bad metric name ${JSON.stringify(name)}`);
      if (families.has(name)) throw new Error(`family ${name} appears twice`);
      const p = pending.get(name) ?? {};
      if (kind === "HELP") p.help = unescape(rest, false);
      else if (["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) p.type = rest;
      else throw new Error(`bad type ${JSON.stringify(rest)}`);
      pending.set(name, p);
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line ${JSON.stringify(line)}`);
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) throw new Error(`bad sample ${JSON.stringify(line)}`);
    let name = line.slice(0, nameEnd);
    if (!NAME.test(name)) throw new Error(`bad metric name ${JSON.stringify(name)}`);
    // A histogram's samples are `<name>_bucket{le=…}`, `<name>_sum` and `<name>_count`.
    let suffix: string | undefined;
    const h = /^(.*)(_bucket|_sum|_count)$/.exec(name);
    if (h !== null) {
      const base = h[1]!;
      const type = base === current ? families.get(base)?.type : pending.get(base)?.type;
      if (type === "histogram") {
        name = base;
        suffix = h[2]!;
      }
    }
    let labels: Record<string, string> = {};
    let i = nameEnd;
    if (line[i] === "{") ({ labels, end: i } = parseLabels(line, i));
    if (line[i] !== " ") throw new Error(`expected a space before the value in ${JSON.stringify(line)}`);
    const value = parseValue(line.slice(i + 1));
    if (name !== current) {
      if (families.has(name)) throw new Error(`samples of ${name} are not contiguous`);
      const p = pending.get(name);
      if (p?.help === undefined || p.type === undefined) throw new Error(`sample of ${name} before its HELP and TYPE`);
      families.set(name, { help: p.help, type: p.type, samples: [] });
      pending.delete(name);
      current = name;
    }
    if (suffix === undefined && families.get(name)!.type === "histogram") throw new Error(`histogram sample without a suffix in ${JSON.stringify(line)}`);
    if (suffix === "_bucket" && labels.le === undefined) throw new Error(`histogram bucket without le in ${JSON.stringify(line)}`);
    families.get(name)!.samples.push(suffix === undefined ? { labels, value } : { labels, value, suffix });
  }
  if (pending.size > 0) throw new Error(`HELP/TYPE without samples: ${[...pending.keys()].join(", ")}`);
  return families;
}

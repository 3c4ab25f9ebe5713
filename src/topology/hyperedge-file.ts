/**
 * A temporal hypergraph's events from a file: JSON Lines, one event per line,
 * `{"time": t, "members": [id, id, …]}` — the nodes that met together at time t (T-M.E.S.H.'s
 * "simultaneous multi-agent information exchanges at time τ"). Blank lines and lines
 * starting with `#` are skipped. Members are node ids: numbers 0..n−1, or, for a topology
 * read from a graph file, the file's own ids (strings or numbers) mapped as the graph's.
 *
 * Unlike {@link TemporalHypergraph} (every event of one size k), events here may differ in
 * size, so members sit in one array with offsets. Pure: the caller reads the file.
 */
import { z } from "zod";
import { ParseError } from "../core/errors.js";

/** Events sorted by time (stable: equal times keep file order). */
export interface HyperedgeEvents {
  /** event times, non-decreasing */
  readonly times: Float64Array;
  /** event e's members are `members[offsets[e] .. offsets[e+1])`; length events + 1 */
  readonly offsets: Int32Array;
  readonly members: Int32Array;
}

/** Most events a file may hold. */
export const MAX_FILE_EVENTS = 10_000_000;

/**
 * Parse a hyperedge-events file against n nodes. `index` maps the topology file's ids to
 * node numbers (absent: ids must be integers in [0, n)). Each event needs at least 2
 * distinct members; repeats inside one event are an error, as is an unknown id, a time
 * that is not a finite number ≥ 0, or a line that is not such an object — each a ParseError
 * at its line.
 */
export function parseHyperedgeEvents(text: string, fileName: string, n: number, index?: ReadonlyMap<string, number>): HyperedgeEvents {
  const lines = text.split(/\r\n|\n|\r/);
  const rows: { time: number; members: number[]; line: number }[] = [];
  let entries = 0;
  for (let li = 0; li < lines.length; li++) {
    const raw = lines[li]!.trim();
    if (raw === "" || raw.startsWith("#")) continue;
    const line = li + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ParseError(fileName, `not JSON: ${(e as Error).message}`, line);
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ParseError(fileName, 'expected an object {"time": t, "members": [...]}', line);
    const { time, members, ...rest } = value as Record<string, unknown>;
    const extra = Object.keys(rest);
    if (extra.length > 0) throw new ParseError(fileName, `unknown field ${JSON.stringify(extra[0])}; an event has "time" and "members"`, line);
    if (typeof time !== "number" || !Number.isFinite(time) || time < 0) throw new ParseError(fileName, `time must be a finite number ≥ 0; got ${JSON.stringify(time)}`, line);
    if (!Array.isArray(members) || members.length < 2) throw new ParseError(fileName, "members must be a list of at least 2 node ids", line);
    const ids: number[] = [];
    for (const m of members) {
      let id: number | undefined;
      if (index !== undefined) {
        id = typeof m === "string" || typeof m === "number" ? index.get(String(m)) : undefined;
        if (id === undefined) throw new ParseError(fileName, `member ${JSON.stringify(m)} is not a node of the topology file`, line);
      } else {
        if (typeof m !== "number" || !Number.isInteger(m) || m < 0 || m >= n) throw new ParseError(fileName, `member ${JSON.stringify(m)} is not a node id in [0, ${n - 1}]`, line);
        id = m;
      }
      if (ids.includes(id)) throw new ParseError(fileName, `member ${JSON.stringify(m)} appears twice`, line);
      ids.push(id);
    }
    entries += ids.length;
    if (rows.length >= MAX_FILE_EVENTS) throw new ParseError(fileName, `more than ${MAX_FILE_EVENTS} events`, line);
    rows.push({ time, members: ids, line });
  }
  rows.sort((a, b) => a.time - b.time || a.line - b.line);
  const times = new Float64Array(rows.length);
  const offsets = new Int32Array(rows.length + 1);
  const all = new Int32Array(entries);
  let at = 0;
  rows.forEach((r, e) => {
    times[e] = r.time;
    all.set(r.members, at);
    at += r.members.length;
    offsets[e + 1] = at;
  });
  return { times, offsets, members: all };
}

/** Index range `[start, end)` of the events with `from ≤ time < to`. */
export function hyperedgesBetween(h: HyperedgeEvents, from: number, to: number): { start: number; end: number } {
  const lower = (t: number) => {
    let lo = 0;
    let hi = h.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h.times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const start = lower(from);
  return { start, end: Math.max(start, lower(to)) };
}

// A validated `hyperedges` section carries its parsed events beside it (as file topologies do).
const attached = new WeakMap<object, HyperedgeEvents>();

export function attachHyperedgeEvents(spec: object, events: HyperedgeEvents): void {
  attached.set(spec, events);
}

export function hyperedgeEventsOf(spec: object | undefined): HyperedgeEvents | undefined {
  return spec === undefined ? undefined : attached.get(spec);
}

/**
 * The `hyperedges` section of a T-MESH scenario: `{ path }`, a JSONL events file (see the
 * module comment) relative to the scenario file. Its events replace the neighbourhood
 * hyperedges of the sheaf check: an event at time t (in rounds; one round is `pollInterval`
 * ticks under the event driver) is checked at the end of round ⌊t⌋ + 1.
 */
export const hyperedgesSpecSchema = z
  .strictObject({
    path: z.string({ error: "path must be a file name" }).min(1, { error: "path must not be empty" }).max(4096).describe('JSONL events file, one {"time": t, "members": [ids]} per line, relative to the scenario file'),
  })
  .describe("T-MESH: the temporal hypergraph whose events the sheaf check runs on (default: every node's neighbourhood each round)");

export type HyperedgesSpec = z.output<typeof hyperedgesSpecSchema>;

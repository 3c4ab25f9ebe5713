/**
 * Parsers for what a report reads back from disk — a run folder's summary.json and
 * rounds.jsonl, a sweep folder's sweep.json — treating each as outside input: the shape is
 * checked and any problem is a ParseError naming the file (and line, for JSONL).
 */
import { z } from "zod";
import { ParseError } from "../core/errors.js";
import type { RunSummary, StepRecord } from "../sim/cycle/driver.js";
import type { PointAggregate } from "../sim/sweep.js";

/** Largest file we read back (rounds.jsonl of 10^6 steps is ~200 MB; beyond that, thin with observeEvery). */
export const MAX_FILE_BYTES = 512 * 1024 * 1024;

const count = z.number().int().min(0);
const numberOrNull = z.number().nullable();

const summarySchema = z.looseObject({
  scenario: z.string(),
  protocol: z.string().min(1),
  nodes: count.min(1),
  seed: count,
  steps: count,
  outcome: z.string(),
  final: z.record(z.string(), numberOrNull),
});

/** Parse summary.json. */
export function parseSummary(text: string, fileName: string): RunSummary {
  const doc = parseJson(text, fileName);
  const r = summarySchema.safeParse(doc);
  if (!r.success) throw shapeError(fileName, r.error);
  // The document itself, not zod's output, so fields keep the order the run wrote them in.
  const summary = doc as RunSummary;
  const final = Object.fromEntries(Object.entries(r.data.final).map(([k, v]) => [k, v ?? Number.NaN]));
  return { ...summary, final };
}

const roundSchema = z.record(z.string(), numberOrNull).refine((row) => Number.isInteger(row.step) && (row.step as number) >= 0, { message: "step must be a non-negative integer" });

/** Parse rounds.jsonl: one JSON object per line, `step` plus the observables (null for NaN). */
export function parseRounds(text: string, fileName: string): StepRecord[] {
  if (text.length > MAX_FILE_BYTES) throw new ParseError(fileName, `larger than ${MAX_FILE_BYTES} bytes`);
  const out: StepRecord[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let doc: unknown;
    try {
      doc = JSON.parse(line);
    } catch (error) {
      throw new ParseError(fileName, `not JSON (${(error as Error).message})`, i + 1);
    }
    const r = roundSchema.safeParse(doc);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      throw new ParseError(fileName, `not a round: ${issue.path.map(String).join(".") || "(row)"}: ${issue.message}`, i + 1);
    }
    const { step, ...rest } = r.data;
    if (out.length && step! <= out[out.length - 1]!.step) throw new ParseError(fileName, `steps must increase (step ${step} after ${out[out.length - 1]!.step})`, i + 1);
    out.push({ step: step!, observables: Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v ?? Number.NaN])) });
  }
  return out;
}

const meanSd = z.strictObject({ mean: numberOrNull, sd: numberOrNull });
const share = z.number().min(0).max(1);
const pointSchema = z.looseObject({
  params: z.record(z.string(), z.unknown()),
  runs: count,
  outcomes: z.record(z.string(), share),
  outcomeIntervals: z.record(z.string(), z.strictObject({ count, share, low: share, high: share })),
  steps: z.record(z.string().regex(/^\d+$/), count),
  stepsMean: numberOrNull,
  observables: z.record(z.string(), meanSd),
  updates: z.number(),
  // wall-clock: older sweep.json files have it, new ones keep it in timings.json
  simMs: z.number().optional(),
  fields: z.record(z.string(), z.strictObject({ mean: numberOrNull, sd: numberOrNull, sum: z.number(), nulls: count })),
});
const sweepSchema = z.looseObject({
  protocol: z.string().min(1),
  seeds: z.strictObject({ from: count, to: count }),
  points: z.array(pointSchema),
});

/** A grid point as sweep.json holds it: the aggregate without wall-clock time (in timings.json). */
export type SweepPoint = Omit<PointAggregate, "simMs"> & { readonly simMs?: number };

export interface SweepFile {
  readonly protocol: string;
  readonly seeds: { readonly from: number; readonly to: number };
  readonly points: readonly SweepPoint[];
}

/** Parse sweep.json (what `entropic sweep --json` prints and `--report DIR` writes). */
export function parseSweep(text: string, fileName: string): SweepFile {
  const r = sweepSchema.safeParse(parseJson(text, fileName));
  if (!r.success) throw shapeError(fileName, r.error);
  return r.data as unknown as SweepFile;
}

function parseJson(text: string, fileName: string): unknown {
  if (text.length > MAX_FILE_BYTES) throw new ParseError(fileName, `larger than ${MAX_FILE_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ParseError(fileName, `not JSON (${(error as Error).message})`);
  }
}

function shapeError(fileName: string, error: z.ZodError): ParseError {
  const issue = error.issues[0]!;
  return new ParseError(fileName, `unexpected content: ${issue.path.map(String).join(".") || "(root)"}: ${issue.message}`);
}

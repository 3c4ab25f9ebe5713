/**
 * Building blocks of the protocols' parameter schemas (zod): fields whose error message
 * names the field, what it means, its range and the bad input, so a scenario's mistake reads
 * as one clear line (`entropic sim` exits 2 with it).
 */
import { z } from "zod";

/** A bad input as the error message shows it: numbers as they are, anything else as JSON. */
export function show(input: unknown): string {
  return typeof input === "number" ? String(input) : JSON.stringify(input) ?? String(input);
}

/** A finite number; the error message names the field, what it is, its range and the bad input. */
export function real(field: string, range: string, what: string) {
  const error = (iss: { input?: unknown }) => `${field} (${what}) must be a finite number in ${range}; got ${show(iss.input)}`;
  return { schema: z.number({ error }), error, what };
}

/** An integer in [lo, hi]; the error message as {@link real}'s. */
export function integer(field: string, lo: number, hi: number, what: string) {
  const error = (iss: { input?: unknown }) => `${field} (${what}) must be an integer in [${lo}, ${hi}]; got ${show(iss.input)}`;
  return z.number({ error }).int({ error }).min(lo, { error }).max(hi, { error }).describe(what);
}

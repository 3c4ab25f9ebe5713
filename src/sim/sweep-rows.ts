/**
 * A sweep's raw data: one flat row per run (`runs.csv`, `runs.jsonl`), for pandas, R or a
 * spreadsheet. Pure string builders: the same runs always give the same bytes.
 *
 * A row holds `run` (the run's number in the unsharded order), `point` (its grid point),
 * `set.NAME` for every swept override, then every field of the run's summary flattened
 * with dotted names (`params.decay`, `final.energy`, `finalStateNode0.1`), except the
 * wall-clock `simMs`, which is not a function of scenario and seed (see timings.json).
 * Non-finite numbers are null (an empty CSV cell), as in JSON.
 */
import type { RunRef } from "./sweep.js";

export type Cell = string | number | boolean | null;
export type Row = Readonly<Record<string, Cell>>;

/** Summary fields left out of rows: wall-clock time, which differs between two runs of the same seed. */
export const TIMING_FIELDS: ReadonlySet<string> = new Set(["simMs"]);

/** Flatten nested objects and arrays into `out` with dotted names; empty ones leave nothing. */
export function flattenInto(value: unknown, name: string, out: Record<string, Cell>): void {
  if (value === null || value === undefined) {
    if (value === null) out[name] = null;
    return;
  }
  if (typeof value === "number") out[name] = Number.isFinite(value) ? value : null;
  else if (typeof value === "string" || typeof value === "boolean") out[name] = value;
  else if (typeof value === "bigint") out[name] = value.toString();
  else if (Array.isArray(value)) value.forEach((v, i) => flattenInto(v, `${name}.${i}`, out));
  else if (typeof value === "object") for (const [k, v] of Object.entries(value as Record<string, unknown>)) flattenInto(v, name === "" ? k : `${name}.${k}`, out);
}

/** The row of one run: its number, grid point, the swept overrides, then its flattened summary. */
export function runRow(ref: RunRef, params: Readonly<Record<string, unknown>>, summary: Readonly<Record<string, unknown>>): Row {
  const out: Record<string, Cell> = { run: ref.run, point: ref.point };
  for (const [name, value] of Object.entries(params)) flattenInto(value, `set.${name}`, out);
  for (const [key, value] of Object.entries(summary)) if (!TIMING_FIELDS.has(key)) flattenInto(value, key, out);
  return out;
}

/** One JSON object per line, keys in the row's own order. */
export function rowsToJsonl(rows: readonly Row[]): string {
  let out = "";
  for (const row of rows) out += `${JSON.stringify(row)}\n`;
  return out;
}

/** Every column of the rows, in order of first appearance (rows in run order): a stable order. */
export function rowColumns(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) seen.add(k);
  return [...seen];
}

/**
 * One CSV cell, quoted as RFC 4180 says: a field holding a comma, a double quote, CR or LF is
 * enclosed in double quotes, a quote inside doubled. The empty string is quoted too (`""`),
 * so it stays apart from a missing value (an empty cell).
 */
export function csvCell(value: Cell | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  return value === "" || /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV: a header row of column names, then one record per run, CRLF line breaks. */
export function rowsToCsv(rows: readonly Row[]): string {
  const columns = rowColumns(rows);
  let out = `${columns.map(csvCell).join(",")}\r\n`;
  for (const row of rows) out += `${columns.map((c) => csvCell(row[c])).join(",")}\r\n`;
  return out;
}

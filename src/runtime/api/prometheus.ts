/**
 * Prometheus text exposition format 0.0.4: one family per metric name (`# HELP`, `# TYPE`,
 * then its samples, contiguous), label values and help text escaped. Names the node
 * supplies are coerced into the allowed alphabet rather than refused, so a badly named
 * metric never breaks the whole scrape.
 */
import type { HistogramMetric, MetricSample } from "./facade.js";

/** The Content-Type of a scrape response. */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** A valid metric name: `[a-zA-Z_:][a-zA-Z0-9_:]*`, other characters replaced by `_`. */
export function metricName(name: string): string {
  const body = name.replace(/[^a-zA-Z0-9_:]/g, "_");
  return body === "" || /^[0-9]/.test(body) ? `_${body}` : body;
}

/** A valid label name: `[a-zA-Z_][a-zA-Z0-9_]*`, other characters replaced by `_`. */
export function labelName(name: string): string {
  const body = name.replace(/[^a-zA-Z0-9_]/g, "_");
  return body === "" || /^[0-9]/.test(body) ? `_${body}` : body;
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

/** Label values also escape the double quote. */
function escapeLabelValue(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

/** Go's ParseFloat spellings, which Prometheus reads. */
function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Object.is(value, -0) ? "-0" : String(value);
}

function formatLabels(labels: Readonly<Record<string, string>> | undefined, extra?: readonly [string, string]): string {
  const parts = new Map<string, string>();
  for (const [key, value] of Object.entries(labels ?? {})) {
    const name = labelName(key);
    // Two keys may coerce to one name; a repeated label would make the line invalid.
    if (name === extra?.[0]) continue;
    if (!parts.has(name)) parts.set(name, `${name}="${escapeLabelValue(String(value))}"`);
  }
  if (extra !== undefined) parts.set(extra[0], `${extra[0]}="${escapeLabelValue(extra[1])}"`);
  return parts.size === 0 ? "" : `{${[...parts.values()].join(",")}}`;
}

/** `_bucket` lines (cumulative, ending with `le="+Inf"`), then `_sum` and `_count`. */
function histogramLines(name: string, h: HistogramMetric): string[] {
  const lines: string[] = [];
  let previous = 0;
  for (const bucket of h.buckets) {
    // Cumulative counts never decrease; a producer's slip must not make the scrape invalid.
    previous = Math.max(previous, bucket.count);
    lines.push(`${name}_bucket${formatLabels(h.labels, ["le", formatValue(bucket.le)])} ${formatValue(previous)}`);
  }
  const count = Math.max(previous, h.count);
  lines.push(`${name}_bucket${formatLabels(h.labels, ["le", "+Inf"])} ${formatValue(count)}`);
  lines.push(`${name}_sum${formatLabels(h.labels)} ${formatValue(h.sum)}`);
  lines.push(`${name}_count${formatLabels(h.labels)} ${formatValue(count)}`);
  return lines;
}

/**
 * The exposition text of `samples`. Samples sharing a name form one family wherever they
 * appear in the input; its HELP and TYPE come from the first of them (a histogram sharing a
 * name with a counter or gauge, or the reverse, is dropped: their lines cannot mix).
 */
export function renderPrometheus(samples: readonly (MetricSample | HistogramMetric)[]): string {
  const families = new Map<string, { help: string; type: string; lines: string[] }>();
  for (const sample of samples) {
    const name = metricName(sample.name);
    const type = sample.type === "counter" || sample.type === "histogram" ? sample.type : "gauge";
    let family = families.get(name);
    if (family === undefined) {
      family = { help: sample.help, type, lines: [] };
      families.set(name, family);
    } else if ((family.type === "histogram") !== (type === "histogram")) continue;
    if (sample.type === "histogram") family.lines.push(...histogramLines(name, sample));
    else family.lines.push(`${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  let out = "";
  for (const [name, family] of families) {
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}\n${family.lines.join("\n")}\n`;
  }
  return out;
}

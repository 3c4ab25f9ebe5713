import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { labelName, metricName, renderPrometheus } from "../../../src/runtime/api/prometheus.js";
import type { MetricSample } from "../../../src/runtime/api/facade.js";
import { parseExposition } from "./prometheus-parse.js";

describe("prometheus text format", () => {
  it("renders a pinned exposition", () => {
    const text = renderPrometheus([
      { name: "rounds_total", help: "Rounds run.", type: "counter", value: 42 },
      { name: "peer_trust", help: "Trust \\ per\npeer.", type: "gauge", value: 0.25, labels: { peer: 'p"1' } },
      { name: "peer_trust", help: "ignored", type: "counter", value: NaN, labels: { peer: "p2\n" } },
      { name: "weird", help: "", type: "gauge", value: -Infinity },
    ]);
    expect(text).toBe(
      [
        "# HELP rounds_total Rounds run.",
        "# TYPE rounds_total counter",
        "rounds_total 42",
        "# HELP peer_trust Trust \\\\ per\\npeer.",
        "# TYPE peer_trust gauge",
        'peer_trust{peer="p\\"1"} 0.25',
        'peer_trust{peer="p2\\n"} NaN',
        "# HELP weird ",
        "# TYPE weird gauge",
        "weird -Inf",
        "",
      ].join("\n"),
    );
  });

  it("renders nothing for no samples", () => {
    expect(renderPrometheus([])).toBe("");
  });

  it("coerces names into the allowed alphabet", () => {
    expect(metricName("entropic.messages-in")).toBe("entropic_messages_in");
    expect(metricName("9lives")).toBe("_9lives");
    expect(metricName("")).toBe("_");
    expect(metricName("a:b_c")).toBe("a:b_c");
    expect(labelName("a:b")).toBe("a_b");
    expect(labelName("0x")).toBe("_0x");
  });

  const validName = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/);
  const sample = fc.record({
    name: fc.constantFrom("alpha", "beta_total", "gamma:ratio"),
    help: fc.string({ unit: "binary", maxLength: 20 }),
    type: fc.constantFrom("counter" as const, "gauge" as const),
    value: fc.oneof(fc.double(), fc.integer()),
    labels: fc.option(fc.dictionary(validName, fc.string({ unit: "binary", maxLength: 12 }), { maxKeys: 3 }), { nil: undefined }),
  });

  it("round-trips through a strict parser: families grouped, first HELP/TYPE wins, values and labels exact", () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 12 }), (samples: MetricSample[]) => {
        const families = parseExposition(renderPrometheus(samples));
        const names = [...new Set(samples.map((s) => s.name))];
        expect([...families.keys()]).toEqual(names);
        for (const name of names) {
          const mine = samples.filter((s) => s.name === name);
          const family = families.get(name)!;
          expect(family.help).toBe(mine[0]!.help);
          expect(family.type).toBe(mine[0]!.type);
          expect(family.samples).toEqual(mine.map((s) => ({ labels: { ...(s.labels ?? {}) }, value: s.value })));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("always renders a valid exposition, whatever the names", () => {
    const anyName = fc.string({ unit: "binary", maxLength: 10 });
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            name: anyName,
            help: fc.string({ unit: "binary", maxLength: 10 }),
            type: fc.constantFrom("counter" as const, "gauge" as const),
            value: fc.double(),
            labels: fc.dictionary(anyName, fc.string({ unit: "binary", maxLength: 10 }), { maxKeys: 3 }),
          }),
          { maxLength: 10 },
        ),
        (samples) => {
          const families = parseExposition(renderPrometheus(samples));
          expect([...families.values()].reduce((n, f) => n + f.samples.length, 0)).toBe(samples.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

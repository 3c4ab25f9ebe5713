import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ParseError } from "../../../src/core/errors.js";
import { parseRounds, parseSummary, parseSweep } from "../../../src/report/files.js";
import { simulate } from "../../../src/sim/cycle/driver.js";
import { runFiles, toJson } from "../../../src/sim/output.js";
import { protocols } from "../../../src/sim/registry.js";
import { validateScenario } from "../../../src/sim/scenario/schema.js";
import { aggregatePoint, digestRun } from "../../../src/sim/sweep.js";

function outcome(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (error) {
    return error;
  }
}

const parsers = {
  "summary.json": (t: string) => parseSummary(t, "summary.json"),
  "rounds.jsonl": (t: string) => parseRounds(t, "rounds.jsonl"),
  "sweep.json": (t: string) => parseSweep(t, "sweep.json"),
};

describe("report input files", () => {
  it("read back what a run writes", () => {
    const scenario = validateScenario({ protocol: "tmesh", topology: { kind: "ring", n: 40 }, maxRounds: 30 });
    const out = simulate(scenario);
    const files = runFiles(out, protocols.tmesh.observables);
    const summary = parseSummary(files["summary.json"]!, "summary.json");
    expect(toJson(summary)).toBe(files["summary.json"]);
    const rounds = parseRounds(files["rounds.jsonl"]!, "rounds.jsonl");
    expect(rounds.length).toBe(out.steps.length);
    expect(rounds.at(-1)).toEqual(out.steps.at(-1));
  });

  it("reads back what a sweep writes", () => {
    const scenario = validateScenario({ protocol: "emtd-seed" });
    const digests = [0, 1, 2].map((seed) => digestRun(simulate({ ...scenario, seed })));
    const doc = { protocol: "emtd-seed", seeds: { from: 0, to: 2 }, points: [aggregatePoint({}, digests, protocols["emtd-seed"].outcomes)] };
    expect(parseSweep(JSON.stringify(doc), "sweep.json")).toEqual(doc);
  });

  for (const [name, parse] of Object.entries(parsers)) {
    it(`${name}: arbitrary text or JSON gives a value or a ParseError, nothing else`, () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), fc.json(), fc.array(fc.json()).map((rows) => rows.join("\n"))), (text) => {
          const r = outcome(() => parse(text));
          if (r instanceof Error) expect(r).toBeInstanceOf(ParseError);
        }),
      );
    });
  }

  it("name the file, the line and the problem", () => {
    expect(() => parseRounds('{"step":0,"a":1}\n{"step":"x"}\n', "r.jsonl")).toThrow(/r\.jsonl:2: not a round/);
    expect(() => parseRounds('{"step":3}\n{"step":2}\n', "r.jsonl")).toThrow(/steps must increase/);
    expect(() => parseRounds('{"step":0,"a":"text"}\n', "r.jsonl")).toThrow(ParseError);
    expect(parseRounds('{"step":0,"a":null}\n', "r.jsonl")[0]!.observables.a).toBeNaN();
    expect(() => parseSummary('{"protocol":"x"}', "s.json")).toThrow(/s\.json: unexpected content/);
    expect(() => parseSweep("[]", "w.json")).toThrow(ParseError);
  });
});

// The event driver's message trace (JSONL: tick, from, to, kind, bytes, dropped, arrival,
// duplicated): one line per message sent, agreeing with the run's own counters; the same
// scenario and seed give the same bytes; `entropic sim --trace-messages FILE` writes exactly
// what the library hands out, and refuses a driver that sends no messages.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { nodeCrypto } from "../../src/runtime/crypto-node.js";
import { simulate } from "../../src/sim/cycle/driver.js";
import { ConsensusEventRun } from "../../src/sim/event/run.js";
import { MESSAGE_TRACE_FIELDS, type MessageRecord, messageTraceLine } from "../../src/sim/event/trace.js";
import { protocols } from "../../src/sim/registry.js";
import { rngFactory } from "../../src/sim/rng-family.js";
import { loadScenario } from "../../src/sim/scenario/load.js";
import { validateScenario } from "../../src/sim/scenario/schema.js";
import { entropic } from "../helpers/cli.js";

const doc = {
  protocol: "snowball",
  seed: 5,
  topology: { kind: "watts-strogatz", n: 120, k: 8, p: 0.1 },
  sampling: "global",
  workload: { instances: 2, candidates: 2, bias: 0.7 },
  maxRounds: 200,
  driver: "event",
  params: { k: 10, alphaPreference: 7, alphaConfidence: 7, beta: 12 },
  network: {
    pollInterval: 10,
    latency: { kind: "uniform", min: 1, max: 6 },
    loss: 0.03,
    duplication: 0.02,
    partitions: [{ at: 40, heal: 120, split: 0.5 }],
    signatures: false, // signing changes only bytes and time here; the CLI test below signs
  },
};

/** Run with the trace on, keeping the run object to read its counters. */
function traced(d: Record<string, unknown>) {
  const s = validateScenario(d);
  const lines: string[] = [];
  const records: MessageRecord[] = [];
  const env = { seed: s.seed, rng: rngFactory(s.rng, s.seed), sections: s.sections, crypto: nodeCrypto, onMessage: (m: MessageRecord) => (records.push(m), lines.push(messageTraceLine(m))) };
  const run = protocols[s.protocol].create(s.params as never, env) as ConsensusEventRun<unknown>;
  while (run.step());
  return { run, records, text: lines.join("") };
}

describe("event driver message trace", () => {
  const { run, records, text } = traced(doc);

  it("has one line per message sent, with the run's byte, loss, partition and duplicate counts", () => {
    expect(run.messages).toBeGreaterThan(1000);
    expect(records.length).toBe(run.messages);
    expect(records.reduce((a, r) => a + r.bytes, 0)).toBe(run.bytes);
    expect(records.filter((r) => r.dropped === "loss").length).toBe(run.droppedLoss);
    expect(records.filter((r) => r.dropped === "partition").length).toBe(run.droppedPartition);
    expect(records.filter((r) => r.duplicated).length).toBe(run.duplicates);
    // The scenario exercises each of them.
    expect(run.droppedLoss).toBeGreaterThan(0);
    expect(run.droppedPartition).toBeGreaterThan(0);
    expect(run.duplicates).toBeGreaterThan(0);
  });

  it("records what the network did: ticks in send order, latency within the spec, partition drops only across the cut while it lasts", () => {
    let last = 0;
    for (const r of records) {
      expect(r.tick).toBeGreaterThanOrEqual(last);
      last = r.tick;
      if (r.dropped === null) {
        expect(r.arrival! - r.tick).toBeGreaterThanOrEqual(1);
        expect(r.arrival! - r.tick).toBeLessThanOrEqual(6);
      } else expect(r.arrival).toBeNull();
      if (r.dropped === "partition") {
        expect(r.tick >= 40 && r.tick < 120).toBe(true);
        expect(r.from < 60).not.toBe(r.to < 60);
      }
    }
    const queries = records.filter((r) => r.kind === "query");
    const answers = records.filter((r) => r.kind === "answer");
    expect(queries.length + answers.length).toBe(records.length);
    expect(answers.length).toBeLessThan(queries.length); // lost queries get no answer
  });

  it("parses back as JSON Lines with the documented fields in order", () => {
    const lines = text.trimEnd().split("\n");
    expect(lines.length).toBe(run.messages);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual([...MESSAGE_TRACE_FIELDS]);
    expect(lines.map((l) => JSON.parse(l) as MessageRecord)).toEqual(records);
  });

  it("is deterministic (same scenario and seed, same bytes) and changes with the seed", () => {
    expect(traced(doc).text).toBe(text);
    expect(traced({ ...doc, seed: 6 }).text).not.toBe(text);
  });

  it("leaves the run unchanged: the traced summary equals the untraced one", () => {
    const s = validateScenario(doc);
    const plain = simulate(s, { crypto: nodeCrypto, recordSteps: false }).summary;
    const withTrace = simulate(validateScenario(doc), { crypto: nodeCrypto, recordSteps: false, onMessage: () => {} }).summary;
    expect(withTrace).toEqual(plain);
  });
});

describe("entropic sim --trace-messages", () => {
  const dir = mkdtempSync(join(tmpdir(), "entropic-trace-"));

  it("writes the library's trace byte for byte (signed answers: their bytes count), matching the summary's message count", () => {
    const file = join(dir, "messages.jsonl");
    const overrides = [{ name: "topology.n", value: 100 }];
    const r = entropic(["sim", "scenarios/event-partition.yaml", "--set", "topology.n=100", "--json", "--trace-messages", file]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { final: { messages: number }; signatures: boolean };
    expect(summary.signatures).toBe(true);
    const written = readFileSync(file, "utf8");
    expect(written.trimEnd().split("\n").length).toBe(summary.final.messages);
    let library = "";
    simulate(loadScenario(readFileSync("scenarios/event-partition.yaml", "utf8"), "event-partition.yaml", overrides), {
      crypto: nodeCrypto,
      recordSteps: false,
      onMessage: (m) => (library += messageTraceLine(m)),
    });
    expect(written).toBe(library);
  });

  it("refuses the cycle driver (no messages) with exit 2 before running", () => {
    const r = entropic(["sim", "scenarios/snowball.yaml", "--trace-messages", join(dir, "x.jsonl")]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe("entropic: --trace-messages needs the event driver (driver: event; this scenario runs driver: cycle): set --set driver=event");
  });
});

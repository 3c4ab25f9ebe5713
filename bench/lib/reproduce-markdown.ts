/**
 * docs/reproduction.md from a {@link Reproduction}: pure (no I/O, no clock), so the same
 * runs always give the same bytes. Every number in the document is computed here from the
 * runs; the prose around it changes with what was measured rather than asserting it.
 */
import { histogramEntries, meanSd, proportionsAgree, quantiles, upperBound95ZeroEvents } from "../../src/sim/stats.js";
import {
  type AgreementRow,
  type Check,
  type ColumnKey,
  COLUMN_LABELS,
  DEFAULT_HARD_SEEDS,
  DEFAULT_SEEDS,
  coherenceDrift,
  columnRuns,
  type EmtdRun,
  emtdAgreement,
  evaluateChecks,
  meanDifference,
  minMax,
  presentColumns,
  type PrintedRow,
  type RunSet,
  shareCell,
  type ShareCell,
  shareComparisons,
  signed,
  stepsRows,
  type TmeshRun,
  tmeshAgreement,
} from "./reproduce-compare.js";
import type { DemoSeed0, Reproduction } from "./reproduce-run.js";

/** The one command that regenerates the document. */
export const REPRODUCE_COMMAND = "npm run reproduce";

export interface MarkdownOptions {
  /** the command line that produced this run, as the doc should show it */
  readonly command: string;
}

/** Every check the run is judged by (the command exits non-zero when one fails). */
export function reproductionChecks(r: Reproduction): Check[] {
  return evaluateChecks({
    emtdSets: [r.emtd, r.emtdHard],
    tmesh: r.tmesh,
    printed: [
      { demo: r.emtd.title, rows: r.seed0.emtd.rows, ...(r.seed0.emtd.seedError !== undefined ? { error: r.seed0.emtd.seedError } : {}) },
      { demo: r.tmesh.title, rows: r.seed0.tmesh.rows, ...(r.seed0.tmesh.seedError !== undefined ? { error: r.seed0.tmesh.seedError } : {}) },
    ],
  });
}

// ---------------------------------------------------------------------------------------
// formatting

const f4 = (x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "n/a" : x.toFixed(4));
const sig = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || Number.isNaN(x) ? "n/a" : x === 0 ? "0" : x.toPrecision(digits));
const yesNo = (b: boolean | null): string => (b === null ? "n/a" : b ? "yes" : "**NO**");

function shareText(c: ShareCell): string {
  if (c.interval.share === null) return "n/a";
  return `${c.count} (${f4(c.interval.share)}) [${f4(c.interval.low)}, ${f4(c.interval.high)}]`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly ("l" | "r")[]): string {
  const sep = header.map((_, i) => ((align?.[i] ?? "l") === "r" ? "---:" : "---"));
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, "\\|")).join(" | ")} |`;
  return [line(header), `|${sep.join("|")}|`, ...rows.map(line)].join("\n");
}

function codeBlock(text: string): string {
  return ["```text", text.replace(/\n+$/, ""), "```"].join("\n");
}

function paramText(set: RunSet<unknown>): string {
  return Object.entries(set.params)
    .map(([k, v]) => `\`${k}=${String(v)}\``)
    .join(" ");
}

const label = (c: ColumnKey): string => COLUMN_LABELS[c];

/** The reference column: the seed's Python when it ran, else ours on the python generators. */
function referenceColumn(set: RunSet<unknown>): ColumnKey {
  return set.python ? "python" : "oursPython";
}

// ---------------------------------------------------------------------------------------
// shared sections

function pythonNote(set: RunSet<unknown>): string[] {
  if (set.python) return [];
  return [`> The seed's Python was not run for this table: ${set.pythonSkipped ?? "absent"}. Only our two columns are shown; the share check compares them with each other.`, ""];
}

function outcomesTable(set: RunSet<{ outcome: string }>): string {
  const cols = presentColumns(set);
  const comparisons = shareComparisons(set);
  const pairs = [...new Set(comparisons.map((c) => `${c.a}|${c.b}`))].map((p) => p.split("|") as [ColumnKey, ColumnKey]);
  const header = ["outcome", ...cols.map(label), ...pairs.map(([a, b]) => `${short(a)} − ${short(b)}: 95% interval, agree?`)];
  const rows = set.outcomes.map((o) => [
    `\`${o}\``,
    ...cols.map((c) => shareText(shareCell(columnRuns(set, c)!, o))),
    ...pairs.map(([a, b]) => {
      const c = comparisons.find((x) => x.outcome === o && x.a === a && x.b === b)!;
      const d = c.difference;
      return d ? `${signed(d.difference)} [${signed(d.low)}, ${signed(d.high)}] ${yesNo(c.agree)}` : "n/a";
    }),
  ]);
  return table(header, rows);
}

function short(c: ColumnKey): string {
  return c === "python" ? "Python" : c === "oursPython" ? "ours (python rng)" : "ours (xoshiro)";
}

function agreementTable(rows: readonly AgreementRow[], seeds: number): string {
  return table(
    ["quantity", "criterion", "seeds agreeing", "largest difference"],
    rows.map((r) => [
      r.quantity,
      r.criterion,
      `${r.agreeing}/${seeds}${r.agreeing !== seeds && r.firstMismatches.length ? ` (first mismatches: seeds ${r.firstMismatches.join(", ")})` : ""}`,
      r.maxDifference === null ? "—" : sig(r.maxDifference),
    ]),
    ["l", "l", "r", "r"],
  );
}

function stepsTable(set: RunSet<{ steps: number }>, what: string): string {
  const cols = presentColumns(set);
  const ref = referenceColumn(set);
  const rows = stepsRows(set).map((row) => [
    String(row.steps),
    ...cols.map((c) => String(row.counts[c] ?? 0)),
    yesNo(proportionsAgree(row.counts[ref] ?? 0, set.seeds, row.counts.oursXoshiro ?? 0, set.seeds)),
  ]);
  const means = cols.map((c) => f4(meanSd(columnRuns(set, c)!.map((r) => r.steps)).mean));
  rows.push(["mean", ...means, ""]);
  return table([what, ...cols.map(label), `share agrees, ${short(ref)} vs ours (xoshiro), 95%`], rows, ["r", ...cols.map(() => "r" as const), "l"]);
}

function seed0Section(demo: DemoSeed0, rows: readonly PrintedRow[]): string[] {
  const out: string[] = [];
  out.push(`The seed's code, run whole as the seed document gives it, after seeding both generators: \`${demo.seedCommand}\`:`, "");
  out.push(demo.seedStdout !== null ? codeBlock(demo.seedStdout) : `> Not run: ${demo.seedSkipped ?? "python absent"}.`, "");
  out.push(`Ours, \`${demo.oursCommand}\` (the timing part of the \`updates\` line left out, so this file regenerates byte for byte):`, "");
  out.push(codeBlock(demo.oursSummary), "");
  out.push("The numbers the seed's demo prints, beside ours formatted the same way:", "");
  out.push(table(["printed", "seed's code", "ours", "equal"], rows.map((r) => [r.what, r.seed === null ? "n/a" : `\`${r.seed}\``, `\`${r.ours}\``, r.match === null ? "—" : yesNo(r.match)])));
  out.push("");
  return out;
}

// ---------------------------------------------------------------------------------------
// "What this shows"

function whatThisShows(r: Reproduction): string[] {
  const out: string[] = [];
  const e = r.emtd;
  const eRef = referenceColumn(e);
  const eRuns = columnRuns(e, eRef)! as readonly EmtdRun[];
  const n = eRuns.length;
  const count = (runs: readonly { outcome: string }[], o: string) => runs.filter((x) => x.outcome === o).length;
  const full = count(eRuns, "full_agreement");
  const rejected = count(eRuns, "injection_rejected");
  const split = count(eRuns, "split");
  const accepted = eRuns.filter((x) => x.injectAccepted);
  const acceptedFull = accepted.filter((x) => x.outcome === "full_agreement").length;
  const src = eRef === "python" ? "the seed's own code" : "ours (python rng; the seed's Python was not run)";
  const failures = split === 0 ? "the only failure was node 0 rejecting the injection" : `failures were node 0 rejecting the injection and ${split} splits`;
  out.push(
    `- **EMTD: ${failures}.** Over ${n} seeds of the demo settings, ${src} reached full agreement in ${full} runs (${f4(full / n)}) and node 0 rejected the injected input in ${rejected} (${f4(rejected / n)}${rejected > 0 ? `, about 1 in ${(n / rejected).toFixed(1)}` : ""}); then nothing moves and every node keeps 0. ` +
      `Splits: ${split}${split === 0 ? ` (95% upper bound on the split share: ${sig(upperBound95ZeroEvents(n).exact)})` : ""}. ` +
      `Of the ${accepted.length} runs in which node 0 accepted the input, ${acceptedFull} ended in full agreement.`,
  );
  const steps = minMax(eRuns.map((x) => x.steps));
  const temps = minMax(eRuns.map((x) => x.finalTemperature));
  const t0 = Number(e.params.temperature);
  out.push(
    `- **EMTD stops before anything is annealed.** Every run stopped after ${steps.min}–${steps.max} sweeps, when a sweep changed no state (the seed's convergence test), with the temperature still between ${sig(temps.min, 4)} and ${sig(temps.max, 4)} (it starts at ${t0}; decay ${String(e.params.decay)} per visit): at most ${(100 * (1 - temps.min / t0)).toFixed(1)}% of the way down.`,
  );
  const h = r.emtdHard;
  const hRef = referenceColumn(h);
  const hRuns = columnRuns(h, hRef)!;
  const hSplit = count(hRuns, "split");
  const hxSplit = count(h.oursXoshiro, "split");
  const hAgree = shareComparisons(h).every((c) => c.agree === true);
  out.push(
    `- **${hSplit > 0 ? "Splits do happen in a harder setting" : "No splits even in a harder setting"}** (${paramText(h)}, ${h.seeds} seeds): ${hSplit} splits (${f4(hSplit / hRuns.length)}) in ${hRef === "python" ? "the seed's code" : "ours (python rng)"}, ${hxSplit} (${f4(hxSplit / h.oursXoshiro.length)}) in ours on xoshiro; ` +
      `all outcome shares ${hAgree ? "agree" : "do **not** all agree"} within 95%.`,
  );

  const t = r.tmesh;
  const tRef = referenceColumn(t);
  const tRuns = columnRuns(t, tRef)! as readonly TmeshRun[];
  const ours = t.oursPython;
  const driftOurs = coherenceDrift(ours);
  const driftXo = coherenceDrift(t.oursXoshiro);
  const driftPy = t.python ? coherenceDrift(t.python) : null;
  const nodes = Number(t.params.nodes);
  const dim = Number(t.params.dim);
  const coh = meanSd(tRuns.map((x) => x.coherence[x.coherence.length - 1]!));
  out.push(
    `- **T-M.E.S.H.'s printed coherence never changes within a run.** The largest |coherence_t − coherence_0| over all ${ours.length} runs and all ${ours[0]?.steps ?? 0} interactions is ${sig(driftOurs, 2)} in ours (python rng, measured from the initial states), ${sig(driftXo, 2)} on xoshiro` +
      `${driftPy !== null ? `, and ${sig(driftPy, 2)} in the seed's code (over the ${t.python![0]?.coherence.length ?? 0} values it records, from the first interaction on)` : ""}: rounding error. ` +
      `The quantity is mean_i Tr(ρ_i·C) = Tr(C²), the purity of the centroid C, and pairwise averaging leaves C unchanged. Its mean over runs is ${f4(coh.mean)} (sd ${f4(coh.sd)}, standard error ${f4(coh.sd / Math.sqrt(coh.n))}); the expected purity of the mean of N = ${nodes} uniformly random pure states in dimension d = ${dim} is 1/N + (N−1)/(N·d) = ${f4(1 / nodes + (nodes - 1) / (nodes * dim))}.`,
  );
  const init = ours.map((x) => Math.abs(x.initialEntropyMean ?? Number.NaN));
  const rose = ours.filter((x) => x.initialEntropyMean !== null && x.finalEntropyMean > x.initialEntropyMean + 1e-12).length;
  const drop = Math.max(0, ...ours.map((x) => x.maxEntropyMeanDrop ?? 0));
  const finalEntropy = meanSd(tRuns.map((x) => x.finalEntropyMean));
  out.push(
    `- **Entropy rises rather than falls.** The nodes start in pure states (|mean node entropy| at most ${sig(Math.max(...init), 2)} over all runs) and end with mean node entropy ${f4(finalEntropy.mean)} on average${tRef === "python" ? " in the seed's code" : ""}; it rose in ${rose} of ${ours.length} runs (ours), and the largest fall of the mean from one interaction to the next, over all runs, is ${sig(drop, 2)}. (Entropy is concave, so replacing ρ_a and ρ_b by their average never lowers S(ρ_a) + S(ρ_b).) A rule that finalizes a value when S(ρ) falls below a threshold, as the proposal describes, gets nothing from this mixing: the nodes start at S = 0 and only move away from it.`,
  );
  const consensus = count(tRuns, "consensus");
  const spread = quantiles(tRuns.map((x) => x.finalSpread), [0, 0.5]);
  out.push(
    `- **"FINAL CONSENSUS STATE REACHED" is printed, not reached.** The demo prints it unconditionally after its ${ours[0]?.steps ?? 0} interactions; all ${nodes} states were identical (within 1e-6) at that point in ${consensus} of ${tRuns.length} runs (share ${f4(consensus / tRuns.length)}${consensus === 0 ? `, 95% upper bound ${sig(upperBound95ZeroEvents(tRuns.length).exact)}` : ""}). ` +
      `The final distance between states (${tRef === "python" ? "largest entrywise |ρ_a − ρ_b| over pairs" : "largest entrywise |ρ_i − ρ_0|"}) has median ${sig(spread[1]!)} and minimum ${sig(spread[0]!)}.`,
  );
  const exact = [r.emtd, r.emtdHard].every((s) => !s.python || emtdAgreement(s.python, s.oursPython).every((x) => x.agreeing === s.seeds)) &&
    (!t.python || tmeshAgreement(t.python, t.oursPython).every((x) => x.agreeing === t.seeds));
  const xoAgree = [r.emtd, r.emtdHard, r.tmesh].every((set) => shareComparisons(set as RunSet<{ outcome: string }>).every((c) => c.agree === true));
  out.push(
    r.python.ok
      ? `- **The ports reproduce the seeds' code.** With \`rng: python\` ours ${exact ? "matches" : "does **not** match"} the seed's code seed by seed (tables below). With entropic's own xoshiro generators, an independent sample of the same distributions, ${xoAgree ? "every outcome share agrees with the seed's code within its 95% interval" : "**not every outcome share agrees** with the seed's code within its 95% interval (see the checks)"}.`
      : `- **The seed's Python was not run** (${r.python.reason}), so the per-seed comparison with it is missing; ours on the two generator families are compared with each other.`,
  );
  return out;
}

// ---------------------------------------------------------------------------------------
// the document

export function buildMarkdown(r: Reproduction, o: MarkdownOptions): string {
  const checks = reproductionChecks(r);
  const failed = checks.filter((c) => !c.ok);
  const env = r.environment;
  const py = env.python;
  const out: string[] = [];

  out.push("# Reproducing the seed demos", "");
  out.push(`<!-- Generated by \`${o.command}\` (bench/reproduce.ts). Do not edit by hand: rerun the command. -->`, "");
  out.push(
    `This page was produced by **\`${o.command}\`**. Every number on it comes from that run; nothing depends on the date or on timing, so rerunning the command on the same versions gives the same file.`,
    "",
  );
  out.push(
    `- Environment: Node ${env.node} (${env.platform}); ${py ? `Python ${py.python}, numpy ${py.numpy}, networkx ${py.networkx}, scipy ${py.scipy ?? "absent"}` : `Python reference absent: ${r.python.ok ? "" : r.python.reason}`}.`,
  );
  out.push(`- Seeds: 0..${r.seeds - 1} for each demo, 0..${r.hardSeeds - 1} for the harder EMTD setting.`);
  out.push(
    failed.length === 0
      ? `- Reproduction check: **passed** (${checks.length} checks, listed [at the end](#checks)).`
      : `- Reproduction check: **FAILED** (${failed.length} of ${checks.length} checks, listed [at the end](#checks)).`,
  );
  out.push("");

  out.push("## How to regenerate", "");
  out.push("```sh");
  out.push(`${REPRODUCE_COMMAND}                                   # ${DEFAULT_SEEDS} seeds per demo, ${DEFAULT_HARD_SEEDS} for the harder setting; writes docs/reproduction.md`);
  out.push(`${REPRODUCE_COMMAND} -- --seeds 500 --out /tmp/repro.md   # fewer seeds, elsewhere (--hard-seeds N, --no-python also exist)`);
  out.push("```", "");
  out.push(
    "It runs each demo three ways over the same seeds and exits non-zero when a [check](#checks) fails:",
    "",
    `- **${label("python")}**: the seed's code, the \`\`\`python block of each seed document read at run time (from \`--seeds-dir DIR\`, else \`$ENTROPIC_SEEDS_DIR\`, else \`../shared/seeds\` beside the repository) and checked against the SHA-256 in \`bench/reference/seed-code.json\` (the repository holds no copy of it), run unedited by \`bench/reference/run_emtd_seed.py\` / \`run_tmesh_seed.py\`; seed s means \`random.seed(s); np.random.seed(s)\` before the seed's code runs. Needs python3 with numpy and networkx (and scipy for T-M.E.S.H.) and the seed documents; where either is absent the command says so and runs ours only.`,
    `- **${label("oursPython")}**: \`simulate(validateScenario(…))\` on the shipped \`scenarios/emtd-seed.yaml\` / \`scenarios/tmesh-seed.yaml\` with seed s. The python generator family reimplements CPython's \`random\` and numpy's \`RandomState\`, so this replays the seed's program: agreement with the first column is checked seed by seed, and it is an identity check, not a statistical one.`,
    `- **${label("oursXoshiro")}**: the same scenarios on entropic's own generator: an independent sample of the same distributions, so agreement of its shares with the reference (Newcombe 95% interval for the difference containing 0) is a genuine statistical check.`,
    "",
    "Shares are shown as `count (share) [Wilson 95% interval]`.",
    "",
  );

  out.push("## What this shows", "");
  out.push(...whatThisShows(r), "");

  // --- EMTD demo
  const e = r.emtd;
  out.push(`## ${e.title}`, "");
  out.push(`Parameters: ${paramText(e)} (the seed's \`EntropicLedger(num_nodes=50).run_epoch(input_signal=3.14159)\`, Watts–Strogatz k=4, p=0.1).`, "");
  out.push("### Seed 0: what the seed prints, and what ours prints", "");
  out.push(...seed0Section(r.seed0.emtd, r.seed0.emtd.rows));
  out.push(`### Outcomes over ${e.seeds} seeds`, "");
  out.push(...pythonNote(e));
  out.push(outcomesTable(e), "");
  out.push(...emtdExtra(e));

  // --- EMTD hard
  const h = r.emtdHard;
  out.push(`## ${h.title}`, "");
  out.push(
    `A harder setting where splits do happen (the recorded fixtures' N=200 runs): ${paramText(h)}, over ${h.seeds} seeds. With decay ${String(h.params.decay)} the temperature falls by that factor at every visit, so nodes can freeze before the input reaches them; with input ${String(h.params.input)} the energy cost of the injection is far larger, so node 0 rejects it far more often.`,
    "",
  );
  out.push(...pythonNote(h));
  out.push(outcomesTable(h), "");
  out.push(...emtdExtra(h));

  // --- T-M.E.S.H.
  const t = r.tmesh;
  out.push(`## ${t.title}`, "");
  out.push(`Parameters: ${paramText(t)} (the seed's module-level demo: 5 \`QuantumGraphNode\`s in random pure qubit states, 15 random pair interactions \`ρ_a, ρ_b ← ½(ρ_a + ρ_b)\`).`, "");
  out.push("### Seed 0: what the seed prints, and what ours prints", "");
  out.push(...seed0Section(r.seed0.tmesh, r.seed0.tmesh.rows));
  out.push(`### Over ${t.seeds} seeds`, "");
  out.push(...pythonNote(t));
  out.push(tmeshTable(t), "");
  out.push(
    "Distance between states: ours reports the largest entrywise |ρ_i − ρ_0| (`spread`), the runner for the seed's code the largest entrywise |ρ_a − ρ_b| over all pairs (`diameter`), which lies between one and two times ours, so the two medians differ although the runs are the same. " +
      "Outcome `consensus`: that distance is at most 1e-6 after the last interaction (our protocol's own outcome; for the seed's code, computed from `diameter`).",
    "",
  );
  out.push(outcomesTable(t), "");
  if (t.python) {
    out.push("#### Per-seed agreement: seed's Python vs ours (`rng: python`)", "");
    out.push(agreementTable(tmeshAgreement(t.python, t.oursPython), t.seeds), "");
  }
  out.push("#### Interactions per run", "");
  out.push(stepsTable(t, "interactions"), "");

  // --- checks
  out.push("## Checks", "");
  out.push(`The command exits non-zero when any of these fails. ${failed.length === 0 ? "All passed." : `**${failed.length} failed.**`}`, "");
  out.push(table(["check", "result", "detail"], checks.map((c) => [c.name, c.ok ? "pass" : "**FAIL**", c.detail])), "");
  out.push(
    "Not gated (shown for information): the per-value agreement of the steps histograms and the difference of mean final coherence. With many histogram rows, about one in twenty is expected to fall outside its 95% interval by chance.",
    "",
  );
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}

function emtdExtra(set: RunSet<EmtdRun>): string[] {
  const out: string[] = [];
  if (set.python) {
    out.push("#### Per-seed agreement: seed's Python vs ours (`rng: python`)", "");
    out.push(agreementTable(emtdAgreement(set.python, set.oursPython), set.seeds), "");
  }
  out.push("#### Steps (sweeps) per run", "");
  out.push(stepsTable(set, "sweeps"), "");
  out.push("#### Temperature when the run stopped", "");
  const cols = presentColumns(set);
  const rows = cols.map((c) => {
    const runs = columnRuns(set, c)!;
    const mm = minMax(runs.map((x) => x.finalTemperature));
    const byT = histogramEntries(runs.map((x) => x.steps));
    return [label(c), sig(mm.min, 6), sig(mm.max, 6), byT.map(([s, k]) => `${s}: ${k}`).join(", ")];
  });
  out.push(table(["", "lowest", "highest", "runs by sweeps (the temperature is T0·decay^sweeps)"], rows), "");
  return out;
}

function tmeshTable(set: RunSet<TmeshRun>): string {
  const cols = presentColumns(set);
  const get = (c: ColumnKey) => columnRuns(set, c)!;
  const final = (x: TmeshRun) => x.coherence[x.coherence.length - 1]!;
  const rows: string[][] = [];
  const row = (name: string, f: (runs: readonly TmeshRun[], c: ColumnKey) => string) => rows.push([name, ...cols.map((c) => f(get(c), c))]);
  row("runs", (runs) => String(runs.length));
  row("final coherence: mean (sd)", (runs) => {
    const m = meanSd(runs.map(final));
    return `${f4(m.mean)} (${f4(m.sd)})`;
  });
  row("final coherence: min – max", (runs) => {
    const m = minMax(runs.map(final));
    return `${f4(m.min)} – ${f4(m.max)}`;
  });
  row("max |coherence_t − coherence_0| over runs and steps", (runs, c) => `${sig(coherenceDrift(runs), 2)}${c === "python" ? " (from step 1)" : ""}`);
  row("initial mean node entropy: largest |value| over runs", (runs) => (runs[0]?.initialEntropyMean === null ? "not recorded" : sig(Math.max(...runs.map((x) => Math.abs(x.initialEntropyMean!))), 2)));
  row("final mean node entropy: mean (sd) over runs", (runs) => {
    const m = meanSd(runs.map((x) => x.finalEntropyMean));
    return `${f4(m.mean)} (${f4(m.sd)})`;
  });
  row("consensus share", (runs) => shareText(shareCell(runs, "consensus")));
  row("final distance between states: median (see below)", (runs) => sig(quantiles(runs.map((x) => x.finalSpread), [0.5])[0]));
  const ref = referenceColumn(set);
  const d = meanDifference(get(ref).map(final), set.oursXoshiro.map(final));
  const header = ["", ...cols.map(label)];
  const t = table(header, rows);
  const note = d
    ? `\n\nMean final coherence, ${short(ref)} − ours (xoshiro): ${signed(d.difference)}, 95% interval [${signed(d.low)}, ${signed(d.high)}] (normal approximation, Welch standard error): ${d.agree ? "contains 0" : "**excludes 0**"}.`
    : "";
  return t + note;
}

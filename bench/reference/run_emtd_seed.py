#!/usr/bin/env python3
"""Run the EMTD seed's own code, unedited, over many seeds.

The code is the ```python block of the EMTD seed document, read at run time from the seeds
directory (--seeds-dir DIR, else $ENTROPIC_SEEDS_DIR, else ../shared/seeds beside the
repository) and checked against the SHA-256 in seed-code.json; the repository holds no copy.

For each seed s:  random.seed(s); np.random.seed(s); EntropicLedger(N).run_epoch(input, decay)
using the seed's classes. The code is split at its '# --- Execution ---' marker, and only the
part above (imports + class definitions) is exec'd, so the seed's 50-node demo at module
level does not run.

Seeding: the seed calls nx.watts_strogatz_graph(N, k=4, p=0.1) without a seed, which
networkx serves from Python's global `random` instance, so random.seed(s) fixes the graph
(identical to nx.watts_strogatz_graph(N, 4, 0.1, seed=s)); the Metropolis draws come from
np.random.rand(), fixed by np.random.seed(s). This is how the fixtures in
test/fixtures/reference/emtd_fixtures.json were recorded.

Usage:
  run_emtd_seed.py --seeds 0..1999 [--nodes 50] [--decay 0.95] [--input 3.14159]
                   [--temperature 100] [--trace] [--json] [--seeds-dir DIR]
  run_emtd_seed.py --check-fixtures [PATH] [--json] [--seeds-dir DIR]

--temperature T0 sets node.temperature = T0 on every node after construction (the seed
hardcodes 100.0 in TensorNode.__init__); the seed's code is never edited.
--trace records, per run, the adjacency, every uniform draw consumed and per-sweep
flips/adopters/temperature, by wrapping each node's update_state and the namespace's `np`
from the outside (slower; the timing figures of a traced run are not representative).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
import types
from typing import Any, Callable

import networkx as nx
import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the repo when importing _common
from _common import emit_json, histogram, load_fixtures, load_seed_code, mean_sd, parse_seeds, wilson

MARKER = "# --- Execution ---"
CAP = 1000  # the seed's `steps < 1000` cap in run_epoch


def load_classes(src: str, origin: str) -> dict[str, Any]:
    """Exec the seed's code above the execution marker; return its namespace."""
    if src.count(MARKER) != 1:
        raise RuntimeError(f"{origin}: expected exactly one {MARKER!r} line")
    head = src.split(MARKER, 1)[0]
    ns: dict[str, Any] = {"__name__": "emtd_seed"}
    exec(compile(head, origin, "exec"), ns)
    for name in ("TensorNode", "EntropicLedger"):
        if name not in ns:
            raise RuntimeError(f"{origin}: class {name} not defined above the marker")
    return ns


class _DrawRecorder(types.ModuleType):
    """Stand-in for `np` inside the seed code's namespace that logs np.random.rand() calls."""

    def __init__(self, draws: list[float]) -> None:
        super().__init__("numpy")
        rnd = types.ModuleType("numpy.random")

        def rand(*args: Any) -> Any:
            u = np.random.rand(*args)
            draws.append(float(u))
            return u

        rnd.rand = rand  # type: ignore[attr-defined]
        self.random = rnd

    def __getattr__(self, name: str) -> Any:
        return getattr(np, name)


def run_one(ns: dict[str, Any], seed: int, n: int, decay: float, signal: float,
            temperature: float | None, trace: bool) -> dict[str, Any]:
    random.seed(seed)
    np.random.seed(seed)
    t0 = time.perf_counter()
    ledger = ns["EntropicLedger"](n)
    if temperature is not None:
        for node in ledger.nodes:
            node.temperature = float(temperature)
    t_built = time.perf_counter()

    draws: list[float] = []
    sweeps: list[dict[str, Any]] = []
    inject: dict[str, Any] = {}
    restore: Callable[[], None] = lambda: None
    if trace:
        saved_np = ns["np"]
        ns["np"] = _DrawRecorder(draws)
        calls = [0]

        def wrap(node: Any) -> None:
            orig = node.update_state  # bound method of the seed's class

            def traced(proposed: float, neighbours: list[Any]) -> bool:
                i = calls[0]
                calls[0] += 1
                before = node.state.copy()
                t_during = node.temperature
                ok = orig(proposed, neighbours)
                moved = not np.array_equal(before, node.state)
                if i == 0:
                    inject["accepted"] = bool(ok)
                    return ok
                sweep = (i - 1) // n
                if sweep == len(sweeps):
                    sweeps.append({"sweep": sweep + 1, "T_during": t_during, "flips": 0, "adopters_after": 0})  # adopters: nodes holding the input
                sweeps[sweep]["flips"] += int(moved)
                if (i - 1) % n == n - 1:
                    sweeps[sweep]["adopters_after"] = sum(1 for x in ledger.nodes if x.state[0] == signal)
                return ok

            node.update_state = traced

        for node in ledger.nodes:
            wrap(node)

        def restore() -> None:
            ns["np"] = saved_np

    try:
        t_run = time.perf_counter()
        steps, final_state = ledger.run_epoch(signal, decay)
        t_end = time.perf_counter()
    finally:
        restore()

    scalars = [float(node.state[0]) for node in ledger.nodes]
    adopters = sum(1 for x in scalars if x == signal)
    # Node 0's scalar never changes after injection (every later proposal to node 0 is its
    # own value), so "node 0 holds the input" is exactly "the injection was accepted".
    inject_accepted = inject["accepted"] if trace else bool(scalars[0] == signal)
    untouched = all(x == 0.0 for x in scalars) and all(float(node.state[1]) == 1.0 for node in ledger.nodes)
    if adopters == n:
        outcome = "full_agreement"
    elif not inject_accepted and untouched:
        outcome = "injection_rejected"
    else:
        outcome = "split"

    if steps < CAP:
        converged: bool | None = True
    elif trace:
        converged = sweeps[-1]["flips"] == 0
    else:
        converged = None  # resolved by a traced replay in main()

    run: dict[str, Any] = {
        "seed": seed,
        "nodes": n,
        "steps": int(steps),
        "converged": converged,
        "injectAccepted": inject_accepted,
        "outcome": outcome,
        "adopters": adopters,
        "nodeUpdates": int(steps) * n + 1,
        "finalState0": [float(final_state[0]), float(final_state[1])],
        "finalTemperature": float(ledger.nodes[0].temperature),
        "buildSeconds": t_built - t0,
        "runSeconds": t_end - t_run,
        "wallSeconds": t_end - t0,
    }
    if trace:
        run["adjacency"] = [list(ledger.graph.neighbors(i)) for i in range(n)]
        run["uniformDraws"] = draws
        run["sweeps"] = sweeps
        run["finalState0PerNode"] = scalars
    return run


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    n = len(runs)
    outcomes = ["full_agreement", "split", "injection_rejected"]
    counts = {o: sum(1 for r in runs if r["outcome"] == o) for o in outcomes}
    total_updates = sum(r["nodeUpdates"] for r in runs)
    total_run = sum(r["runSeconds"] for r in runs)
    return {
        "runs": n,
        "outcomeCounts": counts,
        "outcomeShares": {o: wilson(counts[o], n) for o in outcomes},
        "convergedCount": sum(1 for r in runs if r["converged"] is True),
        "capReached": sum(1 for r in runs if r["steps"] >= CAP),
        "steps": {**mean_sd(r["steps"] for r in runs), "min": min(r["steps"] for r in runs),
                  "max": max(r["steps"] for r in runs)},
        "stepsHistogram": histogram(r["steps"] for r in runs),
        "adoptersHistogram": histogram(r["adopters"] for r in runs),
        "totalNodeUpdates": total_updates,
        "totalRunSeconds": total_run,
        "totalWallSeconds": sum(r["wallSeconds"] for r in runs),
    }


def check_fixtures(ns: dict[str, Any], path: str | None) -> dict[str, Any]:
    """Replay every fixture run traced and compare everything it records."""
    results = []
    for fx in load_fixtures(path, "emtd_fixtures.json"):
        run = run_one(ns, fx["seed"], fx["N"], fx["decay"], fx["input_signal"], None, trace=True)
        mism: list[str] = []

        def eq(name: str, got: Any, want: Any) -> None:
            if got != want:
                mism.append(f"{name}: got {str(got)[:120]} want {str(want)[:120]}")

        eq("adjacency", run["adjacency"], fx["adjacency"])
        eq("uniform_draws", run["uniformDraws"], fx["uniform_draws"])
        eq("inject_accepted", run["injectAccepted"], fx["inject_accepted"])
        eq("steps", run["steps"], fx["steps"])
        eq("converged", run["converged"], fx["converged"])
        eq("final_state_node0", run["finalState0"], fx["final_state_node0"])
        eq("final_state0_per_node", run["finalState0PerNode"], fx["final_state0_per_node"])
        if not math.isclose(run["finalTemperature"], fx["final_temperature"], rel_tol=0, abs_tol=0):
            mism.append(f"final_temperature: got {run['finalTemperature']} want {fx['final_temperature']}")
        want_sweeps = [{k: s[k] for k in ("sweep", "T_during", "flips", "adopters_after")} for s in fx["sweeps"]]
        eq("sweeps", run["sweeps"], want_sweeps)
        results.append({"seed": fx["seed"], "N": fx["N"], "decay": fx["decay"], "ok": not mism, "mismatches": mism})
    return {"ok": all(r["ok"] for r in results), "fixtures": results}


def versions() -> dict[str, str]:
    return {"python": sys.version.split()[0], "numpy": np.__version__, "networkx": nx.__version__}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="0..9", help="A..B inclusive, or a comma list (default 0..9)")
    ap.add_argument("--nodes", type=int, default=50)
    ap.add_argument("--decay", type=float, default=0.95)
    ap.add_argument("--input", type=float, default=3.14159)
    ap.add_argument("--temperature", type=float, default=None,
                    help="initial temperature set on every node after construction (seed: 100)")
    ap.add_argument("--trace", action="store_true", help="record adjacency, draws and sweeps per run")
    ap.add_argument("--check-fixtures", nargs="?", const="", default=None, metavar="PATH",
                    help="replay test/fixtures/reference/emtd_fixtures.json (or PATH) and compare")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--seeds-dir", default=None, metavar="DIR",
                    help="directory of the seed documents (default $ENTROPIC_SEEDS_DIR, else ../shared/seeds)")
    a = ap.parse_args(argv)
    if a.nodes < 5:
        ap.error("--nodes must be >= 5 (watts_strogatz_graph with k=4)")

    src, origin = load_seed_code("emtd", a.seeds_dir)
    ns = load_classes(src, origin + "#python")

    if a.check_fixtures is not None:
        report = check_fixtures(ns, a.check_fixtures or None)
        if a.json:
            emit_json({"runner": "run_emtd_seed", "versions": versions(), "fixtureCheck": report})
            return 0
        for r in report["fixtures"]:
            status = "ok" if r["ok"] else "MISMATCH " + "; ".join(r["mismatches"])
            print(f"N={r['N']} seed={r['seed']} decay={r['decay']}: {status}")
        return 0 if report["ok"] else 1

    runs = []
    for s in parse_seeds(a.seeds):
        run = run_one(ns, s, a.nodes, a.decay, a.input, a.temperature, a.trace)
        if run["converged"] is None:  # hit the cap: replay traced (deterministic) to learn why
            traced = run_one(ns, s, a.nodes, a.decay, a.input, a.temperature, True)
            run["converged"] = traced["converged"]
        runs.append(run)
    agg = aggregate(runs)
    ups = agg["totalNodeUpdates"] / agg["totalRunSeconds"] if agg["totalRunSeconds"] > 0 else None
    params = {"nodes": a.nodes, "k": 4, "p": 0.1, "decay": a.decay, "input": a.input,
              "temperature": a.temperature if a.temperature is not None else 100.0,
              "temperaturePatched": a.temperature is not None, "trace": a.trace}

    if a.json:
        emit_json({"runner": "run_emtd_seed", "seedDocument": os.path.basename(origin), "versions": versions(), "params": params,
                   "runs": runs, "aggregate": agg, "updatesPerSecond": ups})
        return 0

    print(f"EMTD seed code, {agg['runs']} seeds, N={a.nodes}, decay={a.decay}, input={a.input}, T0={params['temperature']}")
    for o, c in agg["outcomeCounts"].items():
        w = agg["outcomeShares"][o]
        print(f"  {o:20s} {c:6d}  share {w['share']:.4f}  95% Wilson [{w['low']:.4f}, {w['high']:.4f}]")
    st = agg["steps"]
    print(f"  steps mean {st['mean']:.3f} sd {st['sd'] if st['sd'] is None else round(st['sd'], 3)} "
          f"min {st['min']} max {st['max']}  histogram {agg['stepsHistogram']}")
    print(f"  node updates/s (run_epoch only): {ups:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

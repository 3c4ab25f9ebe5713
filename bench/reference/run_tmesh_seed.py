#!/usr/bin/env python3
"""Run the T-M.E.S.H. seed's own code, unedited, over many seeds.

The code is the ```python block of the T-M.E.S.H. seed document, read at run time from the
seeds directory (--seeds-dir DIR, else $ENTROPIC_SEEDS_DIR, else ../shared/seeds beside the
repository) and checked against the SHA-256 in seed-code.json; the repository holds no copy.

The seed's demo is module-level code. Two ways of running it, both on the seed's source:

* demo (the default parameters 5 nodes, dim 2, 15 steps): np.random.seed(s), then exec the
  WHOLE code block in a fresh namespace with stdout captured; the results are read from
  that namespace (`nodes`, `fidelity_history`).
* replica (any parameters): exec the code's class definition (everything above the
  '# --- SIMULATION ORCHESTRATION ---' marker) and re-run the demo's loop with it, the same
  calls in the same order: QuantumGraphNode(i, dim) for i < N, then per step
  np.random.choice(N, 2, replace=False), interact, centroid, coherence. For 5/2/15 the runner
  runs both and requires bit-identical coherence histories and final matrices
  (`replicaMatchesDemo`); timing (interactions/s) is taken from the replica loop, since the
  demo's wall time is dominated by its prints. Nothing is string-substituted in the source.

Per seed: final coherence, the coherence history, mean and population variance of the nodes'
von Neumann entropies at the end (the seed's own entropy(), np.var as the seed uses), mean
node purity Tr(rho^2), the centroid's purity, interactions/s.

Usage:
  run_tmesh_seed.py --seeds 0..1999 [--nodes 5] [--dim 2] [--steps 15] [--trace] [--json]
                    [--seeds-dir DIR]
  run_tmesh_seed.py --check-fixtures [PATH] [--json] [--seeds-dir DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from typing import Any

import numpy as np
import scipy

sys.dont_write_bytecode = True  # no __pycache__ in the repo when importing _common
from _common import emit_json, load_fixtures, load_seed_code, mean_sd, parse_seeds

MARKER = "# --- SIMULATION ORCHESTRATION ---"
DEMO = {"nodes": 5, "dim": 2, "steps": 15}
# The seed's code and where it came from, set once by main() (load_seed_code).
SOURCE = {"code": "", "origin": ""}


def _source() -> str:
    src = SOURCE["code"]
    if src.count(MARKER) != 1:
        raise RuntimeError(f"{SOURCE['origin']}: expected exactly one {MARKER!r} line")
    return src


def load_class() -> Any:
    ns: dict[str, Any] = {"__name__": "tmesh_seed"}
    exec(compile(_source().split(MARKER, 1)[0], SOURCE["origin"], "exec"), ns)
    return ns["QuantumGraphNode"]


def run_demo(seed: int) -> dict[str, Any]:
    """The seed's demo, the whole code block, fresh namespace, stdout captured."""
    code = compile(_source(), SOURCE["origin"], "exec")
    ns: dict[str, Any] = {"__name__": "__main__"}
    out = io.StringIO()
    np.random.seed(seed)
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        exec(code, ns)
    t1 = time.perf_counter()
    return {"nodes": ns["nodes"], "history": [float(c) for c in ns["fidelity_history"]],
            "stdout": out.getvalue(), "seconds": t1 - t0}


def run_replica(cls: Any, seed: int, n: int, dim: int, steps: int) -> dict[str, Any]:
    """The demo's loop with the seed's class: the same numpy calls in the same order, so the
    draws and every floating-point operation match the demo bit for bit."""
    np.random.seed(seed)
    t0 = time.perf_counter()
    nodes = [cls(i, dim) for i in range(n)]
    initial = [node.rho.copy() for node in nodes]
    pairs: list[list[int]] = []
    history: list[float] = []
    t1 = time.perf_counter()
    for _t in range(steps):
        a, b = np.random.choice(n, 2, replace=False)  # one hyperedge: two distinct nodes
        nodes[a].interact(nodes[b])
        mean_rho = sum([x.rho for x in nodes]) / n
        history.append(np.mean([np.trace(np.dot(x.rho, mean_rho)).real for x in nodes]))
        pairs.append([int(a), int(b)])
    t2 = time.perf_counter()
    return {"nodes": nodes, "initial": initial, "pairs": pairs, "history": [float(c) for c in history],
            "initSeconds": t1 - t0, "loopSeconds": t2 - t1}


def summarise(nodes: list[Any]) -> dict[str, Any]:
    ent = [float(x.entropy()) for x in nodes]
    centroid = sum([x.rho for x in nodes]) / len(nodes)
    return {
        "entropyMean": float(np.mean(ent)),
        "entropyVar": float(np.var(ent)),
        "purityMean": float(np.mean([np.trace(x.rho @ x.rho).real for x in nodes])),
        "purityCentroid": float(np.trace(centroid @ centroid).real),
        "traceMaxDeviation": float(max(abs(np.trace(x.rho) - 1) for x in nodes)),
        "diameter": float(max(np.abs(a.rho - b.rho).max() for a in nodes for b in nodes)),
    }


def run_one(cls: Any, seed: int, n: int, dim: int, steps: int, trace: bool) -> dict[str, Any]:
    rep = run_replica(cls, seed, n, dim, steps)
    run: dict[str, Any] = {"seed": seed, "nodes": n, "dim": dim, "steps": steps}
    if (n, dim, steps) == (DEMO["nodes"], DEMO["dim"], DEMO["steps"]):
        demo = run_demo(seed)
        same = demo["history"] == rep["history"] and all(
            np.array_equal(a.rho, b.rho) for a, b in zip(demo["nodes"], rep["nodes"]))
        run["mode"] = "demo"
        run["replicaMatchesDemo"] = bool(same)
        run["demoSeconds"] = demo["seconds"]
        nodes, history = demo["nodes"], demo["history"]
    else:
        run["mode"] = "replica"
        nodes, history = rep["nodes"], rep["history"]
    run.update({
        "finalCoherence": history[-1] if history else None,
        "coherenceHistory": history,
        **summarise(nodes),
        "interactions": steps,
        "loopSeconds": rep["loopSeconds"],
        "interactionsPerSecond": steps / rep["loopSeconds"] if rep["loopSeconds"] > 0 else None,
    })
    if trace:
        run["pairs"] = rep["pairs"]
        run["initialRhoRe"] = [m.real.tolist() for m in rep["initial"]]
        run["initialRhoIm"] = [m.imag.tolist() for m in rep["initial"]]
        run["finalRhoRe"] = [x.rho.real.tolist() for x in nodes]
        run["finalRhoIm"] = [x.rho.imag.tolist() for x in nodes]
    return run


def aggregate(runs: list[dict[str, Any]]) -> dict[str, Any]:
    fc = sorted(r["finalCoherence"] for r in runs)
    total_i = sum(r["interactions"] for r in runs)
    total_s = sum(r["loopSeconds"] for r in runs)
    drift = [abs(r["coherenceHistory"][-1] - r["coherenceHistory"][0]) for r in runs if r["coherenceHistory"]]
    return {
        "runs": len(runs),
        "finalCoherence": {**mean_sd(fc), "min": fc[0], "max": fc[-1],
                           "median": float(np.quantile(fc, 0.5))},
        "coherenceMaxDrift": max(drift) if drift else None,
        "entropyMean": mean_sd(r["entropyMean"] for r in runs),
        "entropyVar": mean_sd(r["entropyVar"] for r in runs),
        "purityMean": mean_sd(r["purityMean"] for r in runs),
        "purityCentroid": mean_sd(r["purityCentroid"] for r in runs),
        "replicaMatchesDemo": all(r.get("replicaMatchesDemo", True) for r in runs),
        "totalInteractions": total_i,
        "totalLoopSeconds": total_s,
    }


def check_fixtures(cls: Any, path: str | None) -> dict[str, Any]:
    """Each fixture: replica with the fixture's N/dim over all its pairs; for dim 2 also the
    demo's 15 steps against the fixture's first 15 coherence values."""
    results = []
    for fx in load_fixtures(path, "tmesh_fixtures.json"):
        steps = len(fx["pairs"])
        rep = run_replica(cls, fx["seed"], fx["N"], fx["dim"], steps)
        mism: list[str] = []
        if rep["pairs"] != fx["pairs"]:
            mism.append("pairs differ")

        def close(name: str, got: Any, want: Any, tol: float = 1e-12) -> None:
            g, w = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
            if g.shape != w.shape or not np.all(np.abs(g - w) <= tol):
                err = float(np.max(np.abs(g - w))) if g.shape == w.shape else "shape"
                mism.append(f"{name}: max abs error {err}")

        close("initial_rho_re", [m.real for m in rep["initial"]], fx["initial_rho_re"])
        close("initial_rho_im", [m.imag for m in rep["initial"]], fx["initial_rho_im"])
        close("coherence_history", rep["history"], fx["coherence_history"])
        close("final_rho_re", [x.rho.real for x in rep["nodes"]], fx["final_rho_re"])
        close("final_rho_im", [x.rho.imag for x in rep["nodes"]], fx["final_rho_im"])
        demo_checked = False
        if fx["N"] == DEMO["nodes"] and fx["dim"] == DEMO["dim"]:
            demo = run_demo(fx["seed"])
            close("demo_first_15_coherence", demo["history"], fx["coherence_history"][: DEMO["steps"]])
            demo_checked = True
        results.append({"seed": fx["seed"], "N": fx["N"], "dim": fx["dim"], "steps": steps,
                        "demoChecked": demo_checked, "ok": not mism, "mismatches": mism})
    return {"ok": all(r["ok"] for r in results), "fixtures": results}


def versions() -> dict[str, str]:
    return {"python": sys.version.split()[0], "numpy": np.__version__, "scipy": scipy.__version__}


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", default="0..9", help="A..B inclusive, or a comma list (default 0..9)")
    ap.add_argument("--nodes", type=int, default=DEMO["nodes"])
    ap.add_argument("--dim", type=int, default=DEMO["dim"])
    ap.add_argument("--steps", type=int, default=DEMO["steps"])
    ap.add_argument("--trace", action="store_true", help="also record pairs and initial/final matrices")
    ap.add_argument("--check-fixtures", nargs="?", const="", default=None, metavar="PATH",
                    help="replay test/fixtures/reference/tmesh_fixtures.json (or PATH) and compare")
    ap.add_argument("--json", action="store_true", help="print one JSON document")
    ap.add_argument("--seeds-dir", default=None, metavar="DIR",
                    help="directory of the seed documents (default $ENTROPIC_SEEDS_DIR, else ../shared/seeds)")
    a = ap.parse_args(argv)
    if a.nodes < 2 or a.dim < 1 or a.steps < 1:
        ap.error("need --nodes >= 2, --dim >= 1, --steps >= 1")

    code, origin = load_seed_code("tmesh", a.seeds_dir)
    SOURCE.update(code=code, origin=origin + "#python")
    cls = load_class()
    if a.check_fixtures is not None:
        report = check_fixtures(cls, a.check_fixtures or None)
        if a.json:
            emit_json({"runner": "run_tmesh_seed", "versions": versions(), "fixtureCheck": report})
            return 0
        for r in report["fixtures"]:
            status = "ok" if r["ok"] else "MISMATCH " + "; ".join(r["mismatches"])
            print(f"N={r['N']} dim={r['dim']} seed={r['seed']} ({r['steps']} pairs): {status}")
        return 0 if report["ok"] else 1

    runs = [run_one(cls, s, a.nodes, a.dim, a.steps, a.trace) for s in parse_seeds(a.seeds)]
    agg = aggregate(runs)
    ips = agg["totalInteractions"] / agg["totalLoopSeconds"] if agg["totalLoopSeconds"] > 0 else None
    params = {"nodes": a.nodes, "dim": a.dim, "steps": a.steps,
              "mode": "demo" if (a.nodes, a.dim, a.steps) == tuple(DEMO.values()) else "replica"}
    if a.json:
        emit_json({"runner": "run_tmesh_seed", "seedDocument": os.path.basename(origin), "versions": versions(), "params": params,
                   "runs": runs, "aggregate": agg, "interactionsPerSecond": ips})
        return 0

    fc = agg["finalCoherence"]
    print(f"T-M.E.S.H. seed code ({params['mode']}), {agg['runs']} seeds, N={a.nodes}, dim={a.dim}, steps={a.steps}")
    print(f"  final coherence mean {fc['mean']:.6f} sd {fc['sd'] if fc['sd'] is None else round(fc['sd'], 6)} "
          f"min {fc['min']:.6f} max {fc['max']:.6f}")
    print(f"  max |coherence[last] - coherence[first]| over runs: {agg['coherenceMaxDrift']:.3g}")
    print(f"  final entropy mean (over runs) {agg['entropyMean']['mean']:.6f}, "
          f"entropy variance mean {agg['entropyVar']['mean']:.6g}")
    print(f"  replica == demo: {agg['replicaMatchesDemo']}   interactions/s (loop incl. coherence): {ips:,.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
